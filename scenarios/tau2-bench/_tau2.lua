-- tau2-bench's reward and user loop for spar scenarios, on top of scenarios/_tau.lua.
-- Derived from tau2-bench (https://github.com/sierra-research/tau2-bench at a2c0247), MIT License,
-- Copyright (c) 2025 Sierra Research. spar's NOTICE lists what is derived from where; the licence
-- text is in LICENSES/tau2-bench.txt.
--
-- tau2's reward is the product of the components in a task's reward_basis:
--   DB             the hash of the database after the conversation (its tool calls replayed on
--                  a fresh one) equals the hash after replaying the gold actions on a fresh one
--                  (evaluator_env.py). The hash is sha256 of json.dumps(db, sort_keys=True): so
--                  key order is ignored and everything else (list order, 1 vs 1.0) counts. The
--                  tools here keep Python's int/float types, so T.reward's record comparison
--                  against the initial database overlaid with the gold diff (computed by tau2's
--                  Python at import time) is that check.
--   ENV_ASSERTION, ACTION, COMMUNICATE: in no retail task's basis (the importer asserts it).
--   NL_ASSERTION   an LLM judges each assertion (evaluator_nl_assertions.py): cannot be had
--                  offline; a task's assertions are its judge rubric (spar run --judge), not
--                  part of the goal, so the goal is tau2's reward with the assertions met.
-- and it is 0 unless the conversation ended with the user's stop (TerminationReason USER_STOP;
-- AGENT_STOP has no counterpart in a spar conversation): run.ended == "user_stop".
local T = include("_tau.lua")

local T2 = {}

T2.STOP = "###STOP###"
-- tau2's orchestrator opens with this agent message; it is the first message of the user
-- model's history (u:llm's greeting) and is not sent to the agent.
T2.GREETING = "Hi! How can I help you today?"
-- A bound on user turns; tau2's orchestrator has its own step limit, whose source is not in the
-- pinned copy, so this is not tau2's number. A conversation that reaches it scores 0 (max_turns).
T2.max_turns = 30

-- T2.reward(state, run, gold, initial): `gold` as tools/tau-import/tau2_retail.py writes it
-- (the records the gold actions change; no required outputs), `initial` the scenario's state.
function T2.reward(state, run, gold, initial)
  if run.ended ~= "user_stop" then
    return false, "the conversation ended by " .. tostring(run.ended) .. ", not by the user's " .. T2.STOP
      .. ": tau2 gives reward 0"
  end
  return T.reward(state, run, gold, initial)
end

-- The user simulator's instructions. tau2's user_simulator.py and its guidelines file are not in
-- the pinned copy, so these are spar's, in tau2's layout: guidelines, then the task's
-- user_scenario (as tau2's UserScenario.__str__ prints it) inside <scenario>, and tau2's stop token.
T2.USER_GUIDELINES = [[
You are playing the role of a customer contacting a customer service representative.
Your goal is to simulate realistic customer interactions while following the scenario below.

- Generate one message at a time, as the customer would write it.
- Disclose information step by step, only when the agent asks for it; never invent information the scenario does not give you.
- Do not repeat the scenario's instructions word for word; say things in your own words.
- Stay in character: you are the customer, not the agent.
- When the task in the scenario is done, or you cannot go on, send the message '###STOP###' on its own to end the conversation.
- If you are transferred to another agent, send '###STOP###'.]]

function T2.user_prompt(user_scenario)
  return T2.USER_GUIDELINES .. "\n\n<scenario>\n" .. user_scenario .. "\n</scenario>"
end

-- T2.persona(user_scenario): tau2's user simulator as a spar persona: the user model gets the
-- prompt as its system message and the greeting as the agent's first message, and ends the
-- conversation with the stop token. Offline (no --user-model) it sends the fallback until
-- max_turns.
function T2.persona(user_scenario)
  local prompt = T2.user_prompt(user_scenario)
  return persona {
    name = "tau2-user",
    run = function(u)
      while true do
        u:llm{ system = prompt, greeting = T2.GREETING, stop = T2.STOP,
               fallback = "I need help with my order." }
      end
    end,
  }
end

return T2
