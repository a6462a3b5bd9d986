-- What every tau2-bench retail task shares: the agent's system prompt, the tools, the database,
-- the loop and the goal; a task file gives only its gold, its user scenario and its judge rubric.
-- Derived from tau2-bench (https://github.com/sierra-research/tau2-bench at a2c0247), MIT License,
-- Copyright (c) 2025 Sierra Research. spar's NOTICE lists what is derived from where; the licence
-- text is in LICENSES/tau2-bench.txt.
--
-- system: tau2's LLM agent sends the domain policy (data/tau2/domains/retail/policy.md) inside
-- instructions of its own; src/tau2/agent/ is not in the pinned copy, so the policy is sent alone,
-- verbatim. tools: tau2's schemas and docstrings as its Tool.openai_schema builds them (generated
-- _schemas.lua), each with its Lua port (_tools.lua). tau2's agent may make several tool calls in
-- one message (it answers them all), so tool_calls_per_message is not set.
local T2 = include("_tau2.lua")
local tools = include("_tools.lua")
local DB = include("_db.lua")
local R = {
  system = include("_policy.lua"),
  tools = tools.tools,
}

-- R.task{ summary, gold, user, judge? }: a task's scenario (generated task-NNN.lua files).
function R.task(t)
  local gold = t.gold
  return scenario {
    summary = t.summary,
    system = R.system,
    tools = R.tools,
    state = DB,
    record_state = false, -- 2.8 MB a conversation otherwise
    max_turns = T2.max_turns,
    goal = function(state, run) return T2.reward(state, run, gold, DB) end,
    persona = T2.persona(t.user),
    judge = t.judge,
  }
end

return R
