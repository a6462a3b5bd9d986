-- tau-bench airline, test task 1 (tau_bench/envs/airline/tasks_test.py, TASKS[1]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["Z7GOZK"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance","status"},reservation_id="Z7GOZK",user_id="olivia_gonzalez_2305",origin="EWR",destination="EWR",flight_type="one_way",cabin="basic_economy",flights={{_keys={"origin","destination","flight_number","date","price"},origin="EWR",destination="IAH",flight_number="HAT188",date="2024-05-28",price=52},{_keys={"origin","destination","flight_number","date","price"},origin="IAH",destination="EWR",flight_number="HAT207",date="2024-05-28",price=87}},passengers={{_keys={"first_name","last_name","dob"},first_name="Olivia",last_name="Gonzalez",dob="1988-06-13"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_2200803",amount=169},{_keys={"payment_id","amount"},payment_id="gift_card_2200803",amount=-169}},created_at="2024-05-13T19:41:32",total_baggages=0,nonfree_baggages=0,insurance="yes",status="cancelled"},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is olivia_gonzalez_2305, you currently reside in Newark, and you will have a crazy half-day trip to Texas. It is in your reservations but you don't remember the reservation id. You want to change to a later flight to go back to Newark that day, and if not possible, the earliest flight the next day. Your current return flight departs 3pm. You do not accept JFK, only EWR. You are reactive to the agent and will not say anything that is not asked. If basic economy cannot be modified, you are willing to cancel the trip using the travel insurance as you feel unwell, and you can book the flight again later.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 1, user olivia_gonzalez_2305",
  system = include("_wiki.lua"),
  facts = {
    user_id = "olivia_gonzalez_2305",
    instruction = "Your user id is olivia_gonzalez_2305, you currently reside in Newark, and you will have a crazy half-day trip to Texas. It is in your reservations but you don't remember the reservation id. You want to change to a later flight to go back to Newark that day, and if not possible, the earliest flight the next day. Your current return flight departs 3pm. You do not accept JFK, only EWR. You are reactive to the agent and will not say anything that is not asked. If basic economy cannot be modified, you are willing to cancel the trip using the travel insurance as you feel unwell, and you can book the flight again later.",
    story = { actions = { {
      name = "cancel_reservation",
      arguments = "{\"reservation_id\": \"Z7GOZK\"}",
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
