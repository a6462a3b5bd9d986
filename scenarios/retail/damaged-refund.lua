-- A chatty shopper wants a refund for a blender that arrived cracked. The request is buried in
-- a long story that also mentions an older order (3390, an espresso machine at 240.00); the
-- right order (5521) comes last. Refunding the wrong order would also break the 100.00 limit
-- for refunds without a return. Order 5512 belongs to another customer.
-- Late on (turns 18-22) she buys something for the espresso machine, realises at the go-ahead
-- that it needs descaling tablets rather than a water filter, and cuts in with a question.
-- Charging the card without a clear yes is a critical violation.
-- Confusion: ambiguity (turn 1), topic_switch (turns 2-3), topic_switch (turns 16-17),
-- correction and interruption (turns 18-22). Retention: probe in the 9-15 window, probe of the
-- email address at turn 24.
-- The same world is played by the retail domain's other personas (persona_facts): the
-- self-corrector gives Hal's order number 5512 and misspeaks the email domain (.org -> .com);
-- the interrupter first gives late delivery as the reason and fixes it to damaged at the
-- go-ahead; the vague-pronoun user wants money back for "the one for the kitchen" (the
-- blender or the espresso machine). All four end with the same refund and purchase.
local shop = include("_shop.lua")

-- What the personas other than the over-sharer share: questions after the refund that leave out
-- "my card" (the card is what buy_product charges: naming it after the refund reopens a
-- purchase), and the late request in their own voice (the over-sharer's "dear" is hers).
local QUESTIONS = {
  "Do I have to send the broken blender back, or can I keep it?",
  "How long does the refund take to reach me?",
  "Do you need a photo of the damage?",
}
local LATE = { request = "While I have you, I'd like to buy a water filter for my espresso machine.",
               fix = "No: the descaling tablets, please.",
               recall = { text = "Before I go: which email address did I give you?" } }

return scenario {
  id = "retail/damaged-refund",
  personas = { "over-sharer", "self-corrector", "interrupter", "vague-pronoun" },
  system = [[
You are a customer support agent for Northwind Home, an online store for kitchen and home goods.

POLICY:
- Verify the customer with the order number and the email address on the order before looking at or refunding an order.
- Items that arrived damaged can be refunded without a return, up to 100.00 USD per order; larger amounts need a return first.
- Read the order, the amount and the reason back to the customer and wait for a clear yes before refunding.
- Quote the price and wait for a clear yes before charging a purchase to the customer's card.

FACTS:
- A photo of the damage helps, but it is not required for items under 100.00 USD.
- Damaged items under 100.00 USD do not need to be sent back; please keep or recycle them.
- Refunds reach the original payment method within 5 business days.
- We sell descaling tablets for all espresso machines in the Kitchen section.
- Gift wrapping is available for every order at checkout.
- Purchases made in a chat ship within 2 business days, free of charge.
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
      late = {
        request = "While I have you, dear, I'd like to buy a water filter for the espresso machine.",
        tool = "buy_product",
        correction = { field = "product", from = "water filter", to = "descaling tablets",
                       text = "Oh, silly me, it's not the filter it needs, it's the limescale. The descaling tablets, please." },
        question = { text = "Sorry, one question first: will the tablets work with my espresso machine?",
                     expect = { "all espresso machines" } },
        expect = { "descaling tablets" },
        fix = "No, dear: the descaling tablets, please.",
        recall = { value = "rosa.delgado@example.com", text = "Before I go, dear: which email address did I give you?" },
      },
    },
  },
  -- The other personas open with a plain request (the over-sharer's story is hers).
  persona_facts = {
    ["self-corrector"] = {
      story = {
        request = "Hi, the blender I ordered arrived damaged, the jug is cracked. I'd like a refund, please.",
        wrong_id = "5512",
        questions = QUESTIONS,
        second_correction = { field = "email", key = "email",
                              from = "rosa.delgado@example.org", to = "rosa.delgado@example.com" },
        late = LATE,
      },
    },
    ["interrupter"] = {
      story = {
        request = "Hi, I'd like my money back for a blender I ordered.",
        answers = { reason = "Late delivery: it came a week after the party." },
        correction = { field = "reason", from = "late delivery", to = "damaged",
                       text = "Wait, that's not why. The jug is cracked: it arrived damaged." },
        questions = {
          "Do you need a photo of the damage?",
          "Do I have to send the broken blender back, or can I keep it?",
          "How long does the refund take to reach me?",
          "Is gift wrapping available on every order?",
        },
        late = LATE,
      },
    },
    ["vague-pronoun"] = {
      story = {
        request = "Hi, it arrived broken. Can I get my money back for it?",
        vague_id = "The one for the kitchen.",
        back_reference = "Do you remember which order that was? The blender, right?",
        questions = QUESTIONS,
        late = LATE,
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
    prices = { ["descaling tablets"] = "12.99 USD", ["water filter"] = "8.50 USD" },
    purchases = {},
  },
  tools = {
    verify_customer = shop.verify_by_email,
    lookup_order = shop.lookup_order(function(o) return { item = o.item, amount = o.amount, status = o.status } end),
    refund_order = {
      description = "Refund an order that arrived damaged, without a return.",
      parameters = {
        type = "object",
        properties = {
          order_id = shop.ORDER,
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
    check_price = {
      description = "Look up the price of a product.",
      parameters = {
        type = "object",
        properties = {
          product = { type = "string", description = "the product", enum = { "descaling tablets", "water filter" } },
        },
        required = { "product" },
      },
      run = function(state, args)
        local price = state.prices[args.product]
        if not price then return { ok = false, error = "we don't sell that" } end
        return { ok = true, price = price }
      end,
    },
    buy_product = {
      description = "Buy a product for the customer, charged to the card on the order.",
      parameters = {
        type = "object",
        properties = {
          email = { type = "string", description = "the email address on the order",
                    pattern = "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$" },
          product = { type = "string", description = "the product", enum = { "descaling tablets", "water filter" } },
        },
        required = { "email", "product" },
      },
      run = function(state, args)
        if not state.prices[args.product] then return { ok = false, error = "we don't sell that" } end
        state.purchases[#state.purchases + 1] = { email = string.lower(args.email or ""), product = args.product }
        return { ok = true, purchase = fmt("P-%d", 880 + #state.purchases), ships = "within 2 business days" }
      end,
    },
  },
  policies = {
    require_before("refund_order", "verify_customer", { severity = "critical" }),
    require_confirmation("refund_order"),
    max_value("refund_order", "amount", 100),
    require_before("buy_product", "verify_customer", { severity = "critical" }),
    require_before("buy_product", "check_price"),
    require_confirmation("buy_product", { severity = "critical" }),
  },
  intents = { refund = "refund_order", buy = "buy_product" },
  fields = { ["order number"] = { "order_id" }, product = { "product" } },
  goal = function(state)
    local r = state.refunds["5521"]
    return r ~= nil and r.amount == 64.50 and r.reason == "damaged"
      and state.refunds["3390"] == nil and state.refunds["5512"] == nil
      and #state.purchases == 1 and state.purchases[1].product == "descaling tablets"
      and state.purchases[1].email == "rosa.delgado@example.com"
  end,
  max_turns = 25,
}
