-- What every tau-bench retail task shares: retail.task{...} (called by each generated
-- task-NNN.lua) is the scenario tau-bench's run.py plays for that task.
--   agent:  wiki.md as the system prompt, the 16 tools of ALL_TOOLS with their get_info()
--           schemas, one tool call per message, 30 agent replies at most (tool_calling_agent.py),
--           transfer_to_human_agents ends the conversation (env.terminate_tools);
--   user:   tau's LLM user (envs/user.py): its system prompt for this instruction, its history
--           opened by "Hi! How can I help you today?", ###STOP### ending the conversation;
--   reward: tau's calculate_reward (T.reward): the database must equal the gold end state tau's
--           Python computed at import time, every required output must be in some reply, and
--           the conversation must have ended as tau ends one.
-- The task's instruction, user id, gold actions and outputs are in `facts` for scripted personas.
--
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench), MIT License,
-- Copyright (c) 2024 Sierra.
local T = include("_tau.lua")
local tools = include("_tools.lua")
local wiki = include("_wiki.lua")
local initial = include("_db.lua")  -- each conversation's state is a deep copy of it

local M = {}

M.GREETING = "Hi! How can I help you today?"
M.STOP = "###STOP###"

-- t = { index, user_id, instruction, user_system, actions, outputs, gold }
function M.task(t)
  local gold = t.gold
  return scenario {
    summary = ("tau-bench retail test task %d (user %s)"):format(t.index, t.user_id),
    system = wiki,
    tools = tools,
    state = initial,
    stop_tools = { "transfer_to_human_agents" },
    max_steps = 30,
    tool_calls_per_message = 1,
    max_turns = 100,
    record_state = false,
    facts = { user_id = t.user_id, instruction = t.instruction, story = { actions = t.actions, outputs = t.outputs } },
    persona = persona {
      name = "tau-llm-user",
      run = function(u)
        while true do
          u:llm{ system = t.user_system, greeting = M.GREETING, stop = M.STOP, fallback = t.instruction }
        end
      end,
    },
    goal = function(state, run) return T.reward(state, run, gold, initial) end,
  }
end

return M
