-- tau-bench airline, test task 8 (tau_bench/envs/airline/tasks_test.py, TASKS[8]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["K1NW8N"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance","status"},reservation_id="K1NW8N",user_id="mohamed_silva_9265",origin="JFK",destination="SFO",flight_type="round_trip",cabin="basic_economy",flights={{_keys={"origin","destination","flight_number","date","price"},origin="JFK",destination="SFO",flight_number="HAT023",date="2024-05-26",price=53},{_keys={"origin","destination","flight_number","date","price"},origin="SFO",destination="SEA",flight_number="HAT204",date="2024-05-28",price=71},{_keys={"origin","destination","flight_number","date","price"},origin="SEA",destination="JFK",flight_number="HAT021",date="2024-05-28",price=65}},passengers={{_keys={"first_name","last_name","dob"},first_name="Mohamed",last_name="Silva",dob="1960-11-26"},{_keys={"first_name","last_name","dob"},first_name="Raj",last_name="Sanchez",dob="1986-09-12"},{_keys={"first_name","last_name","dob"},first_name="Liam",last_name="Wilson",dob="1980-03-27"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_6136092",amount=567},{_keys={"payment_id","amount"},payment_id="gift_card_6136092",amount=-567}},created_at="2024-05-14T16:03:16",total_baggages=0,nonfree_baggages=0,insurance="no",status="cancelled"},
      ["HATHAT"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="HATHAT",user_id="mohamed_silva_9265",origin="JFK",destination="SFO",flight_type="round_trip",cabin="business",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT023",date="2024-05-26",price=364,origin="JFK",destination="SFO"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT204",date="2024-05-28",price=248,origin="SFO",destination="SEA"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT100",date="2024-05-28",price=259,origin="SEA",destination="JFK"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Mohamed",last_name="Silva",dob="1960-11-26"},{_keys={"first_name","last_name","dob"},first_name="Raj",last_name="Sanchez",dob="1986-09-12"},{_keys={"first_name","last_name","dob"},first_name="Liam",last_name="Wilson",dob="1980-03-27"}},payment_history={{_keys={"payment_id","amount"},payment_id="certificate_3765853",amount=500},{_keys={"payment_id","amount"},payment_id="gift_card_8020792",amount=198},{_keys={"payment_id","amount"},payment_id="gift_card_6136092",amount=129},{_keys={"payment_id","amount"},payment_id="credit_card_2198526",amount=1786}},created_at="2024-05-15T15:00:00",total_baggages=0,nonfree_baggages=0,insurance="no"},
    },
    users = {
      ["mohamed_silva_9265"] = {_keys={"name","address","email","dob","payment_methods","saved_passengers","membership","reservations"},name={_keys={"first_name","last_name"},first_name="Mohamed",last_name="Silva"},address={_keys={"address1","address2","city","country","state","zip"},address1="638 Elm Street",address2="Suite 548",city="Los Angeles",country="USA",state="CA",zip="91365"},email="mohamed.silva9198@example.com",dob="1960-11-26",payment_methods={_keys={"credit_card_5843230","gift_card_8020792","gift_card_6136092","certificate_9984806","credit_card_2198526","certificate_2765295"},credit_card_5843230={_keys={"source","brand","last_four","id"},source="credit_card",brand="visa",last_four="2395",id="credit_card_5843230"},gift_card_8020792={_keys={"source","amount","id"},source="gift_card",amount=0,id="gift_card_8020792"},gift_card_6136092={_keys={"source","amount","id"},source="gift_card",amount=0,id="gift_card_6136092"},certificate_9984806={_keys={"source","amount","id"},source="certificate",amount=250,id="certificate_9984806"},credit_card_2198526={_keys={"source","brand","last_four","id"},source="credit_card",brand="mastercard",last_four="9363",id="credit_card_2198526"},certificate_2765295={_keys={"source","amount","id"},source="certificate",amount=250,id="certificate_2765295"}},saved_passengers={{_keys={"first_name","last_name","dob"},first_name="Raj",last_name="Sanchez",dob="1986-09-12"},{_keys={"first_name","last_name","dob"},first_name="Liam",last_name="Wilson",dob="1980-03-27"}},membership="regular",reservations={"K1NW8N","HATHAT"}},
    },
  },
  removed = {},
  outputs = {"327", "1000", "1786"},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is mohamed_silva_9265. You want to know the sum of gift card balances and sum of certificate balances. If the agent gives you individual balances, you want the sums. Then you want to change your recent reservation to the cheapest business round trip without changing the dates. You don't care about direct flight or stop over. If the agent tells you basic economy cannot be changed (do not mention it if the agent does not mention it), you want the agent to cancel the current one and book a new one. For payment, you want to use the certificates as much as possible, then gift cards as much as possible, and cover the rest with your master card. But you want to know how much your master card will be charged. You do not need baggage or insurance. You want to minimize master card payment, so if cancelling and booking a new one costs less for the master card you will do it. You are calm.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 8, user mohamed_silva_9265",
  system = include("_wiki.lua"),
  facts = {
    user_id = "mohamed_silva_9265",
    instruction = "Your user id is mohamed_silva_9265. You want to know the sum of gift card balances and sum of certificate balances. If the agent gives you individual balances, you want the sums. Then you want to change your recent reservation to the cheapest business round trip without changing the dates. You don't care about direct flight or stop over. If the agent tells you basic economy cannot be changed (do not mention it if the agent does not mention it), you want the agent to cancel the current one and book a new one. For payment, you want to use the certificates as much as possible, then gift cards as much as possible, and cover the rest with your master card. But you want to know how much your master card will be charged. You do not need baggage or insurance. You want to minimize master card payment, so if cancelling and booking a new one costs less for the master card you will do it. You are calm.",
    story = { actions = { {
      name = "cancel_reservation",
      arguments = "{\"reservation_id\": \"K1NW8N\"}",
    }, {
      name = "book_reservation",
      arguments = "{\"user_id\": \"mohamed_silva_9265\", \"origin\": \"JFK\", \"destination\": \"SFO\", \"flight_type\": \"round_trip\", \"cabin\": \"business\", \"flights\": [{\"flight_number\": \"HAT023\", \"date\": \"2024-05-26\"}, {\"flight_number\": \"HAT204\", \"date\": \"2024-05-28\"}, {\"flight_number\": \"HAT100\", \"date\": \"2024-05-28\"}], \"passengers\": [{\"first_name\": \"Mohamed\", \"last_name\": \"Silva\", \"dob\": \"1960-11-26\"}, {\"first_name\": \"Raj\", \"last_name\": \"Sanchez\", \"dob\": \"1986-09-12\"}, {\"first_name\": \"Liam\", \"last_name\": \"Wilson\", \"dob\": \"1980-03-27\"}], \"payment_methods\": [{\"payment_id\": \"certificate_3765853\", \"amount\": 500}, {\"payment_id\": \"gift_card_8020792\", \"amount\": 198}, {\"payment_id\": \"gift_card_6136092\", \"amount\": 129}, {\"payment_id\": \"credit_card_2198526\", \"amount\": 1786}], \"total_baggages\": 0, \"nonfree_baggages\": 0, \"insurance\": \"no\"}",
    } }, outputs = { "327", "1000", "1786" } },
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
