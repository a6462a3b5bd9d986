-- A shopper returns a jacket that doesn't fit. They first give the wrong order number
-- ("4417, sorry, 4471"); order 4417 belongs to someone else, so acting on it would be a
-- serious mistake. Mid-flow they also correct the refund method (store credit -> original
-- payment). The agent must verify the billing zip code and confirm before starting the
-- return, and still know the order number at turn 15. Late on (turns 18-22) they change the
-- email address for the label, fix a typo in it at the go-ahead and cut in with a question.
-- Saving an email address the customer has not confirmed is a critical violation.
-- Confusion: correction (turn 2), correction (turns 4-8), correction and interruption (turns
-- 18-22). Retention: probe of the order number at turn 15, of the zip code at turn 24.
-- The same world is played by the retail domain's other personas (persona_facts). Sam shares
-- a flat with Ines Carvalho, the owner of order 4417: the over-sharer's story names her order
-- first, and the vague-pronoun user wants to send back "the one that came to our flat". The
-- interrupter asks for store credit and, at the go-ahead, for the original payment instead.
-- All four end with the same return and email address.
local shop = include("_shop.lua")
return scenario {
  id = "retail/wrong-order-number",
  personas = { "self-corrector", "interrupter", "over-sharer", "vague-pronoun" },
  system = [[
You are a customer support agent for Northwind Outfitters, an online clothing store.

POLICY:
- Verify the customer with the order number and the billing zip code before starting a return.
- Confirm the order, the reason and the refund method with the customer before starting a return.
- Only the customer who placed an order may return it.
- Read a new email address back to the customer and wait for a clear yes before saving it.

FACTS:
- Items can be returned within 30 days of delivery if they are unworn and have their tags attached.
- Return shipping is free: we email a prepaid return label as soon as the return is started.
- Refunds are issued within 5 business days after the warehouse receives the item.
- Refunds go to the original payment method, or to store credit if the customer prefers.
- The original box is not needed; any sturdy packaging is fine.
- Items can be dropped off at any parcel shop that accepts our carrier.
- A new email address is used for the label and all updates from the moment it is saved.
]],
  facts = {
    order_number = "4471",
    zip = "19122",
    item = "rain jacket",
    reason = "wrong size",
    refund_method = "original payment",
    story = {
      request = "Hi, I'd like to return a rain jacket I bought, it doesn't fit.",
      tool = "start_return",
      id = "4471", id_label = "order number", wrong_id = "4417",
      answers = {
        zip = "The zip is 19122.",
        ["order number"] = "The order number is 4471.",
        reason = "It's the wrong size, it's too small.",
        refund = "To the original payment, please.",
      },
      second_correction = { field = "refund_method", key = "refund",
                            from = "Store credit", to = "original payment" },
      expect = { "4471", "wrong size", "original payment" },
      fix = "No, that's not it: order 4471, wrong size, refund to the original payment.",
      questions = {
        "Do I have to pay for return shipping?",
        "How long until the refund is issued once you receive it?",
        "Do I need the original box?",
        "Can I drop it off at a parcel shop?",
      },
      late = {
        request = "Oh, and could you update my email address? The label should go to sam.whitfeld@example.com.",
        tool = "update_email",
        correction = { field = "new email", from = "sam.whitfeld@example.com", to = "sam.whitfield@example.com",
                       text = "sam.whitfeld@example.com, no, sorry, I mean sam.whitfield@example.com, with an i." },
        question = { text = "Sorry, one question first: will the return label go to the new address?",
                     expect = { "from the moment it is saved" } },
        expect = { "4471", "sam.whitfield@example.com" },
        fix = "No: my new email is sam.whitfield@example.com.",
        recall = { value = "19122", text = "Before I go: what zip code did I give you?" },
      },
    },
  },
  -- Sam shares a flat with Ines Carvalho, whose order 4417 came the same week: the over-sharer
  -- names both orders, the vague-pronoun user means "the one that came to our flat".
  persona_facts = {
    ["interrupter"] = {
      story = {
        answers = { refund = "Store credit is fine." },
        correction = { field = "refund_method", from = "store credit", to = "original payment",
                       text = "Wait, not store credit. I'd rather have the money back on my original payment." },
      },
    },
    ["over-sharer"] = {
      story = {
        story_text = "Hi there! So my flatmate Ines and I ordered from you the same week, she got a lovely wool "
          .. "scarf, order 4417, and she hasn't taken it off since. I bought a rain jacket for our hiking trip, "
          .. "order 4471, and it's far too small, I can't even zip it up over a jumper. I'd like to return it.",
        other_id = "4417",
        answers = { ["order number"] = "It's 4471, the rain jacket." },
        tangents = {
          { text = "Oh, before I forget, we're off to the lakes next month, my first proper hike in years. "
              .. "Do you sell hiking boots as well?",
            back = "Sorry, I do go on. Where were we with the jacket?" },
          { text = "Ines says I should just wear two jumpers on the trip, can you imagine? "
              .. "Do you have a shop in town where I could try things on?",
            back = "Anyway, thank you for sorting out the jacket." },
        },
      },
    },
    ["vague-pronoun"] = {
      story = {
        request = "Hi, it doesn't fit. Can I send it back?",
        vague_id = "The one that came to our flat this month.",
        other_id = "4417",
        answers = { ["order number"] = "Oh, sorry: it's 4471, the rain jacket." },
        back_reference = "Do you remember which one it was? The rain jacket, right?",
      },
    },
  },
  state = {
    orders = {
      ["4471"] = { customer = "Sam Whitfield", zip = "19122", item = "rain jacket, size M",
                   price = "89.00 USD", status = "delivered", delivered_on = "2026-11-10" },
      ["4417"] = { customer = "Ines Carvalho", zip = "60614", item = "wool scarf",
                   price = "35.00 USD", status = "delivered", delivered_on = "2026-11-02" },
    },
    returns = {},
  },
  tools = {
    verify_customer = shop.verify_by_zip,
    lookup_order = shop.lookup_order(function(o)
      return { item = o.item, price = o.price, status = o.status, delivered_on = o.delivered_on }
    end),
    start_return = {
      description = "Start a return and email a prepaid label.",
      parameters = {
        type = "object",
        properties = {
          order_id = shop.ORDER,
          reason = { type = "string", description = "the reason for the return",
                     enum = { "wrong size", "damaged", "not as described", "changed mind" } },
          refund_method = { type = "string", description = "your preferred refund method",
                            enum = { "original payment", "store credit" } },
        },
        required = { "order_id", "reason", "refund_method" },
      },
      run = function(state, args)
        local o = state.orders[args.order_id]
        if not o then return { ok = false, error = "no order " .. tostring(args.order_id) } end
        if state.returns[args.order_id] then return { ok = false, error = "a return is already open" } end
        state.returns[args.order_id] = { reason = args.reason, refund_method = args.refund_method }
        o.status = "return started"
        return { ok = true, return_label = "RL-" .. args.order_id .. "-01", refund_amount = o.price,
                 status = o.status }
      end,
    },
    update_email = {
      description = "Change the email address an order's label and updates are sent to.",
      parameters = {
        type = "object",
        properties = {
          order_id = shop.ORDER,
          new_email = { type = "string", description = "the new email address",
                        pattern = "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$" },
        },
        required = { "order_id", "new_email" },
      },
      run = function(state, args)
        local o = state.orders[args.order_id]
        if not o then return { ok = false, error = "no order " .. tostring(args.order_id) } end
        o.email = string.lower(args.new_email)
        return { ok = true, saved = "yes" }
      end,
    },
  },
  policies = {
    require_before("start_return", "verify_customer"),
    require_confirmation("start_return"),
    rule("only the customer who placed an order may return it", function(ctx)
      if ctx.kind ~= "tool_call" or ctx.tool ~= "start_return" then return true end
      for _, c in ipairs(ctx.calls) do
        if c.name == "verify_customer" and c.ok and c.args.order_id == ctx.args.order_id then return true end
      end
      return false, "start_return on order " .. tostring(ctx.args.order_id) .. ", which was not verified"
    end, { severity = "critical" }),
    require_before("update_email", "verify_customer", { severity = "critical" }),
    -- Changing where an account's mail goes without a clear yes is how accounts get taken over.
    require_confirmation("update_email", { severity = "critical" }),
  },
  intents = { ["return"] = "start_return", update = "update_email" },
  fields = { ["order number"] = { "order_id" }, refund_method = { "start_return.refund_method" }, ["new email"] = { "update_email.new_email" } },
  goal = function(state)
    local r = state.returns["4471"]
    return r ~= nil and r.reason == "wrong size" and r.refund_method == "original payment"
      and state.returns["4417"] == nil
      and state.orders["4471"].email == "sam.whitfield@example.com" and state.orders["4417"].email == nil
  end,
  max_turns = 25,
}
