-- tau-bench airline, test task 33 (tau_bench/envs/airline/tasks_test.py, TASKS[33]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["NM1VX1"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="NM1VX1",user_id="sophia_silva_7557",origin="MSP",destination="EWR",flight_type="round_trip",cabin="basic_economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT300",date="2024-05-25",price=280,origin="MSP",destination="EWR"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT208",date="2024-05-27",price=357,origin="EWR",destination="MSP"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Yara",last_name="Silva",dob="1972-06-16"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_5094406",amount=183},{_keys={"payment_id","amount"},payment_id="credit_card_4196779",amount=484}},created_at="2024-05-03T08:46:43",total_baggages=0,nonfree_baggages=0,insurance="yes"},
      ["KC18K6"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="KC18K6",user_id="sophia_silva_7557",origin="MSP",destination="CLT",flight_type="one_way",cabin="basic_economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT300",date="2024-05-21",price=460,origin="MSP",destination="EWR"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT215",date="2024-05-21",price=386,origin="EWR",destination="CLT"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Sophia",last_name="Silva",dob="1957-10-05"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_4196779",amount=136},{_keys={"payment_id","amount"},payment_id="credit_card_4196779",amount=740}},created_at="2024-05-04T14:07:11",total_baggages=0,nonfree_baggages=0,insurance="yes"},
      ["S61CZX"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance","status"},reservation_id="S61CZX",user_id="sophia_silva_7557",origin="LAX",destination="CLT",flight_type="round_trip",cabin="economy",flights={{_keys={"origin","destination","flight_number","date","price"},origin="LAX",destination="EWR",flight_number="HAT228",date="2024-05-23",price=131},{_keys={"origin","destination","flight_number","date","price"},origin="EWR",destination="CLT",flight_number="HAT043",date="2024-05-24",price=163},{_keys={"origin","destination","flight_number","date","price"},origin="CLT",destination="EWR",flight_number="HAT157",date="2024-05-24",price=157},{_keys={"origin","destination","flight_number","date","price"},origin="EWR",destination="LAX",flight_number="HAT041",date="2024-05-25",price=186}},passengers={{_keys={"first_name","last_name","dob"},first_name="Harper",last_name="Jackson",dob="1974-09-05"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_4196779",amount=667},{_keys={"payment_id","amount"},payment_id="credit_card_4196779",amount=-667}},created_at="2024-05-02T04:38:01",total_baggages=1,nonfree_baggages=0,insurance="yes",status="cancelled"},
      ["H8Q05L"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="H8Q05L",user_id="sophia_silva_7557",origin="JFK",destination="ATL",flight_type="one_way",cabin="basic_economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT268",date="2024-05-24",price=237,origin="JFK",destination="ATL"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Harper",last_name="Kovacs",dob="1973-10-26"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_4196779",amount=104},{_keys={"payment_id","amount"},payment_id="credit_card_4196779",amount=163}},created_at="2024-05-03T15:12:00",total_baggages=0,nonfree_baggages=0,insurance="yes"},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is sophia_silva_7557. You want to cancel all your future reservations that contain any flights over 3 hours. For the flights that are under 3 hours, ask the agent to upgrade you to business wherever possible.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 33, user sophia_silva_7557",
  system = include("_wiki.lua"),
  facts = {
    user_id = "sophia_silva_7557",
    instruction = "Your user id is sophia_silva_7557. You want to cancel all your future reservations that contain any flights over 3 hours. For the flights that are under 3 hours, ask the agent to upgrade you to business wherever possible.",
    story = { actions = { {
      name = "get_user_details",
      arguments = "{\"user_id\": \"sophia_silva_7557\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"NM1VX1\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"KC18K6\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"S61CZX\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"H8Q05L\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"WUNA5K\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"MSP\", \"destination\": \"EWR\", \"date\": \"2024-05-25\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"EWR\", \"destination\": \"MSP\", \"date\": \"2024-05-27\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"MSP\", \"destination\": \"EWR\", \"date\": \"2024-05-21\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"EWR\", \"destination\": \"CLT\", \"date\": \"2024-05-21\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"LAX\", \"destination\": \"EWR\", \"date\": \"2024-05-23\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"EWR\", \"destination\": \"CLT\", \"date\": \"2024-05-24\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"CLT\", \"destination\": \"EWR\", \"date\": \"2024-05-24\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"EWR\", \"destination\": \"LAX\", \"date\": \"2024-05-25\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"JFK\", \"destination\": \"ATL\", \"date\": \"2024-05-24\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"ORD\", \"destination\": \"PHL\", \"date\": \"2024-05-10\"}",
    }, {
      name = "cancel_reservation",
      arguments = "{\"reservation_id\": \"S61CZX\"}",
    }, {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"NM1VX1\", \"cabin\": \"business\", \"flights\": [{\"flight_number\": \"HAT300\", \"date\": \"2024-05-25\"}, {\"flight_number\": \"HAT208\", \"date\": \"2024-05-27\"}], \"payment_id\": \"credit_card_4196779\"}",
    }, {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"H8Q05L\", \"cabin\": \"business\", \"flights\": [{\"flight_number\": \"HAT268\", \"date\": \"2024-05-24\"}], \"payment_id\": \"credit_card_4196779\"}",
    }, {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"KC18K6\", \"cabin\": \"business\", \"flights\": [{\"flight_number\": \"HAT300\", \"date\": \"2024-05-21\"}, {\"flight_number\": \"HAT215\", \"date\": \"2024-05-21\"}], \"payment_id\": \"credit_card_4196779\"}",
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
