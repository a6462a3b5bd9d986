-- tau-bench airline, test task 25 (tau_bench/envs/airline/tasks_test.py, TASKS[25]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["HATHAT"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="HATHAT",user_id="aarav_ahmed_6699",origin="JFK",destination="SFO",flight_type="one_way",cabin="economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT069",date="2024-05-24",price=123,origin="JFK",destination="SEA"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT258",date="2024-05-24",price=167,origin="SEA",destination="SFO"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Aarav",last_name="Ahmed",dob="1985-04-04"}},payment_history={{_keys={"payment_id","amount"},payment_id="credit_card_9074831",amount=290}},created_at="2024-05-15T15:00:00",total_baggages=0,nonfree_baggages=0,insurance="no"},
    },
    users = {
      ["aarav_ahmed_6699"] = {_keys={"name","address","email","dob","payment_methods","saved_passengers","membership","reservations"},name={_keys={"first_name","last_name"},first_name="Aarav",last_name="Ahmed"},address={_keys={"address1","address2","city","country","state","zip"},address1="176 Willow Lane",address2="Suite 431",city="Jacksonville",country="USA",state="FL",zip="32131"},email="aarav.ahmed6812@example.com",dob="1981-05-26",payment_methods={_keys={"credit_card_9074831","certificate_9645872","credit_card_4959530"},credit_card_9074831={_keys={"source","brand","last_four","id"},source="credit_card",brand="mastercard",last_four="7334",id="credit_card_9074831"},certificate_9645872={_keys={"source","amount","id"},source="certificate",amount=250,id="certificate_9645872"},credit_card_4959530={_keys={"source","brand","last_four","id"},source="credit_card",brand="mastercard",last_four="5018",id="credit_card_4959530"}},saved_passengers={{_keys={"first_name","last_name","dob"},first_name="Aarav",last_name="Patel",dob="1980-12-03"}},membership="silver",reservations={"M20IZO","N6F783","IFOYYZ","NQNU5R","HATHAT"}},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is aarav_ahmed_6699. You want to first cancel your upcoming flight on May 22 from JFK to MCO. Insist that you are a silver member, hence must get full refund. Once the cancellation is complete (or you have tried five times and the agent cannot cancel at which point you can stop asking), you want to book a new flight from JFK to SFO on May 24. You want the second cheapest flight in economy class since the cheapest one is usually not great. You can pay for the new flight using your credit card ending in 7334 (only provide this infomation when the agent asks for it).\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 25, user aarav_ahmed_6699",
  system = include("_wiki.lua"),
  facts = {
    user_id = "aarav_ahmed_6699",
    instruction = "Your user id is aarav_ahmed_6699. You want to first cancel your upcoming flight on May 22 from JFK to MCO. Insist that you are a silver member, hence must get full refund. Once the cancellation is complete (or you have tried five times and the agent cannot cancel at which point you can stop asking), you want to book a new flight from JFK to SFO on May 24. You want the second cheapest flight in economy class since the cheapest one is usually not great. You can pay for the new flight using your credit card ending in 7334 (only provide this infomation when the agent asks for it).",
    story = { actions = { {
      name = "book_reservation",
      arguments = "{\"user_id\": \"aarav_ahmed_6699\", \"origin\": \"JFK\", \"destination\": \"SFO\", \"flight_type\": \"one_way\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT069\", \"date\": \"2024-05-24\"}, {\"flight_number\": \"HAT258\", \"date\": \"2024-05-24\"}], \"passengers\": [{\"first_name\": \"Aarav\", \"last_name\": \"Ahmed\", \"dob\": \"1985-04-04\"}], \"payment_methods\": [{\"payment_id\": \"credit_card_9074831\", \"amount\": 290}], \"total_baggages\": 0, \"nonfree_baggages\": 0, \"insurance\": \"no\"}",
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
