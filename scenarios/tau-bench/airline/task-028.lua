-- tau-bench airline, test task 28 (tau_bench/envs/airline/tasks_test.py, TASKS[28]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["8C8K4E"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance","status"},reservation_id="8C8K4E",user_id="amelia_davis_8890",origin="BOS",destination="DEN",flight_type="one_way",cabin="business",flights={{_keys={"origin","destination","flight_number","date","price"},origin="BOS",destination="MIA",flight_number="HAT247",date="2024-05-24",price=904},{_keys={"origin","destination","flight_number","date","price"},origin="MIA",destination="DEN",flight_number="HAT193",date="2024-05-24",price=1906}},passengers={{_keys={"first_name","last_name","dob"},first_name="Amelia",last_name="Davis",dob="1984-03-05"},{_keys={"first_name","last_name","dob"},first_name="Amelia",last_name="Jackson",dob="1999-04-26"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_1647044",amount=5680},{_keys={"payment_id","amount"},payment_id="gift_card_1647044",amount=-5680}},created_at="2024-05-08T10:31:36",total_baggages=0,nonfree_baggages=0,insurance="yes",status="cancelled"},
      ["LU15PA"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance","status"},reservation_id="LU15PA",user_id="amelia_davis_8890",origin="SFO",destination="SFO",flight_type="one_way",cabin="business",flights={{_keys={"origin","destination","flight_number","date","price"},origin="SFO",destination="PHX",flight_number="HAT144",date="2024-05-23",price=740},{_keys={"origin","destination","flight_number","date","price"},origin="PHX",destination="SFO",flight_number="HAT009",date="2024-05-23",price=443}},passengers={{_keys={"first_name","last_name","dob"},first_name="Amelia",last_name="Davis",dob="1984-03-05"},{_keys={"first_name","last_name","dob"},first_name="Amelia",last_name="Jackson",dob="1999-04-26"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_7397998",amount=2366},{_keys={"payment_id","amount"},payment_id="gift_card_7397998",amount=-2366}},created_at="2024-05-01T00:08:44",total_baggages=4,nonfree_baggages=0,insurance="no",status="cancelled"},
      ["MSJ4OA"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance","status"},reservation_id="MSJ4OA",user_id="amelia_davis_8890",origin="DFW",destination="SFO",flight_type="one_way",cabin="economy",flights={{_keys={"origin","destination","flight_number","date","price"},origin="DFW",destination="SEA",flight_number="HAT099",date="2024-05-22",price=176},{_keys={"origin","destination","flight_number","date","price"},origin="SEA",destination="SFO",flight_number="HAT274",date="2024-05-22",price=122}},passengers={{_keys={"first_name","last_name","dob"},first_name="Amelia",last_name="Jackson",dob="1999-04-26"},{_keys={"first_name","last_name","dob"},first_name="Anya",last_name="Brown",dob="1980-07-26"},{_keys={"first_name","last_name","dob"},first_name="Mei",last_name="Wilson",dob="1963-05-09"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_1647044",amount=984},{_keys={"payment_id","amount"},payment_id="gift_card_1647044",amount=-984}},created_at="2024-05-05T14:36:15",total_baggages=3,nonfree_baggages=0,insurance="yes",status="cancelled"},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is amelia_davis_8890. You want to cancel all of your upcoming flights. Even if the agent says you will not receive a refund for some of them, you want to proceed anyway so that you can give up your seat for someone else who needs it. You are French by birth and use French words in your conversation.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 28, user amelia_davis_8890",
  system = include("_wiki.lua"),
  facts = {
    user_id = "amelia_davis_8890",
    instruction = "Your user id is amelia_davis_8890. You want to cancel all of your upcoming flights. Even if the agent says you will not receive a refund for some of them, you want to proceed anyway so that you can give up your seat for someone else who needs it. You are French by birth and use French words in your conversation.",
    story = { actions = { {
      name = "get_user_details",
      arguments = "{\"user_id\": \"amelia_davis_8890\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"8C8K4E\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"UDMOP1\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"XAZ3C0\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"LU15PA\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"MSJ4OA\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"I6M8JQ\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"4XGCCM\"}",
    }, {
      name = "cancel_reservation",
      arguments = "{\"reservation_id\": \"8C8K4E\"}",
    }, {
      name = "cancel_reservation",
      arguments = "{\"reservation_id\": \"LU15PA\"}",
    }, {
      name = "cancel_reservation",
      arguments = "{\"reservation_id\": \"MSJ4OA\"}",
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
