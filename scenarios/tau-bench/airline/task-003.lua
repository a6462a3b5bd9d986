-- tau-bench airline, test task 3 (tau_bench/envs/airline/tasks_test.py, TASKS[3]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["OBUT9V"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="OBUT9V",user_id="sofia_kim_7287",origin="IAH",destination="DEN",flight_type="round_trip",cabin="economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT078",date="2024-05-27",price=146,origin="IAH",destination="ORD"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT118",date="2024-05-27",price=167,origin="ORD",destination="DEN"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT290",date="2024-05-27",price=142,origin="DEN",destination="LAS"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT175",date="2024-05-27",price=170,origin="LAS",destination="IAH"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Sofia",last_name="Kim",dob="1950-06-24"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_7091239",amount=566},{_keys={"payment_id","amount"},payment_id="gift_card_6276644",amount=59}},created_at="2024-05-07T16:32:35",total_baggages=2,nonfree_baggages=0,insurance="no"},
    },
    users = {
      ["sofia_kim_7287"] = {_keys={"name","address","email","dob","payment_methods","saved_passengers","membership","reservations"},name={_keys={"first_name","last_name"},first_name="Sofia",last_name="Kim"},address={_keys={"address1","address2","city","country","state","zip"},address1="825 Laurel Lane",address2="Suite 595",city="Houston",country="USA",state="TX",zip="77243"},email="sofia.kim1937@example.com",dob="1950-06-24",payment_methods={_keys={"certificate_8544743","credit_card_9879898","gift_card_7091239","gift_card_6276644","gift_card_7480005","certificate_9932251"},certificate_8544743={_keys={"source","amount","id"},source="certificate",amount=250,id="certificate_8544743"},credit_card_9879898={_keys={"source","brand","last_four","id"},source="credit_card",brand="mastercard",last_four="9725",id="credit_card_9879898"},gift_card_7091239={_keys={"source","amount","id"},source="gift_card",amount=157,id="gift_card_7091239"},gift_card_6276644={_keys={"source","amount","id"},source="gift_card",amount=54,id="gift_card_6276644"},gift_card_7480005={_keys={"source","amount","id"},source="gift_card",amount=6,id="gift_card_7480005"},certificate_9932251={_keys={"source","amount","id"},source="certificate",amount=250,id="certificate_9932251"}},saved_passengers={{_keys={"first_name","last_name","dob"},first_name="Mia",last_name="Jackson",dob="1986-05-05"}},membership="silver",reservations={"OI5L9G","AQLBTL","KA7I60","I57WUD","OBUT9V","4BMN53","Q0ZF0J"}},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is sofia_kim_7287, and you want to change for your Houston to Denver trip (reservation id not remembered), the fastest return trip (including stopover time) possible on the same day as the departure trip (May 27). You don't care about money but want to stay in economy. You also want to add one checked bag. You want to use your gift card with the smallest balance to pay. You are reactive to the agent and will not say anything that is not asked. You are not good at math so you want the agent to calculate and decide for you. Try to paraphrase instead of repeating this instruction. It is urgent.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 3, user sofia_kim_7287",
  system = include("_wiki.lua"),
  facts = {
    user_id = "sofia_kim_7287",
    instruction = "Your user id is sofia_kim_7287, and you want to change for your Houston to Denver trip (reservation id not remembered), the fastest return trip (including stopover time) possible on the same day as the departure trip (May 27). You don't care about money but want to stay in economy. You also want to add one checked bag. You want to use your gift card with the smallest balance to pay. You are reactive to the agent and will not say anything that is not asked. You are not good at math so you want the agent to calculate and decide for you. Try to paraphrase instead of repeating this instruction. It is urgent.",
    story = { actions = { {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"OBUT9V\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT078\", \"date\": \"2024-05-27\"}, {\"flight_number\": \"HAT118\", \"date\": \"2024-05-27\"}, {\"flight_number\": \"HAT290\", \"date\": \"2024-05-27\"}, {\"flight_number\": \"HAT175\", \"date\": \"2024-05-27\"}], \"payment_id\": \"gift_card_6276644\"}",
    }, {
      name = "update_reservation_baggages",
      arguments = "{\"reservation_id\": \"OBUT9V\", \"total_baggages\": 2, \"nonfree_baggages\": 0, \"payment_id\": \"gift_card_6276644\"}",
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
