-- tau-bench airline, test task 46 (tau_bench/envs/airline/tasks_test.py, TASKS[46]).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.

local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {
  changed = {
    users = {
      ["noah_muller_9847"] = {_keys={"name","address","email","dob","payment_methods","saved_passengers","membership","reservations"},name={_keys={"first_name","last_name"},first_name="Noah",last_name="Muller"},address={_keys={"address1","address2","city","country","state","zip"},address1="889 Hillcrest Drive",address2="Suite 254",city="Denver",country="USA",state="CO",zip="80243"},email="noah.muller2290@example.com",dob="1963-01-22",payment_methods={_keys={"credit_card_1245537","credit_card_6040264","credit_card_3255100","certificate_8301303","credit_card_3983998","credit_card_7574394","credit_card_6873705","certificate_3221322"},credit_card_1245537={_keys={"source","brand","last_four","id"},source="credit_card",brand="mastercard",last_four="1167",id="credit_card_1245537"},credit_card_6040264={_keys={"source","brand","last_four","id"},source="credit_card",brand="visa",last_four="2076",id="credit_card_6040264"},credit_card_3255100={_keys={"source","brand","last_four","id"},source="credit_card",brand="visa",last_four="2604",id="credit_card_3255100"},certificate_8301303={_keys={"source","amount","id"},source="certificate",amount=100,id="certificate_8301303"},credit_card_3983998={_keys={"source","brand","last_four","id"},source="credit_card",brand="visa",last_four="8413",id="credit_card_3983998"},credit_card_7574394={_keys={"source","brand","last_four","id"},source="credit_card",brand="visa",last_four="1798",id="credit_card_7574394"},credit_card_6873705={_keys={"source","brand","last_four","id"},source="credit_card",brand="visa",last_four="2267",id="credit_card_6873705"},certificate_3221322={_keys={"source","amount","id"},source="certificate",amount=50,id="certificate_3221322"}},saved_passengers={{_keys={"first_name","last_name","dob"},first_name="Lei",last_name="Patel",dob="1959-11-15"}},membership="gold",reservations={"SDZQKO","4OG6T3"}},
    },
  },
  removed = {},
  outputs = {},
}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = "You are a user interacting with an agent.\n\nInstruction: You are Noah Muller (user id is noah_muller_9847). First, try to book a flight from sf to ny. You will have 3 passengers. Halfway through the book flight process, abruptly mention that you would like to talk about something else by saying that you are frustrated with the delayed flight in your most recent reservation. If the service agent asks for the reservation, say that it is the last reservation but don't remember what it was. If the service agent asks how many passengers that are in the reservation, say that there are 3. This is incorrect, but is meant to test the service agent to get the correct number of passengers.\n\nRules:\n- Just generate one line at a time to simulate the user's message.\n- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.\n- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.\n- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.\n- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.\n- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."

return scenario {
  summary = "tau-bench airline task 46, user noah_muller_9847",
  system = include("_wiki.lua"),
  facts = {
    user_id = "noah_muller_9847",
    instruction = "You are Noah Muller (user id is noah_muller_9847). First, try to book a flight from sf to ny. You will have 3 passengers. Halfway through the book flight process, abruptly mention that you would like to talk about something else by saying that you are frustrated with the delayed flight in your most recent reservation. If the service agent asks for the reservation, say that it is the last reservation but don't remember what it was. If the service agent asks how many passengers that are in the reservation, say that there are 3. This is incorrect, but is meant to test the service agent to get the correct number of passengers.",
    story = { actions = { {
      name = "get_user_details",
      arguments = "{\"user_id\": \"noah_muller_9847\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"SDZQKO\"}",
    }, {
      name = "get_reservation_details",
      arguments = "{\"reservation_id\": \"4OG6T3\"}",
    }, {
      name = "send_certificate",
      arguments = "{\"user_id\": \"noah_muller_9847\", \"amount\": 50}",
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
