-- tau-bench airline, test task 11 (tau_bench/envs/airline/tasks_test.py, TASKS[11]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["HATHAT"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="HATHAT",user_id="ivan_muller_7015",origin="DTW",destination="SEA",flight_type="one_way",cabin="economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT097",date="2024-05-17",price=175,origin="DTW",destination="PHX"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT251",date="2024-05-17",price=200,origin="PHX",destination="SEA"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Ivan",last_name="Smith",dob="1986-03-14"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_8516878",amount=128},{_keys={"payment_id","amount"},payment_id="credit_card_3563913",amount=247}},created_at="2024-05-15T15:00:00",total_baggages=0,nonfree_baggages=0,insurance="no"},
    },
    users = {
      ["ivan_muller_7015"] = {_keys={"name","address","email","dob","payment_methods","saved_passengers","membership","reservations"},name={_keys={"first_name","last_name"},first_name="Ivan",last_name="Muller"},address={_keys={"address1","address2","city","country","state","zip"},address1="256 Pine Lane",address2="Suite 661",city="New York",country="USA",state="NY",zip="10029"},email="ivan.muller6623@example.com",dob="1968-04-25",payment_methods={_keys={"certificate_8998287","credit_card_3563913","gift_card_8516878"},certificate_8998287={_keys={"source","amount","id"},source="certificate",amount=500,id="certificate_8998287"},credit_card_3563913={_keys={"source","brand","last_four","id"},source="credit_card",brand="mastercard",last_four="6710",id="credit_card_3563913"},gift_card_8516878={_keys={"source","amount","id"},source="gift_card",amount=0,id="gift_card_8516878"}},saved_passengers={{_keys={"first_name","last_name","dob"},first_name="Ivan",last_name="Smith",dob="1986-03-14"},{_keys={"first_name","last_name","dob"},first_name="Lucas",last_name="Davis",dob="1988-10-12"}},membership="gold",reservations={"G72NSF","HATHAT"}},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is ivan_muller_7015 and you want to book the same flights as your current reservation for your friend Ivan in your user profile (Ivan Smith, DOB you can't remember but in your profile). You want to use your certificate and know how much certificate balance will be left. If more than $100 is wasted, you want to instead use your GC and CC. No baggage and insurance.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 11, user ivan_muller_7015",
  system = include("_wiki.lua"),
  facts = {
    user_id = "ivan_muller_7015",
    instruction = "Your user id is ivan_muller_7015 and you want to book the same flights as your current reservation for your friend Ivan in your user profile (Ivan Smith, DOB you can't remember but in your profile). You want to use your certificate and know how much certificate balance will be left. If more than $100 is wasted, you want to instead use your GC and CC. No baggage and insurance.",
    story = { actions = { {
      name = "book_reservation",
      arguments = "{\"user_id\": \"ivan_muller_7015\", \"origin\": \"DTW\", \"destination\": \"SEA\", \"flight_type\": \"one_way\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT097\", \"date\": \"2024-05-17\"}, {\"flight_number\": \"HAT251\", \"date\": \"2024-05-17\"}], \"passengers\": [{\"first_name\": \"Ivan\", \"last_name\": \"Smith\", \"dob\": \"1986-03-14\"}], \"payment_methods\": [{\"payment_id\": \"gift_card_8516878\", \"amount\": 128}, {\"payment_id\": \"credit_card_3563913\", \"amount\": 247}], \"total_baggages\": 0, \"nonfree_baggages\": 0, \"insurance\": \"no\"}",
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
