-- tau-bench airline, test task 0 (tau_bench/envs/airline/tasks_test.py, TASKS[0]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["HATHAT"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="HATHAT",user_id="mia_li_3668",origin="JFK",destination="SEA",flight_type="one_way",cabin="economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT136",date="2024-05-20",price=152,origin="JFK",destination="ATL"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT039",date="2024-05-20",price=103,origin="ATL",destination="SEA"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Mia",last_name="Li",dob="1990-04-05"}},payment_history={{_keys={"payment_id","amount"},payment_id="certificate_7504069",amount=250},{_keys={"payment_id","amount"},payment_id="credit_card_4421486",amount=5}},created_at="2024-05-15T15:00:00",total_baggages=3,nonfree_baggages=0,insurance="no"},
    },
    users = {
      ["mia_li_3668"] = {_keys={"name","address","email","dob","payment_methods","saved_passengers","membership","reservations"},name={_keys={"first_name","last_name"},first_name="Mia",last_name="Li"},address={_keys={"address1","address2","city","country","state","zip"},address1="975 Sunset Drive",address2="Suite 217",city="Austin",country="USA",state="TX",zip="78750"},email="mia.li3818@example.com",dob="1990-04-05",payment_methods={_keys={"credit_card_4421486","certificate_4856383","credit_card_1955700"},credit_card_4421486={_keys={"source","brand","last_four","id"},source="credit_card",brand="visa",last_four="7447",id="credit_card_4421486"},certificate_4856383={_keys={"source","amount","id"},source="certificate",amount=100,id="certificate_4856383"},credit_card_1955700={_keys={"source","brand","last_four","id"},source="credit_card",brand="visa",last_four="1907",id="credit_card_1955700"}},saved_passengers={{_keys={"first_name","last_name","dob"},first_name="Amelia",last_name="Ahmed",dob="1957-03-21"}},membership="gold",reservations={"NO6JO3","AIXC49","HKEG34","HATHAT"}},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is mia_li_3668. You want to fly from New York to Seattle on May 20 (one way). You do not want to fly before 11am est. You want to fly in economy. You prefer direct flights but one stopover also fine. If there are multiple options, you prefer the one with the lowest price. You have 3 baggages. You do not want insurance. You want to use your two certificates to pay. If only one certificate can be used, you prefer using the larger one, and pay the rest with your 7447 card. You are reactive to the agent and will not say anything that is not asked. Your birthday is in your user profile so you do not prefer to provide it.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 0, user mia_li_3668",
  system = include("_wiki.lua"),
  facts = {
    user_id = "mia_li_3668",
    instruction = "Your user id is mia_li_3668. You want to fly from New York to Seattle on May 20 (one way). You do not want to fly before 11am est. You want to fly in economy. You prefer direct flights but one stopover also fine. If there are multiple options, you prefer the one with the lowest price. You have 3 baggages. You do not want insurance. You want to use your two certificates to pay. If only one certificate can be used, you prefer using the larger one, and pay the rest with your 7447 card. You are reactive to the agent and will not say anything that is not asked. Your birthday is in your user profile so you do not prefer to provide it.",
    story = { actions = { {
      name = "book_reservation",
      arguments = "{\"user_id\": \"mia_li_3668\", \"origin\": \"JFK\", \"destination\": \"SEA\", \"flight_type\": \"one_way\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT136\", \"date\": \"2024-05-20\"}, {\"flight_number\": \"HAT039\", \"date\": \"2024-05-20\"}], \"passengers\": [{\"first_name\": \"Mia\", \"last_name\": \"Li\", \"dob\": \"1990-04-05\"}], \"payment_methods\": [{\"payment_id\": \"certificate_7504069\", \"amount\": 250}, {\"payment_id\": \"credit_card_4421486\", \"amount\": 5}], \"total_baggages\": 3, \"nonfree_baggages\": 0, \"insurance\": \"no\"}",
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
