-- tau-bench airline, test task 14 (tau_bench/envs/airline/tasks_test.py, TASKS[14]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["YAX4DR"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="YAX4DR",user_id="chen_lee_6825",origin="BOS",destination="MSP",flight_type="one_way",cabin="economy",flights={{_keys={"origin","destination","flight_number","date","price"},origin="BOS",destination="MCO",flight_number="HAT235",date="2024-05-18",price=122},{_keys={"origin","destination","flight_number","date","price"},origin="MCO",destination="MSP",flight_number="HAT298",date="2024-05-19",price=127}},passengers={{_keys={"first_name","last_name","dob"},first_name="Chen",last_name="Lee",dob="1967-12-12"},{_keys={"first_name","last_name","dob"},first_name="Noah",last_name="Hernandez",dob="1968-01-06"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_4938634",amount=498}},created_at="2024-05-05T23:00:15",total_baggages=2,nonfree_baggages=0,insurance="no"},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is chen_lee_6825. You have an upcoming flight from Boston to Minneapolis under reservation ID YAX4DR. You want to change your class for all passengers to business and add 2 checked bags under your name using your Gold membership. You are willing to pay a fee for the business class changes, upto $600. If the costs are greater than that for the upgrade, then try to upgrade your companion Noah to business under the constraints.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 14, user chen_lee_6825",
  system = include("_wiki.lua"),
  facts = {
    user_id = "chen_lee_6825",
    instruction = "Your user id is chen_lee_6825. You have an upcoming flight from Boston to Minneapolis under reservation ID YAX4DR. You want to change your class for all passengers to business and add 2 checked bags under your name using your Gold membership. You are willing to pay a fee for the business class changes, upto $600. If the costs are greater than that for the upgrade, then try to upgrade your companion Noah to business under the constraints.",
    story = { actions = { {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"YAX4DR\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"BOS\", \"destination\": \"MCO\", \"date\": \"2024-05-18\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"MCO\", \"destination\": \"MSP\", \"date\": \"2024-05-19\"}",
    }, {
      name = "calculate",
      arguments = "{\"expression\": \"2 * ((350 - 122) + (499 - 127))\"}",
    }, {
      name = "update_reservation_baggages",
      arguments = "{\"reservation_id\": \"YAX4DR\", \"total_baggages\": 2, \"nonfree_baggages\": 0, \"payment_id\": \"credit_card_4938634\"}",
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
