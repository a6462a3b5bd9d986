-- {{id}}: <one line on the situation this scenario rehearses>.
-- Tests: <what a good agent does here, e.g. "verifies identity before cancelling">.
--
-- A scenario declares the agent's system prompt and policy, what the user knows (facts), the
-- world (state), the tools the agent may call (an OpenAI-style schema plus a Lua function
-- over the state), the rules checked on every agent action (policies) and the end-state goal.
-- See docs/scenarios.md for every field.
return scenario {
  id = "{{id}}",
  summary = "<one line>",

  -- A persona name from personas/, or an inline persona{...} like this one. To play this world
  -- with several personas, list their names instead: personas = { "skeptic", "rusher" }, each
  -- played every trial; persona_facts = { skeptic = { ... } } gives one of them its own facts.
  persona = persona {
    name = "{{name}}-user",
    run = function(u, facts)
      local r = u:say("Hi, please cancel order " .. facts.order_id .. ".")
      if r:asks_go_ahead() and r:proposes({ facts.order_id }, { "4417" }) then r = u:say("Yes, go ahead.") end
      u:fill_until(25)
    end,
  },

  system = [[
You are a support agent for Example Shop. Be brief and friendly.

POLICY:
- Confirm the exact change with the customer and wait for a clear yes before making it.

FACTS:
- Cancelled orders are refunded to the original payment method within 5 business days.
]],

  facts = { order_id = "4471" },

  state = {
    orders = {
      ["4471"] = { status = "open" },
      ["4417"] = { status = "open" },
    },
  },

  tools = {
    cancel_order = {
      description = "Cancel an open order.",
      parameters = {
        type = "object",
        properties = {
          order_id = { type = "string", description = "the order number (4 digits)", pattern = "^[0-9]{4}$" },
        },
        required = { "order_id" },
      },
      run = function(state, args)
        local order = state.orders[args.order_id]
        if not order then return { ok = false, error = "no order " .. args.order_id } end
        order.status = "cancelled"
        return { ok = true, status = order.status }
      end,
    },
  },

  policies = {
    require_confirmation("cancel_order"),
    forbid_tool("cancel_order", function(ctx) return ctx.args.order_id == "4417" end, { severity = "critical" }),
  },

  intents = { cancel = "cancel_order" },

  goal = function(state)
    return state.orders["4471"].status == "cancelled" and state.orders["4417"].status == "open"
  end,

  max_turns = 25,
}
