-- tau-bench airline, test task 43 (tau_bench/envs/airline/tasks_test.py, TASKS[43]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["3RK2T9"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="3RK2T9",user_id="anya_garcia_5901",origin="MCO",destination="SFO",flight_type="one_way",cabin="basic_economy",flights={{_keys={"origin","destination","flight_number","date","price"},origin="MCO",destination="PHX",flight_number="HAT214",date="2024-05-19",price=57},{_keys={"origin","destination","flight_number","date","price"},origin="PHX",destination="SFO",flight_number="HAT009",date="2024-05-20",price=83}},passengers={{_keys={"first_name","last_name","dob"},first_name="Anya",last_name="Garcia",dob="1992-11-12"},{_keys={"first_name","last_name","dob"},first_name="Mei",last_name="Garcia",dob="1989-12-13"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_2550356",amount=280}},created_at="2024-05-02T06:02:56",total_baggages=0,nonfree_baggages=0,insurance="no"},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: You are Anya Garcia (with ID: anya_garcia_5901). Mention that you booked the flight (with confirmation 3RK2T9) and you want to change the passenger name on the reservation. You want to change the name from Mei Lee to Mei Garcia. Be insistent and don't provide more information than necessary.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 43, user anya_garcia_5901",
  system = include("_wiki.lua"),
  facts = {
    user_id = "anya_garcia_5901",
    instruction = "You are Anya Garcia (with ID: anya_garcia_5901). Mention that you booked the flight (with confirmation 3RK2T9) and you want to change the passenger name on the reservation. You want to change the name from Mei Lee to Mei Garcia. Be insistent and don't provide more information than necessary.",
    story = { actions = { {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"3RK2T9\"}",
    }, {
      name = "update_reservation_passengers",
      arguments = "{\"reservation_id\": \"3RK2T9\", \"passengers\": [{\"first_name\": \"Anya\", \"last_name\": \"Garcia\", \"dob\": \"1992-11-12\"}, {\"first_name\": \"Mei\", \"last_name\": \"Garcia\", \"dob\": \"1989-12-13\"}]}",
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
