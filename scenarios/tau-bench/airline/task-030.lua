-- tau-bench airline, test task 30 (tau_bench/envs/airline/tasks_test.py, TASKS[30]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["HSR97W"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance","status"},reservation_id="HSR97W",user_id="sophia_martin_4574",origin="ORD",destination="SFO",flight_type="one_way",cabin="business",flights={{_keys={"origin","destination","flight_number","date","price"},origin="ORD",destination="PHL",flight_number="HAT289",date="2024-05-22",price=705},{_keys={"origin","destination","flight_number","date","price"},origin="PHL",destination="SFO",flight_number="HAT199",date="2024-05-22",price=492}},passengers={{_keys={"first_name","last_name","dob"},first_name="Sophia",last_name="Martin",dob="1990-10-25"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_1402274",amount=1227},{_keys={"payment_id","amount"},payment_id="credit_card_1402274",amount=-1227}},created_at="2024-05-11T10:09:09",total_baggages=0,nonfree_baggages=0,insurance="yes",status="cancelled"},
      ["FDZ0T5"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance","status"},reservation_id="FDZ0T5",user_id="sophia_martin_4574",origin="JFK",destination="PHL",flight_type="one_way",cabin="business",flights={{_keys={"origin","destination","flight_number","date","price"},origin="JFK",destination="ORD",flight_number="HAT079",date="2024-05-17",price=1956},{_keys={"origin","destination","flight_number","date","price"},origin="ORD",destination="PHL",flight_number="HAT289",date="2024-05-17",price=1822}},passengers={{_keys={"first_name","last_name","dob"},first_name="Sophia",last_name="Martin",dob="1990-10-25"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_1402274",amount=3778},{_keys={"payment_id","amount"},payment_id="credit_card_1402274",amount=-3778}},created_at="2024-05-13T08:25:23",total_baggages=1,nonfree_baggages=0,insurance="no",status="cancelled"},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is sophia_martin_4574. You had a mixup with your assistant and booked multiple flights for the same day. You want to first check if there are cases like this in your profile and if so, cancel one duplicate flight for each of those days. If and only if the agent asks you, you will be in Los Angeles (LAX) on May 17 and in Boston (BOS) on May 22\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 30, user sophia_martin_4574",
  system = include("_wiki.lua"),
  facts = {
    user_id = "sophia_martin_4574",
    instruction = "Your user id is sophia_martin_4574. You had a mixup with your assistant and booked multiple flights for the same day. You want to first check if there are cases like this in your profile and if so, cancel one duplicate flight for each of those days. If and only if the agent asks you, you will be in Los Angeles (LAX) on May 17 and in Boston (BOS) on May 22",
    story = { actions = { {
      name = "get_user_details",
      arguments = "{\"user_id\": \"sophia_martin_4574\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"MFRB94\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"PUNERT\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"HSR97W\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"SE9KEL\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"FDZ0T5\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"HTR26G\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"5BGGWZ\"}",
    }, {
      name = "cancel_reservation",
      arguments = "{\"reservation_id\": \"FDZ0T5\"}",
    }, {
      name = "cancel_reservation",
      arguments = "{\"reservation_id\": \"HSR97W\"}",
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
