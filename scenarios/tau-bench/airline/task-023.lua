-- tau-bench airline, test task 23 (tau_bench/envs/airline/tasks_test.py, TASKS[23]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    reservations = {
      ["HXDUBJ"] = {_keys={"reservation_id","user_id","origin","destination","flight_type","cabin","flights","passengers","payment_history","created_at","total_baggages","nonfree_baggages","insurance"},reservation_id="HXDUBJ",user_id="yara_garcia_1905",origin="IAH",destination="SFO",flight_type="round_trip",cabin="economy",flights={{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT072",date="2024-05-19",price=130,origin="IAH",destination="SFO"},{_keys={"flight_number","date","price","origin","destination"},flight_number="HAT278",date="2024-05-23",price=187,origin="SFO",destination="IAH"}},passengers={{_keys={"first_name","last_name","dob"},first_name="Yara",last_name="Garcia",dob="1974-08-15"}},payment_history={{_keys={"payment_id","amount"},payment_id="gift_card_6941833",amount=533},{_keys={"payment_id","amount"},payment_id="gift_card_6941833",amount=-186},{_keys={"payment_id","amount"},payment_id="gift_card_6941833",amount=100}},created_at="2024-05-04T06:04:48",total_baggages=2,nonfree_baggages=2,insurance="yes"},
    },
    users = {
      ["yara_garcia_1905"] = {_keys={"name","address","email","dob","payment_methods","saved_passengers","membership","reservations"},name={_keys={"first_name","last_name"},first_name="Yara",last_name="Garcia"},address={_keys={"address1","address2","city","country","state","zip"},address1="377 Pine Lane",address2="Suite 694",city="Denver",country="USA",state="CO",zip="80212"},email="yara.garcia6882@example.com",dob="1974-08-15",payment_methods={_keys={"certificate_2345996","gift_card_6941833","gift_card_1646646"},certificate_2345996={_keys={"source","amount","id"},source="certificate",amount=150,id="certificate_2345996"},gift_card_6941833={_keys={"source","amount","id"},source="gift_card",amount=238,id="gift_card_6941833"},gift_card_1646646={_keys={"source","amount","id"},source="gift_card",amount=200,id="gift_card_1646646"}},saved_passengers={{_keys={"first_name","last_name","dob"},first_name="James",last_name="Khan",dob="1959-08-18"}},membership="gold",reservations={"HXDUBJ","DXG8T6","46BBSE","P9VXUO"}},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is yara_garcia_1905 and you want to change your upcoming outgoing flight in reservation HXDUBJ to a nonstop flight on the next day (i.e. delay by one day). You also want to move back your return from SFO by one day. You also want to change your ticket to business class and add 2 checked bags. You prefer flights departing after 8am and before 9pm. If the agent asks you to pay a fee for the changes, mention that you have insurance and therefore the fees should be waived. You have read that on the website and want the agent to honor the policy. Be persistent. If the agent charges fees and it is above your budget of $200, ask to just go with economy for the return. If and only if that is not possible, you are ok with economy for both legs. You are ok with paying for it using the original form of payment.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 23, user yara_garcia_1905",
  system = include("_wiki.lua"),
  facts = {
    user_id = "yara_garcia_1905",
    instruction = "Your user id is yara_garcia_1905 and you want to change your upcoming outgoing flight in reservation HXDUBJ to a nonstop flight on the next day (i.e. delay by one day). You also want to move back your return from SFO by one day. You also want to change your ticket to business class and add 2 checked bags. You prefer flights departing after 8am and before 9pm. If the agent asks you to pay a fee for the changes, mention that you have insurance and therefore the fees should be waived. You have read that on the website and want the agent to honor the policy. Be persistent. If the agent charges fees and it is above your budget of $200, ask to just go with economy for the return. If and only if that is not possible, you are ok with economy for both legs. You are ok with paying for it using the original form of payment.",
    story = { actions = { {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"HXDUBJ\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"IAH\", \"destination\": \"SFO\", \"date\": \"2024-05-19\"}",
    }, {
      name = "search_direct_flight",
      arguments = "{\"origin\": \"SFO\", \"destination\": \"IAH\", \"date\": \"2024-05-21\"}",
    }, {
      name = "update_reservation_flights",
      arguments = "{\"reservation_id\": \"HXDUBJ\", \"cabin\": \"economy\", \"flights\": [{\"flight_number\": \"HAT072\", \"date\": \"2024-05-19\"}, {\"flight_number\": \"HAT278\", \"date\": \"2024-05-23\"}], \"payment_id\": \"gift_card_6941833\"}",
    }, {
      name = "update_reservation_baggages",
      arguments = "{\"reservation_id\": \"HXDUBJ\", \"total_baggages\": 2, \"nonfree_baggages\": 2, \"payment_id\": \"gift_card_6941833\"}",
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
