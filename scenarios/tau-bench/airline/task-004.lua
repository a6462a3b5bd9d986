-- tau-bench airline, test task 4 (tau_bench/envs/airline/tasks_test.py, TASKS[4]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["FQ8APE"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="FQ8APE",user_id="omar_rossi_1241",origin="EWR",destination="ORD",flight_type="one_way",cabin="basic_economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT056",date="2024-05-25",price=155,origin="EWR",destination="IAH"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT138",date="2024-05-25",price=185,origin="IAH",destination="ORD"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Omar",last_name="Rossi",dob="1970-06-06"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_8190333",amount=161},{_keys={"payment_id","amount"},payment_id="gift_card_8190333",amount=209}},created_at="2024-05-01T16:18:10",total_baggages=3,nonfree_baggages=0,insurance="yes"},
    },
    users = {
      ["omar_rossi_1241"] = {_keys={"name","address","email","dob","payment_methods","saved_passengers","membership","reservations"},name={_keys={"first_name","last_name"},first_name="Omar",last_name="Rossi"},address={_keys={"address1","address2","city","country","state","zip"},address1="901 Pine Lane",address2="Suite 360",city="Houston",country="USA",state="TX",zip="77271"},email="omar.rossi5980@example.com",dob="1970-06-06",payment_methods={_keys={"gift_card_8190333","credit_card_6754990","certificate_8390038","certificate_1778167","gift_card_6490722","credit_card_7407366"},gift_card_8190333={_keys={"source","amount","id"},source="gift_card",amount=71,id="gift_card_8190333"},credit_card_6754990={_keys={"source","brand","last_four","id"},source="credit_card",brand="mastercard",last_four="3848",id="credit_card_6754990"},certificate_8390038={_keys={"source","amount","id"},source="certificate",amount=150,id="certificate_8390038"},certificate_1778167={_keys={"source","amount","id"},source="certificate",amount=250,id="certificate_1778167"},gift_card_6490722={_keys={"source","amount","id"},source="gift_card",amount=127,id="gift_card_6490722"},credit_card_7407366={_keys={"source","brand","last_four","id"},source="credit_card",brand="visa",last_four="6437",id="credit_card_7407366"}},saved_passengers={{_keys={"first_name","last_name","dob"},first_name="Liam",last_name="Lee",dob="1989-08-12"}},membership="gold",reservations={"UM3OG5","5RJ7UH","FQ8APE","QKRY03"}},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is omar_rossi_1241. For your upcoming trip from New York to Chicago, you want to change the passenger to yourself, upgrade it to economy class, and have 3 checked bags. You prefer gift card payment. Your birthday is in your user profile so you do not prefer to provide it. You are reactive to the agent and will not say anything that is not asked.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 4, user omar_rossi_1241",
  system = include("_wiki.lua"),
  facts = {
    user_id = "omar_rossi_1241",
    instruction = "Your user id is omar_rossi_1241. For your upcoming trip from New York to Chicago, you want to change the passenger to yourself, upgrade it to economy class, and have 3 checked bags. You prefer gift card payment. Your birthday is in your user profile so you do not prefer to provide it. You are reactive to the agent and will not say anything that is not asked.",
    story = { actions = { {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"FQ8APE\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT056\", \"date\": \"2024-05-25\"}, {\"flight_number\": \"HAT138\", \"date\": \"2024-05-25\"}], \"payment_id\": \"gift_card_8190333\"}",
    }, {
      name = "update_reservation_passengers",
      arguments = "{\"reservation_id\": \"FQ8APE\", \"passengers\": [{\"first_name\": \"Omar\", \"last_name\": \"Rossi\", \"dob\": \"1970-06-06\"}]}",
    }, {
      name = "update_reservation_baggages",
      arguments = "{\"reservation_id\": \"FQ8APE\", \"total_baggages\": 3, \"nonfree_baggages\": 0, \"payment_id\": \"gift_card_8190333\"}",
    } }, outputs = {} },
  },
  persona = persona {
    name = "tau-user",
    run = function(u)
      while true do
        u:llm{ system = USER, greeting = "Hi! How can I help you today?", stop = "###STOP###",
               fallback = "Hi, I need help with my reservation." }
      end
    end,
  },
  state = A.initial,
  tools = A.tools,
  stop_tools = { "transfer_to_human_agents" },
  max_steps = 30,
  tool_calls_per_message = 1,
  max_turns = 100,
  record_state = false,
  goal = function(state, run) return T.reward(state, run, gold, A.initial) end,
}
