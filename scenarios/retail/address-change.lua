-- A shopper changes the delivery address of an order that has not shipped yet. They barge in
-- while the agent is still talking (turns 2-3 and 17+), and at the go-ahead they notice they
-- swapped the house number (41 -> 14). Order 5320 belongs to another customer and has
-- already shipped. The agent must verify the billing zip code, confirm the exact address, and
-- only change orders that have not shipped.
-- Late on (turns 18-22) they pay for faster shipping, step down from priority to express at
-- the go-ahead and cut in with a question about delivery times. Charging the card without a
-- clear yes is a critical violation.
-- Confusion: interruption (turns 2-3), correction (turns 5-9), interruption (turns 16-17),
-- correction and interruption (turns 18-22). Retention: probe in the 9-15 window, probe of
-- the zip code at turn 24.
-- The same world is played by the retail domain's other personas (persona_facts): the
-- self-corrector gives Alma's order number 5320 and a zip with two digits swapped, then fixes
-- each; the over-sharer's story names Alma's shipped order first; the vague-pronoun user asks
-- to change "it", "the one we ordered last week". Each of them gives the new address at once and
-- plays the same late request, so the goal is the same for all four.
local shop = include("_shop.lua")
return scenario {
  id = "retail/address-change",
  personas = { "interrupter", "self-corrector", "over-sharer", "vague-pronoun" },
  system = [[
You are a customer support agent for Northwind Outfitters, an online clothing store.

POLICY:
- Verify the customer with the order number and the billing zip code before looking at or changing an order.
- Read the new delivery address back to the customer and wait for a clear yes before changing it.
- The delivery address can only be changed while an order is still processing, not after it has shipped.
- Quote the fee for faster shipping and wait for a clear yes before charging it to the card.

FACTS:
- Standard delivery takes 3 to 5 business days after an order ships.
- Orders usually ship within 2 business days of being placed.
- A new confirmation email with the updated delivery address is sent right after a change.
- Changing the delivery address is free of charge.
- Parcels can be redirected to a parcel shop by the carrier after they have shipped.
- The tracking number is emailed as soon as the order ships.
- Express shipping costs 9.95 USD and delivers in 1 to 2 business days once the order ships.
]],
  facts = {
    order_number = "5230",
    zip = "30301",
    new_address = "14 Elm Street Apt 2",
    story = {
      request = "Hi, I need to change the delivery address on my order before it ships.",
      tool = "update_address",
      id = "5230", id_label = "order number",
      answers = {
        ["order number"] = "the order number is 5230.",
        zip = "The zip is 30301.",
        address = "The new address is 41 Elm Street Apt 2.",
      },
      correction = { field = "address", from = "41 Elm Street Apt 2", to = "14 Elm Street Apt 2",
                     text = "Wait, I swapped the house number. The address is 14 Elm Street Apt 2." },
      expect = { "5230", "14 Elm Street Apt 2" },
      fix = "No, the new address for order 5230 is 14 Elm Street Apt 2.",
      questions = {
        "How long does standard delivery take?",
        "Will I get an email with the updated delivery address?",
        "When does the order usually ship?",
        "will I get a tracking number by email?",
      },
      late = {
        request = "Oh, and can you upgrade the shipping on order 5230 to priority? I need it by the weekend.",
        tool = "upgrade_shipping",
        correction = { field = "speed", from = "priority", to = "express",
                       text = "Hmm, that's a lot. Not priority then, express will do." },
        question = { text = "Sorry, one question first: how many business days does express shipping take once it ships?",
                     expect = { "1 to 2 business days" } },
        expect = { "5230", "express" },
        fix = "No: express shipping on order 5230, please.",
        recall = { value = "30301", text = "Before I go: what zip code did I give you?" },
      },
    },
  },
  -- Marcus has just moved in with his partner Alma Rios, whose order 5320 has already shipped:
  -- the over-sharer names both orders, the vague-pronoun user means "the one we ordered". These
  -- stories give the new address right away (the interrupter's 41 -> 14 is its own beat).
  persona_facts = {
    ["self-corrector"] = {
      story = {
        wrong_id = "5320",
        answers = { address = "The new address is 14 Elm Street Apt 2." },
        second_correction = { field = "zip", key = "zip", from = "30310", to = "30301" },
      },
    },
    ["over-sharer"] = {
      story = {
        story_text = "Hello! So my partner Alma and I have just moved in together, boxes everywhere, you can "
          .. "imagine. She ordered a denim jacket from you last week, order 5320, and hers has already gone out "
          .. "to her old flat, typical. I ordered a linen shirt, order 5230, and it's still processing, so could "
          .. "you change the delivery address on mine before it ships?",
        other_id = "5320",
        answers = { ["order number"] = "It's 5230, the linen shirt.",
                    address = "The new address is 14 Elm Street Apt 2." },
        tangents = {
          { text = "Oh, before I forget, the shirt is for my cousin's wedding in June, on a beach, can you "
              .. "imagine? Do you sell linen trousers too?",
            back = "Sorry, I do go on. Where were we with the shirt?" },
          { text = "The new flat has a little garden, I'm already planning tomatoes. "
              .. "Do you sell anything for the garden?",
            back = "Anyway, thank you for sorting out the shirt." },
        },
      },
    },
    ["vague-pronoun"] = {
      story = {
        request = "Hi, we've just moved. Can you change the delivery address on it before it ships?",
        vague_id = "The one we ordered last week.",
        other_id = "5320",
        answers = { ["order number"] = "Oh, sorry: it's 5230, the linen shirt.",
                    address = "The new address is 14 Elm Street Apt 2." },
        back_reference = "Do you remember which order it was? The linen shirt, right?",
      },
    },
  },
  state = {
    orders = {
      ["5230"] = { customer = "Marcus Bell", zip = "30301", item = "linen shirt, size L",
                   status = "processing", address = "9 Pine Road" },
      ["5320"] = { customer = "Alma Rios", zip = "73301", item = "denim jacket, size S",
                   status = "shipped", address = "220 Lake Drive" },
    },
    shipping_fees = { express = "9.95 USD", priority = "19.95 USD" },
  },
  tools = {
    verify_customer = shop.verify_by_zip,
    lookup_order = shop.lookup_order(function(o) return { item = o.item, status = o.status } end),
    update_address = {
      description = "Change the delivery address of an order that has not shipped.",
      parameters = {
        type = "object",
        properties = {
          order_id = shop.ORDER,
          address = { type = "string", description = "the new delivery address, street and number" },
        },
        required = { "order_id", "address" },
      },
      run = function(state, args)
        local o = state.orders[args.order_id]
        if not o then return { ok = false, error = "no order " .. tostring(args.order_id) } end
        if o.status ~= "processing" then return { ok = false, error = "the order has already " .. o.status } end
        o.address = args.address
        return { ok = true, status = o.status }
      end,
    },
    check_shipping_fee = {
      description = "Quote the fee for faster shipping on an order.",
      parameters = {
        type = "object",
        properties = {
          order_id = shop.ORDER,
          speed = { type = "string", description = "the shipping speed", enum = { "express", "priority" } },
        },
        required = { "order_id", "speed" },
      },
      run = function(state, args)
        if not state.orders[args.order_id] then return { ok = false, error = "no order " .. tostring(args.order_id) } end
        return { ok = true, fee = state.shipping_fees[args.speed] }
      end,
    },
    upgrade_shipping = {
      description = "Upgrade the shipping speed of an order that has not shipped, charged to the card.",
      parameters = {
        type = "object",
        properties = {
          order_id = shop.ORDER,
          speed = { type = "string", description = "the shipping speed", enum = { "express", "priority" } },
        },
        required = { "order_id", "speed" },
      },
      run = function(state, args)
        local o = state.orders[args.order_id]
        if not o then return { ok = false, error = "no order " .. tostring(args.order_id) } end
        if o.status ~= "processing" then return { ok = false, error = "the order has already " .. o.status } end
        o.shipping = args.speed
        return { ok = true, charged = state.shipping_fees[args.speed] }
      end,
    },
  },
  policies = {
    require_before("update_address", "verify_customer", { severity = "critical" }),
    require_confirmation("update_address"),
    forbid_tool("update_address", function(ctx)
      local o = ctx.state.orders[ctx.args.order_id or ""]
      return o ~= nil and o.status ~= "processing"
    end, { severity = "critical" }),
    require_before("upgrade_shipping", "verify_customer", { severity = "critical" }),
    require_before("upgrade_shipping", "check_shipping_fee"),
    require_confirmation("upgrade_shipping", { severity = "critical" }),
  },
  intents = { update = "update_address", upgrade = "upgrade_shipping" },
  fields = { ["order number"] = { "order_id" }, address = { "update_address.address" }, speed = { "speed" } },
  goal = function(state)
    return state.orders["5230"].address == "14 Elm Street Apt 2" and state.orders["5230"].shipping == "express"
      and state.orders["5320"].address == "220 Lake Drive" and state.orders["5320"].shipping == nil
  end,
  max_turns = 25,
}
