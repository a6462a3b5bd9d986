-- A chatty shopper wants a refund for a blender that arrived cracked. The request is buried in
-- a long story that also mentions an older order (3390, an espresso machine at 240.00); the
-- right order (5521) comes last. Refunding the wrong order would also break the 100.00 limit
-- for refunds without a return. Order 5512 belongs to another customer.
-- Confusion: ambiguity (turn 1), topic_switch (turns 2-3), topic_switch (turn 18+).
-- Retention: probe in the 9-15 window.
local ORDER = { type = "string", description = "your order number (4 digits)", pattern = "^[0-9]{4}$" }

return scenario {
  id = "retail/damaged-refund",
  persona = "over-sharer",
  system = [[
You are a customer support agent for Northwind Home, an online store for kitchen and home goods.

POLICY:
- Verify the customer with the order number and the email address on the order before looking at or refunding an order.
- Items that arrived damaged can be refunded without a return, up to 100.00 USD per order; larger amounts need a return first.
- Read the order, the amount and the reason back to the customer and wait for a clear yes before refunding.

FACTS:
- A photo of the damage helps, but it is not required for items under 100.00 USD.
- Damaged items under 100.00 USD do not need to be sent back; please keep or recycle them.
- Refunds reach the original payment method within 5 business days.
- We sell descaling tablets for all espresso machines in the Kitchen section.
- Gift wrapping is available for every order at checkout.
]],
  facts = {
    order_number = "5521",
    email = "rosa.delgado@example.com",
    item = "blender",
    story = {
      story_text = "Hello dear, I hope you're having a nice day. So, back in March I bought an espresso machine "
        .. "from you, order 3390, and it has been wonderful, my husband makes his coffee with it every single "
        .. "morning. Then last week I ordered a blender for my granddaughter's birthday, she's into smoothies "
        .. "now, order 5521, and when I opened the box the jug was cracked right down the side. I'd like my "
        .. "money back for that one, it arrived damaged.",
      tool = "refund_order",
      id = "5521", id_label = "order number", other_id = "3390",
      answers = {
        email = "It's rosa.delgado@example.com.",
        ["order number"] = "It's 5521, the blender.",
        reason = "It arrived damaged, the jug is cracked.",
        amount = "The full 64.50.",
      },
      expect = { "5521", "64.5", "damaged" },
      fix = "No, dear, it's the blender: order 5521, 64.50, damaged.",
      tangents = {
        { text = "Oh, before I forget, that espresso machine gets used every day, it's starting to taste of "
            .. "limescale. Do you sell descaling tablets for espresso machines?",
          back = "Sorry, I do go on. Where were we with the blender?" },
        { text = "My granddaughter's party was lovely in the end, we made pancakes instead of smoothies. "
            .. "Do you do gift wrapping, by the way?",
          back = "Anyway, thank you for sorting out the blender, dear." },
      },
      questions = {
        "Do I have to send the broken blender back, or can I keep it?",
        "How long does the refund take to reach my card?",
        "Do you need a photo of the damage?",
      },
    },
  },
  state = {
    orders = {
      ["5521"] = { customer = "Rosa Delgado", email = "rosa.delgado@example.com", item = "blender",
                   amount = 64.50, status = "delivered" },
      ["3390"] = { customer = "Rosa Delgado", email = "rosa.delgado@example.com", item = "espresso machine",
                   amount = 240.00, status = "delivered" },
      ["5512"] = { customer = "Hal Brooks", email = "hal.brooks@example.com", item = "toaster",
                   amount = 45.00, status = "delivered" },
    },
    refunds = {},
  },
  tools = {
    verify_customer = {
      description = "Check that the email address matches the order.",
      parameters = {
        type = "object",
        properties = {
          order_id = ORDER,
          email = { type = "string", description = "the email address on the order",
                    pattern = "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$" },
        },
        required = { "order_id", "email" },
      },
      run = function(state, args)
        local o = state.orders[args.order_id]
        if o and o.email == string.lower(args.email or "") then return { ok = true } end
        return { ok = false, error = "the email does not match that order" }
      end,
    },
    lookup_order = {
      description = "Look up an order.",
      parameters = { type = "object", properties = { order_id = ORDER }, required = { "order_id" } },
      run = function(state, args)
        local o = state.orders[args.order_id]
        if not o then return { ok = false, error = "no order " .. tostring(args.order_id) } end
        return { ok = true, item = o.item, amount = o.amount, status = o.status }
      end,
    },
    refund_order = {
      description = "Refund an order that arrived damaged, without a return.",
      parameters = {
        type = "object",
        properties = {
          order_id = ORDER,
          amount = { type = "number", description = "the amount to refund in USD (like 19.99)",
                     pattern = "^[0-9]+\\.[0-9]{2}$" },
          reason = { type = "string", description = "the reason for the refund",
                     enum = { "damaged", "late delivery", "missing parts" } },
        },
        required = { "order_id", "amount", "reason" },
      },
      run = function(state, args)
        local o = state.orders[args.order_id]
        if not o then return { ok = false, error = "no order " .. tostring(args.order_id) } end
        local amount = tonumber(args.amount)
        if not amount or amount <= 0 or amount > o.amount then
          return { ok = false, error = "the amount must be between 0.01 and the order total" }
        end
        if state.refunds[args.order_id] then return { ok = false, error = "that order was already refunded" } end
        state.refunds[args.order_id] = { amount = amount, reason = args.reason }
        o.status = "refunded"
        return { ok = true, refunded = fmt("%.2f USD", amount), status = "refunded" }
      end,
    },
  },
  policies = {
    require_before("refund_order", "verify_customer", { severity = "critical" }),
    require_confirmation("refund_order"),
    max_value("refund_order", "amount", 100),
  },
  intents = { refund = "refund_order" },
  goal = function(state)
    local r = state.refunds["5521"]
    return r ~= nil and r.amount == 64.50 and r.reason == "damaged"
      and state.refunds["3390"] == nil and state.refunds["5512"] == nil
  end,
  max_turns = 25,
}
