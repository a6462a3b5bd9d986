-- tau-bench airline, test task 22 (tau_bench/envs/airline/tasks_test.py, TASKS[22]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["OWZ4XL"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="OWZ4XL",user_id="ivan_rossi_8555",origin="EWR",destination="LAX",flight_type="one_way",cabin="basic_economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT041",date="2024-05-21",price=136,origin="EWR",destination="LAX"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Ivan",last_name="Rossi",dob="1954-01-14"},{_keys={"first_name","last_name","dob"},first_name="Olivia",last_name="Santos",dob="1984-06-23"},{_keys={"first_name","last_name","dob"},first_name="Lei",last_name="Johansson",dob="1995-10-22"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_9823297",amount=522},{_keys={"payment_id","amount"},payment_id="credit_card_9659780",amount=396},{_keys={"payment_id","amount"},payment_id="credit_card_9659780",amount=-510}},created_at="2024-05-09T13:43:03",total_baggages=0,nonfree_baggages=0,insurance="no"},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is ivan_rossi_8555. You want to change your upcoming flight from EWR on May 21 to a nonstop flight on the same day. Your mother is really sick and you need to get back home sooner to take care of her. You are willing to pay a fee for the change, upto $100. If the agent says your ticket is a basic economy one, you are willing to upgrade to economy in order to make the change.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 22, user ivan_rossi_8555",
  system = include("_wiki.lua"),
  facts = {
    user_id = "ivan_rossi_8555",
    instruction = "Your user id is ivan_rossi_8555. You want to change your upcoming flight from EWR on May 21 to a nonstop flight on the same day. Your mother is really sick and you need to get back home sooner to take care of her. You are willing to pay a fee for the change, upto $100. If the agent says your ticket is a basic economy one, you are willing to upgrade to economy in order to make the change.",
    story = { actions = { {
      name = "get_user_details",
      arguments = "{\"user_id\": \"ivan_rossi_8555\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"OWZ4XL\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"EWR\", \"destination\": \"LAX\", \"date\": \"2024-05-21\"}",
    }, {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"OWZ4XL\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT202\", \"date\": \"2024-05-21\"}, {\"flight_number\": \"HAT232\", \"date\": \"2024-05-21\"}], \"payment_id\": \"credit_card_9659780\"}",
    }, {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"OWZ4XL\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT041\", \"date\": \"2024-05-21\"}], \"payment_id\": \"credit_card_9659780\"}",
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
