-- tau-bench airline, test task 32 (tau_bench/envs/airline/tasks_test.py, TASKS[32]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["HATHAT"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="HATHAT",user_id="sophia_silva_7557",origin="ORD",destination="PHL",flight_type="one_way",cabin="economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT271",date="2024-05-26",price=174,origin="ORD",destination="PHL"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Sophia",last_name="Silva",dob="1957-10-05"},{_keys={"first_name","last_name","dob"},first_name="Kevin",last_name="Smith",dob="2001-04-12"}},payment_history={{_keys={"payment_id","amount"},payment_id="certificate_8045380",amount=348}},created_at="2024-05-15T15:00:00",total_baggages=0,nonfree_baggages=0,insurance="no"},
    },
    users = {
      ["sophia_silva_7557"] = {_keys={"name","address","email","dob","payment_methods","saved_passengers","membership","reservations"},name={_keys={"first_name","last_name"},first_name="Sophia",last_name="Silva"},address={_keys={"address1","address2","city","country","state","zip"},address1="141 Cedar Avenue",address2="Suite 436",city="Columbus",country="USA",state="OH",zip="43282"},email="sophia.silva5929@example.com",dob="1957-10-05",payment_methods={_keys={"certificate_3887113","credit_card_4196779","gift_card_5094406"},certificate_3887113={_keys={"source","amount","id"},source="certificate",amount=150,id="certificate_3887113"},credit_card_4196779={_keys={"source","brand","last_four","id"},source="credit_card",brand="visa",last_four="7238",id="credit_card_4196779"},gift_card_5094406={_keys={"source","amount","id"},source="gift_card",amount=274,id="gift_card_5094406"}},saved_passengers={{_keys={"first_name","last_name","dob"},first_name="Yara",last_name="Silva",dob="1972-06-16"},{_keys={"first_name","last_name","dob"},first_name="Isabella",last_name="Moore",dob="1988-06-04"}},membership="regular",reservations={"NM1VX1","KC18K6","S61CZX","H8Q05L","WUNA5K","HATHAT"}},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is sophia_silva_7557. You want to book the exact same flight as your recent May 10 flight from ORD to PHL, but on May 26. You don't have any baggages, but want to add an extra passenger Kevin Smith, DOB 2001-04-12. You are ok with economy and want aisle and a middle seat together. You are willing to pay up to $500 for the purchase. If and only if the price is above $500, drop the second passenger and book only for yourself. If the agent asks, you only want a one-way ticket, not roundtrip. You don't need any travel insurance.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 32, user sophia_silva_7557",
  system = include("_wiki.lua"),
  facts = {
    user_id = "sophia_silva_7557",
    instruction = "Your user id is sophia_silva_7557. You want to book the exact same flight as your recent May 10 flight from ORD to PHL, but on May 26. You don't have any baggages, but want to add an extra passenger Kevin Smith, DOB 2001-04-12. You are ok with economy and want aisle and a middle seat together. You are willing to pay up to $500 for the purchase. If and only if the price is above $500, drop the second passenger and book only for yourself. If the agent asks, you only want a one-way ticket, not roundtrip. You don't need any travel insurance.",
    story = { actions = { {
      name = "get_user_details",
      arguments = "{\"user_id\": \"sophia_silva_7557\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"WUNA5K\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"ORD\", \"destination\": \"PHL\", \"date\": \"2024-05-26\"}",
    }, {
      name = "book_reservation",
      arguments = "{\"user_id\": \"sophia_silva_7557\", \"origin\": \"ORD\", \"destination\": \"PHL\", \"flight_type\": \"one_way\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT271\", \"date\": \"2024-05-26\"}], \"passengers\": [{\"first_name\": \"Sophia\", \"last_name\": \"Silva\", \"dob\": \"1957-10-05\"}, {\"first_name\": \"Kevin\", \"last_name\": \"Smith\", \"dob\": \"2001-04-12\"}], \"payment_methods\": [{\"payment_id\": \"certificate_8045380\", \"amount\": 348}], \"total_baggages\": 0, \"nonfree_baggages\": 0, \"insurance\": \"no\"}",
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
