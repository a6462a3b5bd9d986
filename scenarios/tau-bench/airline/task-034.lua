-- tau-bench airline, test task 34 (tau_bench/envs/airline/tasks_test.py, TASKS[34]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["XEHM4B"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance","status"},reservation_id="XEHM4B",user_id="daiki_muller_1116",origin="LAS",destination="ATL",flight_type="round_trip",cabin="basic_economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT005",date="2024-05-20",price=166,origin="LAS",destination="ATL"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT178",date="2024-05-30",price=126,origin="ATL",destination="LAS"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Daiki",last_name="Muller",dob="1954-07-04"},{_keys={"first_name","last_name","dob"},first_name="Omar",last_name="Ito",dob="1975-09-19"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_2408938",amount=296},{_keys={"payment_id","amount"},payment_id="credit_card_2408938",amount=288},{_keys={"payment_id","amount"},payment_id="credit_card_2408938",amount=-296},{_keys={"payment_id","amount"},payment_id="credit_card_2408938",amount=-288}},created_at="2024-05-01T05:17:41",total_baggages=0,nonfree_baggages=0,insurance="no",status="cancelled"},
      ["59XX6W"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance","status"},reservation_id="59XX6W",user_id="daiki_muller_1116",origin="LAS",destination="ATL",flight_type="round_trip",cabin="economy",flights={{_keys={"origin","destination","flight_number","date","price"},origin="LAS",destination="ATL",flight_number="HAT007",date="2024-05-19",price=168},{_keys={"origin","destination","flight_number","date","price"},origin="ATL",destination="LAS",flight_number="HAT174",date="2024-05-29",price=114}},passengers={{_keys={"first_name","last_name","dob"},first_name="Daiki",last_name="Muller",dob="1954-07-04"},{_keys={"first_name","last_name","dob"},first_name="Chen",last_name="Muller",dob="1982-03-25"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_2408938",amount=624},{_keys={"payment_id","amount"},payment_id="credit_card_2408938",amount=-624}},created_at="2024-05-12T04:19:15",total_baggages=0,nonfree_baggages=0,insurance="yes",status="cancelled"},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is 'daiki_muller_1116'. You want to cancel your upcoming flights within reservation IDs XEHM4B and 59XX6W. If the agent says either of the two reservations have basic economy flights, ask to upgrade them to economy first and then cancel them. You are very persistent and terse but clear. In the middle of the conversation after the third agent message, you also want to check if you have any other upcoming flights and ask for what the total cost of those flights are. \n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 34, user daiki_muller_1116",
  system = include("_wiki.lua"),
  facts = {
    user_id = "daiki_muller_1116",
    instruction = "Your user id is 'daiki_muller_1116'. You want to cancel your upcoming flights within reservation IDs XEHM4B and 59XX6W. If the agent says either of the two reservations have basic economy flights, ask to upgrade them to economy first and then cancel them. You are very persistent and terse but clear. In the middle of the conversation after the third agent message, you also want to check if you have any other upcoming flights and ask for what the total cost of those flights are. ",
    story = { actions = { {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"XEHM4B\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"59XX6W\"}",
    }, {
      name = "calculate",
      arguments = "{\"expression\": \"(65 + 83) * 2\"}",
    }, {
      name = "calculate",
      arguments = "{\"expression\": \"(168 + 114) * 2\"}",
    }, {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"XEHM4B\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT005\", \"date\": \"2024-05-20\"}, {\"flight_number\": \"HAT178\", \"date\": \"2024-05-30\"}], \"payment_id\": \"credit_card_2408938\"}",
    }, {
      name = "cancel_reservation",
      arguments = "{\"reservation_id\": \"XEHM4B\"}",
    }, {
      name = "cancel_reservation",
      arguments = "{\"reservation_id\": \"59XX6W\"}",
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
