-- tau-bench airline, test task 2 (tau_bench/envs/airline/tasks_test.py, TASKS[2]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["JG7FMM"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="JG7FMM",user_id="omar_davis_3817",origin="MCO",destination="CLT",flight_type="one_way",cabin="business",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT028",date="2024-05-21",price=140,origin="MCO",destination="BOS"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT277",date="2024-05-21",price=101,origin="BOS",destination="CLT"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Omar",last_name="Davis",dob="1982-10-19"},{_keys={"first_name","last_name","dob"},first_name="Fatima",last_name="Patel",dob="1950-05-04"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_2929732",amount=7136},{_keys={"payment_id","amount"},payment_id="credit_card_2929732",amount=-6594}},created_at="2024-05-11T08:28:51",total_baggages=3,nonfree_baggages=0,insurance="yes"},
      ["2FBBAH"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="2FBBAH",user_id="omar_davis_3817",origin="DEN",destination="DEN",flight_type="round_trip",cabin="business",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT080",date="2024-05-28",price=107,origin="DEN",destination="PHL"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT076",date="2024-05-28",price=141,origin="PHL",destination="DEN"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT255",date="2024-05-30",price=108,origin="DEN",destination="MIA"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT148",date="2024-05-30",price=109,origin="MIA",destination="DEN"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Omar",last_name="Davis",dob="1982-10-19"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_3481935",amount=4420},{_keys={"payment_id","amount"},payment_id="gift_card_3481935",amount=-3925}},created_at="2024-05-14T10:44:24",total_baggages=0,nonfree_baggages=0,insurance="yes"},
      ["X7BYG1"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="X7BYG1",user_id="omar_davis_3817",origin="MIA",destination="EWR",flight_type="one_way",cabin="business",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT232",date="2024-05-24",price=162,origin="MIA",destination="LAX"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT228",date="2024-05-24",price=153,origin="LAX",destination="EWR"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Omar",last_name="Davis",dob="1982-10-19"},{_keys={"first_name","last_name","dob"},first_name="Juan",last_name="Ahmed",dob="1992-11-19"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_2929732",amount=6108},{_keys={"payment_id","amount"},payment_id="credit_card_2929732",amount=-5418}},created_at="2024-05-12T05:51:40",total_baggages=1,nonfree_baggages=0,insurance="yes"},
      ["EQ1G6C"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="EQ1G6C",user_id="omar_davis_3817",origin="DEN",destination="IAH",flight_type="one_way",cabin="business",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT084",date="2024-05-23",price=172,origin="DEN",destination="LAS"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT175",date="2024-05-23",price=136,origin="LAS",destination="IAH"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Omar",last_name="Davis",dob="1982-10-19"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_6847880",amount=2790},{_keys={"payment_id","amount"},payment_id="gift_card_6847880",amount=-2452}},created_at="2024-05-01T08:38:39",total_baggages=0,nonfree_baggages=0,insurance="yes"},
      ["BOH180"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="BOH180",user_id="omar_davis_3817",origin="SEA",destination="IAH",flight_type="one_way",cabin="business",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT276",date="2024-05-21",price=117,origin="SEA",destination="JFK"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT279",date="2024-05-22",price=102,origin="JFK",destination="IAH"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Omar",last_name="Davis",dob="1982-10-19"},{_keys={"first_name","last_name","dob"},first_name="Anya",last_name="Thomas",dob="1990-10-11"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_9525117",amount=5662},{_keys={"payment_id","amount"},payment_id="credit_card_9525117",amount=-5164}},created_at="2024-05-06T19:53:46",total_baggages=1,nonfree_baggages=0,insurance="yes"},
    },
    users = {
      ["omar_davis_3817"] = {_keys={"name","address","email","dob","payment_methods","saved_passengers","membership","reservations"},name={_keys={"first_name","last_name"},first_name="Omar",last_name="Davis"},address={_keys={"address1","address2","city","country","state","zip"},address1="281 Spruce Street",address2="Suite 942",city="San Diego",country="USA",state="CA",zip="92164"},email="omar.davis7857@example.com",dob="1982-10-19",payment_methods={_keys={"gift_card_3481935","credit_card_2929732","credit_card_9525117","gift_card_6847880"},gift_card_3481935={_keys={"source","amount","id"},source="gift_card",amount=3947,id="gift_card_3481935"},credit_card_2929732={_keys={"source","brand","last_four","id"},source="credit_card",brand="visa",last_four="7803",id="credit_card_2929732"},credit_card_9525117={_keys={"source","brand","last_four","id"},source="credit_card",brand="visa",last_four="2172",id="credit_card_9525117"},gift_card_6847880={_keys={"source","amount","id"},source="gift_card",amount=2483,id="gift_card_6847880"}},saved_passengers={{_keys={"first_name","last_name","dob"},first_name="Juan",last_name="Ahmed",dob="1992-11-19"},{_keys={"first_name","last_name","dob"},first_name="Anya",last_name="Thomas",dob="1990-10-11"}},membership="regular",reservations={"JG7FMM","LQ940Q","2FBBAH","X7BYG1","EQ1G6C","BOH180"}},
    },
  },
  removed = {},
  outputs = {"23553"},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is omar_davis_3817, you just faced some money issue and want to downgrade all business flights to economy, without changing the flights or passengers. You are fine with refunding to original payment for each reservation. You want to know how much money you have saved in total. You are emotional and a bit angry, but you are willing to cooperate with the agent.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 2, user omar_davis_3817",
  system = include("_wiki.lua"),
  facts = {
    user_id = "omar_davis_3817",
    instruction = "Your user id is omar_davis_3817, you just faced some money issue and want to downgrade all business flights to economy, without changing the flights or passengers. You are fine with refunding to original payment for each reservation. You want to know how much money you have saved in total. You are emotional and a bit angry, but you are willing to cooperate with the agent.",
    story = { actions = { {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"JG7FMM\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT028\", \"date\": \"2024-05-21\"}, {\"flight_number\": \"HAT277\", \"date\": \"2024-05-21\"}], \"payment_id\": \"credit_card_2929732\"}",
    }, {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"2FBBAH\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT080\", \"date\": \"2024-05-28\"}, {\"flight_number\": \"HAT076\", \"date\": \"2024-05-28\"}, {\"flight_number\": \"HAT255\", \"date\": \"2024-05-30\"}, {\"flight_number\": \"HAT148\", \"date\": \"2024-05-30\"}], \"payment_id\": \"gift_card_3481935\"}",
    }, {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"X7BYG1\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT232\", \"date\": \"2024-05-24\"}, {\"flight_number\": \"HAT228\", \"date\": \"2024-05-24\"}], \"payment_id\": \"credit_card_2929732\"}",
    }, {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"EQ1G6C\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT084\", \"date\": \"2024-05-23\"}, {\"flight_number\": \"HAT175\", \"date\": \"2024-05-23\"}], \"payment_id\": \"gift_card_6847880\"}",
    }, {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"BOH180\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT276\", \"date\": \"2024-05-21\"}, {\"flight_number\": \"HAT279\", \"date\": \"2024-05-22\"}], \"payment_id\": \"credit_card_9525117\"}",
    } }, outputs = { "23553" } },
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
