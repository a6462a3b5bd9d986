-- tau-bench airline, test task 16 (tau_bench/envs/airline/tasks_test.py, TASKS[16]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    users = {
      ["ethan_martin_2396"] = {_keys={"name","address","email","dob","payment_methods","saved_passengers","membership","reservations"},name={_keys={"first_name","last_name"},first_name="Ethan",last_name="Martin"},address={_keys={"address1","address2","city","country","state","zip"},address1="157 Willow Lane",address2="Suite 744",city="Dallas",country="USA",state="TX",zip="75202"},email="ethan.martin2913@example.com",dob="1963-05-18",payment_methods={_keys={"certificate_5449394","gift_card_5853954","certificate_7365778","certificate_2942955","credit_card_5447957","certificate_3221322"},certificate_5449394={_keys={"source","amount","id"},source="certificate",amount=250,id="certificate_5449394"},gift_card_5853954={_keys={"source","amount","id"},source="gift_card",amount=71,id="gift_card_5853954"},certificate_7365778={_keys={"source","amount","id"},source="certificate",amount=100,id="certificate_7365778"},certificate_2942955={_keys={"source","amount","id"},source="certificate",amount=100,id="certificate_2942955"},credit_card_5447957={_keys={"source","brand","last_four","id"},source="credit_card",brand="mastercard",last_four="8023",id="credit_card_5447957"},certificate_3221322={_keys={"source","amount","id"},source="certificate",amount=150,id="certificate_3221322"}},saved_passengers={{_keys={"first_name","last_name","dob"},first_name="Liam",last_name="Johnson",dob="1976-08-23"}},membership="silver",reservations={"GXWCPN","DQST39","BSSSM3","RVQC22","P824NH","3HE6QG","NTIRXF","HG8X9P","M61CQM"}},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: Your user id is ethan_martin_2396 and you are contacting to complain about your delayed flight HAT039 from ATL to SEA. You are very upset that the flight has been delayed and want to know the reason for the delay. You also want the airline to compensate you for the delay. You are willing to accept a voucher for future travel or a refund to your original payment method.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 16, user ethan_martin_2396",
  system = include("_wiki.lua"),
  facts = {
    user_id = "ethan_martin_2396",
    instruction = "Your user id is ethan_martin_2396 and you are contacting to complain about your delayed flight HAT039 from ATL to SEA. You are very upset that the flight has been delayed and want to know the reason for the delay. You also want the airline to compensate you for the delay. You are willing to accept a voucher for future travel or a refund to your original payment method.",
    story = { actions = { {
      name = "get_user_details",
      arguments = "{\"user_id\": \"ethan_martin_2396\"}",
    }, {
      name = "send_certificate",
      arguments = "{\"user_id\": \"ethan_martin_2396\", \"amount\": 150}",
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
