-- tau-bench airline, test task 6 (tau_bench/envs/airline/tasks_test.py, TASKS[6]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["M05KNL"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="M05KNL",user_id="aarav_garcia_1177",origin="ATL",destination="PHL",flight_type="one_way",cabin="business",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT110",date="2024-05-24",price=105,origin="ATL",destination="LGA"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT172",date="2024-05-24",price=102,origin="LGA",destination="PHL"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Aarav",last_name="Garcia",dob="1992-09-13"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_8887175",amount=2787},{_keys={"payment_id","amount"},payment_id="gift_card_8887175",amount=-2580}},created_at="2024-05-14T06:33:04",total_baggages=0,nonfree_baggages=0,insurance="no"},
    },
    users = {
      ["aarav_garcia_1177"] = {_keys={"name","address","email","dob","payment_methods","saved_passengers","membership","reservations"},name={_keys={"first_name","last_name"},first_name="Aarav",last_name="Garcia"},address={_keys={"address1","address2","city","country","state","zip"},address1="833 Highland Drive",address2="Suite 740",city="Denver",country="USA",state="CO",zip="80211"},email="aarav.garcia6639@example.com",dob="1992-09-13",payment_methods={_keys={"certificate_7473723","gift_card_8887175"},certificate_7473723={_keys={"source","amount","id"},source="certificate",amount=150,id="certificate_7473723"},gift_card_8887175={_keys={"source","amount","id"},source="gift_card",amount=2615,id="gift_card_8887175"}},saved_passengers={{_keys={"first_name","last_name","dob"},first_name="Lei",last_name="Ito",dob="1990-12-07"}},membership="gold",reservations={"M05KNL","UHDAHF"}},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is aarav_garcia_1177. For your upcoming trip from ATL to PHL, you want to change for the cheapest economy flight and for the day after the original reservation. You are happy with original payment for refund.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 6, user aarav_garcia_1177",
  system = include("_wiki.lua"),
  facts = {
    user_id = "aarav_garcia_1177",
    instruction = "Your user id is aarav_garcia_1177. For your upcoming trip from ATL to PHL, you want to change for the cheapest economy flight and for the day after the original reservation. You are happy with original payment for refund.",
    story = { actions = { {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"M05KNL\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT110\", \"date\": \"2024-05-24\"}, {\"flight_number\": \"HAT172\", \"date\": \"2024-05-24\"}], \"payment_id\": \"gift_card_8887175\"}",
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
