-- tau-bench airline, test task 10 (tau_bench/envs/airline/tasks_test.py, TASKS[10]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["H9ZU1C"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance","status"},reservation_id="H9ZU1C",user_id="mia_kim_4397",origin="MIA",destination="IAH",flight_type="one_way",cabin="economy",flights={{_keys={"origin","destination","flight_number","date","price"},origin="MIA",destination="EWR",flight_number="HAT192",date="2024-05-24",price=174},{_keys={"origin","destination","flight_number","date","price"},origin="EWR",destination="IAH",flight_number="HAT166",date="2024-05-25",price=125}},passengers={{_keys={"first_name","last_name","dob"},first_name="James",last_name="Moore",dob="1977-02-03"},{_keys={"first_name","last_name","dob"},first_name="Ethan",last_name="Lopez",dob="1991-11-04"},{_keys={"first_name","last_name","dob"},first_name="Amelia",last_name="Sanchez",dob="1968-08-24"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_7359776",amount=897},{_keys={"payment_id","amount"},payment_id="gift_card_7359776",amount=-897}},created_at="2024-05-01T04:50:18",total_baggages=0,nonfree_baggages=0,insurance="no",status="cancelled"},
      ["HATHAT"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="HATHAT",user_id="mia_kim_4397",origin="JFK",destination="SEA",flight_type="round_trip",cabin="basic_economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT069",date="2024-05-20",price=51,origin="JFK",destination="SEA"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT276",date="2024-05-25",price=55,origin="SEA",destination="JFK"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Mia",last_name="Kim",dob="1965-06-09"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_7359776",amount=39},{_keys={"payment_id","amount"},payment_id="gift_card_7773485",amount=67}},created_at="2024-05-15T15:00:00",total_baggages=1,nonfree_baggages=0,insurance="no"},
    },
    users = {
      ["mia_kim_4397"] = {_keys={"name","address","email","dob","payment_methods","saved_passengers","membership","reservations"},name={_keys={"first_name","last_name"},first_name="Mia",last_name="Kim"},address={_keys={"address1","address2","city","country","state","zip"},address1="681 Cedar Street",address2="Suite 847",city="Washington",country="USA",state="DC",zip="20017"},email="mia.kim6850@example.com",dob="1965-06-09",payment_methods={_keys={"gift_card_7359776","gift_card_7773485"},gift_card_7359776={_keys={"source","amount","id"},source="gift_card",amount=0,id="gift_card_7359776"},gift_card_7773485={_keys={"source","amount","id"},source="gift_card",amount=136,id="gift_card_7773485"}},saved_passengers={{_keys={"first_name","last_name","dob"},first_name="Ethan",last_name="Lopez",dob="1991-11-04"}},membership="silver",reservations={"C4GP7M","XL2C75","H9ZU1C","HATHAT"}},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is mia_kim_4397 and you want to remove Ethan from you reservation H9ZU1C. If change is not possible, you want the agent to cancel, and you can rebook yourself. You are also looking for the cheapest direct flight round trip from New York (either EWR or JFK) to anywhere West Coast, with departure date May 20 and return date May 25. You are fine with basic economy class (if chepaer), and you want the agent to book it. You want to first use up your smaller GC and then the larger one. Would want to use all your free baggage allowance but no insurance. Your DOB is in your user profile and you do not want to speak it. You also wonder why cancellation does not refund to GC now.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 10, user mia_kim_4397",
  system = include("_wiki.lua"),
  facts = {
    user_id = "mia_kim_4397",
    instruction = "Your user id is mia_kim_4397 and you want to remove Ethan from you reservation H9ZU1C. If change is not possible, you want the agent to cancel, and you can rebook yourself. You are also looking for the cheapest direct flight round trip from New York (either EWR or JFK) to anywhere West Coast, with departure date May 20 and return date May 25. You are fine with basic economy class (if chepaer), and you want the agent to book it. You want to first use up your smaller GC and then the larger one. Would want to use all your free baggage allowance but no insurance. Your DOB is in your user profile and you do not want to speak it. You also wonder why cancellation does not refund to GC now.",
    story = { actions = { {
      name = "cancel_reservation",
      arguments = "{\"reservation_id\": \"H9ZU1C\"}",
    }, {
      name = "book_reservation",
      arguments = "{\"user_id\": \"mia_kim_4397\", \"origin\": \"JFK\", \"destination\": \"SEA\", \"flight_type\": \"round_trip\", \"cabin\": \"basic_economy\", \"flights\": [{\"flight_number\": \"HAT069\", \"date\": \"2024-05-20\"}, {\"flight_number\": \"HAT276\", \"date\": \"2024-05-25\"}], \"passengers\": [{\"first_name\": \"Mia\", \"last_name\": \"Kim\", \"dob\": \"1965-06-09\"}], \"payment_methods\": [{\"payment_id\": \"gift_card_7359776\", \"amount\": 39}, {\"payment_id\": \"gift_card_7773485\", \"amount\": 67}], \"total_baggages\": 1, \"nonfree_baggages\": 0, \"insurance\": \"no\"}",
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
