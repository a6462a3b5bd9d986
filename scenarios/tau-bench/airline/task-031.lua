-- tau-bench airline, test task 31 (tau_bench/envs/airline/tasks_test.py, TASKS[31]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["9HBUV8"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance","status"},reservation_id="9HBUV8",user_id="mohamed_hernandez_5188",origin="DEN",destination="BOS",flight_type="one_way",cabin="basic_economy",flights={{_keys={"origin","destination","flight_number","date","price"},origin="DEN",destination="MIA",flight_number="HAT130",date="2024-05-17",price=57},{_keys={"origin","destination","flight_number","date","price"},origin="MIA",destination="BOS",flight_number="HAT184",date="2024-05-17",price=72}},passengers={{_keys={"first_name","last_name","dob"},first_name="Mohamed",last_name="Hernandez",dob="1996-10-16"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_5417084",amount=159},{_keys={"payment_id","amount"},payment_id="credit_card_5417084",amount=-159}},created_at="2024-05-12T17:08:42",total_baggages=0,nonfree_baggages=0,insurance="yes",status="cancelled"},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is mohamed_hernandez_5188. You are a bit absent minded and ended up booking two flights on May 17. You want to cancel the one from ATL to JFK. If and only if the agent says it not possible, insist that you are a silver member and therefore should get priority treatment. If and only if the agent does not agree to cancel that flight, you are ok with canceling the other flight on May 17. Otherwise, just thank the agent and end the conversation.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 31, user mohamed_hernandez_5188",
  system = include("_wiki.lua"),
  facts = {
    user_id = "mohamed_hernandez_5188",
    instruction = "Your user id is mohamed_hernandez_5188. You are a bit absent minded and ended up booking two flights on May 17. You want to cancel the one from ATL to JFK. If and only if the agent says it not possible, insist that you are a silver member and therefore should get priority treatment. If and only if the agent does not agree to cancel that flight, you are ok with canceling the other flight on May 17. Otherwise, just thank the agent and end the conversation.",
    story = { actions = { {
      name = "get_user_details",
      arguments = "{\"user_id\": \"mohamed_hernandez_5188\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"35V5SM\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"XXDC1M\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"V5EMZH\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"D1EW9B\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"9HBUV8\"}",
    }, {
      name = "cancel_reservation",
      arguments = "{\"reservation_id\": \"9HBUV8\"}",
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
