-- tau-bench airline, test task 20 (tau_bench/envs/airline/tasks_test.py, TASKS[20]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["1N99U6"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="1N99U6",user_id="james_taylor_7043",origin="LAS",destination="IAH",flight_type="round_trip",cabin="economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT266",date="2024-05-19",price=146,origin="LAS",destination="IAH"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT112",date="2024-05-27",price=184,origin="IAH",destination="LAS"}},passengers={{_keys={"first_name","last_name","dob"},first_name="James",last_name="Taylor",dob="1997-01-23"},{_keys={"first_name","last_name","dob"},first_name="Ivan",last_name="Taylor",dob="1975-09-15"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_5634230",amount=1134},{_keys={"payment_id","amount"},payment_id="gift_card_5634230",amount=-414}},created_at="2024-05-08T11:37:17",total_baggages=1,nonfree_baggages=0,insurance="yes"},
    },
    users = {
      ["james_taylor_7043"] = {_keys={"name","address","email","dob","payment_methods","saved_passengers","membership","reservations"},name={_keys={"first_name","last_name"},first_name="James",last_name="Taylor"},address={_keys={"address1","address2","city","country","state","zip"},address1="133 Chestnut Street",address2="Suite 494",city="Houston",country="USA",state="TX",zip="77207"},email="james.taylor4788@example.com",dob="1997-01-23",payment_methods={_keys={"certificate_9380982","gift_card_5634230"},certificate_9380982={_keys={"source","amount","id"},source="certificate",amount=100,id="certificate_9380982"},gift_card_5634230={_keys={"source","amount","id"},source="gift_card",amount=481,id="gift_card_5634230"}},saved_passengers={{_keys={"first_name","last_name","dob"},first_name="Ivan",last_name="Taylor",dob="1975-09-15"}},membership="silver",reservations={"UUN48W","1N99U6","1R63WQ"}},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is james_taylor_7043. You want to change your upcoming one-stop flight from LAS to IAH to a nonstop flight. Your reservation ID is 1N99U6. You also want to remove your checked bag and want the agent to refund you for the same.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 20, user james_taylor_7043",
  system = include("_wiki.lua"),
  facts = {
    user_id = "james_taylor_7043",
    instruction = "Your user id is james_taylor_7043. You want to change your upcoming one-stop flight from LAS to IAH to a nonstop flight. Your reservation ID is 1N99U6. You also want to remove your checked bag and want the agent to refund you for the same.",
    story = { actions = { {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"1N99U6\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"LAS\", \"destination\": \"IAH\", \"date\": \"2024-05-19\"}",
    }, {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"1N99U6\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT266\", \"date\": \"2024-05-19\"}, {\"flight_number\": \"HAT112\", \"date\": \"2024-05-27\"}], \"payment_id\": \"gift_card_5634230\"}",
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
