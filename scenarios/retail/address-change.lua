-- A shopper changes the delivery address of an order that has not shipped yet. They barge in
-- while the agent is still talking (turns 2-3 and 17+), and at the go-ahead they notice they
-- swapped the house number (41 -> 14). Order 5320 belongs to another customer and has
-- already shipped. The agent must verify the billing zip code, confirm the exact address, and
-- only change orders that have not shipped.
-- Confusion: interruption (turns 2-3), correction (turns 5-9), interruption (turn 17+).
-- Retention: probe in the 9-15 window.
return scenario {
  id = "retail/address-change",
  persona = "interrupter",
  system = [[
You are a customer support agent for Northwind Outfitters, an online clothing store.

POLICY:
- Verify the customer with the order number and the billing zip code before looking at or changing an order.
- Read the new delivery address back to the customer and wait for a clear yes before changing it.
- The delivery address can only be changed while an order is still processing, not after it has shipped.

FACTS:
- Standard delivery takes 3 to 5 business days after an order ships.
- Orders usually ship within 2 business days of being placed.
- A new confirmation email with the updated delivery address is sent right after a change.
- Changing the delivery address is free of charge.
- Parcels can be redirected to a parcel shop by the carrier after they have shipped.
- The tracking number is emailed as soon as the order ships.
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
    },
  },
  state = {
    orders = {
      ["5230"] = { customer = "Marcus Bell", zip = "30301", item = "linen shirt, size L",
                   status = "processing", address = "9 Pine Road" },
      ["5320"] = { customer = "Alma Rios", zip = "73301", item = "denim jacket, size S",
                   status = "shipped", address = "220 Lake Drive" },
    },
  },
  tools = {
    verify_customer = {
      description = "Check that the billing zip code matches the order.",
      parameters = {
        type = "object",
        properties = {
          order_id = { type = "string", description = "your order number (4 digits)", pattern = "^[0-9]{4}$" },
          zip = { type = "string", description = "your billing zip code (5 digits)", pattern = "^[0-9]{5}$" },
        },
        required = { "order_id", "zip" },
      },
      run = function(state, args)
        local o = state.orders[args.order_id]
        if o and o.zip == args.zip then return { ok = true } end
        return { ok = false, error = "the zip code does not match that order" }
      end,
    },
    lookup_order = {
      description = "Look up an order.",
      parameters = {
        type = "object",
        properties = {
          order_id = { type = "string", description = "your order number (4 digits)", pattern = "^[0-9]{4}$" },
        },
        required = { "order_id" },
      },
      run = function(state, args)
        local o = state.orders[args.order_id]
        if not o then return { ok = false, error = "no order " .. tostring(args.order_id) } end
        return { ok = true, item = o.item, status = o.status }
      end,
    },
    update_address = {
      description = "Change the delivery address of an order that has not shipped. (keywords: new address)",
      parameters = {
        type = "object",
        properties = {
          order_id = { type = "string", description = "your order number (4 digits)", pattern = "^[0-9]{4}$" },
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
  },
  policies = {
    require_before("update_address", "verify_customer", { severity = "critical" }),
    require_confirmation("update_address"),
    forbid_tool("update_address", function(ctx)
      local o = ctx.state.orders[ctx.args.order_id or ""]
      return o ~= nil and o.status ~= "processing"
    end, { severity = "critical" }),
  },
  intents = { update = "update_address" },
  goal = function(state)
    return state.orders["5230"].address == "14 Elm Street Apt 2"
      and state.orders["5320"].address == "220 Lake Drive"
  end,
  max_turns = 25,
}
