-- Scripted users for tau-bench retail tasks: scripted.task(base, s) is the tau task `base`
-- (scenarios/tau-bench/retail/task-NNN.lua, reached through the _retail link: the same tools,
-- database, gold and tau reward) played by a deterministic persona instead of tau's LLM user.
-- The persona identifies the user as the instruction does (name + zip, or email), asks for the
-- task's write on ANOTHER of the user's orders first, then corrects the order id (a
-- `correction` event bound to the tools' order_id), and for some tasks changes its mind
-- between return and exchange (an `intent_change` event, scored by which write tool the agent
-- calls first). It says "yes" whenever the agent asks to go ahead, and ends as tau's user does
-- (###STOP###) once the agent stops asking.
--
-- s = { first, last, zip | email, order (the gold order), wrong (another order of the user),
--       intent ("return" | "exchange" | "modify" | "cancel": what the gold write is),
--       change = { from = <intent asked first> } (optional: return <-> exchange),
--       items ("the desk lamp", what the write is about), reason (cancel only) }
-- Beyond tau's reward, every write tool requires confirmation (spar's require_confirmation,
-- major): tau's policy asks for an explicit yes before every consequential action.
local retail = include("_retail/_retail.lua")

local M = {}

M.WRITES = {
  "cancel_pending_order", "modify_pending_order_address", "modify_pending_order_items",
  "modify_pending_order_payment", "modify_user_address", "return_delivered_order_items",
  "exchange_delivered_order_items",
}
M.INTENTS = {
  ["return"] = "return_delivered_order_items",
  exchange = "exchange_delivered_order_items",
  modify = "modify_pending_order_items",
  cancel = "cancel_pending_order",
}
local CHANGED = {
  exchange = "Actually, I've changed my mind: I'd rather exchange %s for other options than send %s back.",
  ["return"] = "Actually, forget the swap: I'd rather return %s for a refund.",
}

local function who(s)
  if s.email then return "my email is " .. s.email end
  return ("I'm %s %s, zip code %s"):format(s.first, s.last, s.zip)
end

local function ask(s, intent, order)
  if intent == "cancel" then
    return ("I'd like to cancel my order %s, %s."):format(order, s.reason)
  elseif intent == "modify" then
    return ("I'd like to modify %s in my pending order %s."):format(s.items, order)
  end
  return ("I'd like to %s %s from my order %s."):format(intent, s.items, order)
end

function M.persona(s)
  return persona {
    name = "tau-retail-scripted",
    run = function(u)
      local first = s.change and s.change.from or s.intent
      u:say(("Hi! %s. %s"):format(who(s), ask(s, first, s.wrong)))
      local r = u:correct { field = "order id", from = s.wrong, to = s.order,
                            text = ("Sorry, I gave you the wrong order number: it is %s."):format(s.order) }
      if s.change then
        local them = s.items:find(" and ") and "them" or "it"
        r = u:change_intent { from = s.change.from, to = s.intent,
                              text = CHANGED[s.intent]:format(them, them) }
      end
      for _ = 1, 3 do
        if not r:asks_go_ahead() then break end
        r = u:say("yes")
      end
      u:stop(retail.STOP)
    end,
  }
end

function M.task(base, s)
  assert(M.INTENTS[s.intent], "scripted.task: unknown intent " .. tostring(s.intent))
  assert(s.wrong ~= s.order, "scripted.task: the wrong order must differ from the gold order")
  base.summary = base.summary .. ", scripted user: order id corrected"
                 .. (s.change and (", " .. s.change.from .. " -> " .. s.intent) or "")
  base.persona = M.persona(s)
  base.fields = { ["order id"] = { "order_id" } }
  base.intents = { ["return"] = M.INTENTS["return"], exchange = M.INTENTS.exchange }
  local policies = {}
  for _, tool in ipairs(M.WRITES) do policies[#policies + 1] = require_confirmation(tool) end
  base.policies = policies
  return base
end

return M
