-- tau-bench airline, test task 26 (tau_bench/envs/airline/tasks_test.py, TASKS[26]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["M20IZO"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="M20IZO",user_id="aarav_ahmed_6699",origin="JFK",destination="MCO",flight_type="one_way",cabin="economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT268",date="2024-05-22",price=430,origin="JFK",destination="ATL"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT010",date="2024-05-22",price=412,origin="ATL",destination="MCO"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Aarav",last_name="Ahmed",dob="1981-05-26"},{_keys={"first_name","last_name","dob"},first_name="Daiki",last_name="Li",dob="1980-12-24"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_4959530",amount=490},{_keys={"payment_id","amount"},payment_id="credit_card_9074831",amount=1194}},created_at="2024-05-12T09:36:29",total_baggages=1,nonfree_baggages=0,insurance="no"},
      ["NQNU5R"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance","status"},reservation_id="NQNU5R",user_id="aarav_ahmed_6699",origin="MCO",destination="SEA",flight_type="one_way",cabin="business",flights={{_keys={"origin","destination","flight_number","date","price"},origin="MCO",destination="PHX",flight_number="HAT214",date="2024-05-13",price=1377},{_keys={"origin","destination","flight_number","date","price"},origin="PHX",destination="SEA",flight_number="HAT045",date="2024-05-14",price=1712}},passengers={{_keys={"first_name","last_name","dob"},first_name="Aarav",last_name="Ahmed",dob="1981-05-26"},{_keys={"first_name","last_name","dob"},first_name="Aarav",last_name="Patel",dob="1980-12-03"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_4959530",amount=6178},{_keys={"payment_id","amount"},payment_id="credit_card_4959530",amount=-6178}},created_at="2024-05-13T05:37:57",total_baggages=1,nonfree_baggages=0,insurance="no",status="cancelled"},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is aarav_ahmed_6699. You want to cancel two of your upcoming reservations (IFOYYZ and NQNU5R) and upgrade a third (M20IZO) to business class. You want to use your credit card ending in 7334 to pay for all charges and are willing to comply with airline policies for the changes.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 26, user aarav_ahmed_6699",
  system = include("_wiki.lua"),
  facts = {
    user_id = "aarav_ahmed_6699",
    instruction = "Your user id is aarav_ahmed_6699. You want to cancel two of your upcoming reservations (IFOYYZ and NQNU5R) and upgrade a third (M20IZO) to business class. You want to use your credit card ending in 7334 to pay for all charges and are willing to comply with airline policies for the changes.",
    story = { actions = { {
      name = "cancel_reservation",
      arguments = "{\"reservation_id\": \"NQNU5R\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"M20IZO\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"JFK\", \"destination\": \"ATL\", \"date\": \"2024-05-22\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"ATL\", \"destination\": \"MCO\", \"date\": \"2024-05-22\"}",
    }, {
      name = "calculate",
      arguments = "{\"expression\": \"430 + 412 - (136 + 109)\"}",
    }, {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"M20IZO\", \"cabin\": \"business\", \"flights\": [{\"flight_number\": \"HAT268\", \"date\": \"2024-05-22\"}, {\"flight_number\": \"HAT010\", \"date\": \"2024-05-22\"}], \"payment_id\": \"credit_card_9074831\"}",
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
