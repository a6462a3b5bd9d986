-- tau-bench airline, test task 19 (tau_bench/envs/airline/tasks_test.py, TASKS[19]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["VA5SGQ"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="VA5SGQ",user_id="raj_brown_5782",origin="DTW",destination="LGA",flight_type="round_trip",cabin="economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT169",date="2024-05-17",price=171,origin="DTW",destination="JFK"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT033",date="2024-05-19",price=111,origin="JFK",destination="DTW"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Raj",last_name="Brown",dob="1967-03-12"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_8003957",amount=686},{_keys={"payment_id","amount"},payment_id="credit_card_8003957",amount=-374},{_keys={"payment_id","amount"},payment_id="credit_card_8003957",amount=50}},created_at="2024-05-08T18:28:13",total_baggages=1,nonfree_baggages=1,insurance="yes"},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is raj_brown_5782 and you want to change your upcoming roundtrip flights which are currently DTW to LGA and back (reservation ID is VA5SGQ). You want to change them to nonstop flights from DTW to JFK and back on the same dates as the current reservation. Since you took insurance for this trip, you want change fees waived. You also want to add 1 checked bag. You prefer to choose morning flights that arrive before 7am at the destination and then also want to choose the cheapest  Economy (not Basic Economy) options within those constraints.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 19, user raj_brown_5782",
  system = include("_wiki.lua"),
  facts = {
    user_id = "raj_brown_5782",
    instruction = "Your user id is raj_brown_5782 and you want to change your upcoming roundtrip flights which are currently DTW to LGA and back (reservation ID is VA5SGQ). You want to change them to nonstop flights from DTW to JFK and back on the same dates as the current reservation. Since you took insurance for this trip, you want change fees waived. You also want to add 1 checked bag. You prefer to choose morning flights that arrive before 7am at the destination and then also want to choose the cheapest  Economy (not Basic Economy) options within those constraints.",
    story = { actions = { {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"VA5SGQ\"}",
    }, {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"VA5SGQ\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT169\", \"date\": \"2024-05-17\"}, {\"flight_number\": \"HAT033\", \"date\": \"2024-05-19\"}], \"payment_id\": \"credit_card_8003957\"}",
    }, {
      name = "update_reservation_baggages",
      arguments = "{\"reservation_id\": \"VA5SGQ\", \"total_baggages\": 1, \"nonfree_baggages\": 1, \"payment_id\": \"credit_card_8003957\"}",
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
