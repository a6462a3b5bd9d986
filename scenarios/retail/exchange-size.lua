-- A shopper swaps trainers for a bigger size but never names the order: "they don't fit",
-- "the one that came on Tuesday". They have two orders in the same size (trainers 6120 and
-- sandals 6102), so the agent must ask rather than guess; order 6012 belongs to someone else.
-- Late on they refer back to "the one we swapped".
-- Late on (turns 18-22) they book a courier for the old pair, move the date at the go-ahead
-- and cut in with a question about the courier.
-- Confusion: ambiguity (turn 1), ambiguity (turn 2), ambiguity (turn 16), correction and
-- interruption (turns 18-22). Retention: probe in the 9-15 window, probe of the zip code at
-- turn 24.
-- The same world is played by the retail domain's other personas (persona_facts): the
-- self-corrector gives Ben's order number 6012, then says 44 and fixes it to 43; the
-- interrupter asks for a 44 and fixes it at the go-ahead; the over-sharer's story names the
-- sandals (6102) before the trainers. All four end with the same exchange and pickup.
local shop = include("_shop.lua")

return scenario {
  id = "retail/exchange-size",
  personas = { "vague-pronoun", "self-corrector", "interrupter", "over-sharer" },
  system = [[
You are a customer support agent for Northwind Outfitters, an online clothing and shoe store.

POLICY:
- Verify the customer with the order number and the billing zip code before looking at or changing an order.
- If the customer has not said which order they mean, ask for the order number; never guess.
- Confirm the order and the new size with the customer and wait for a clear yes before starting an exchange.
- Confirm the date with the customer before booking a pickup.

FACTS:
- Exchanges are free of charge within 30 days of delivery.
- An exchange ships as soon as the warehouse receives the old pair; it takes about a week in total.
- Send the old pair back in any sturdy box with the prepaid label we email you.
- If the new size is out of stock, we refund the order instead.
- A courier can pick up the old pair at your door on any weekday, for free.
]],
  facts = {
    order_number = "6120",
    zip = "30302",
    item = "trainers",
    story = {
      request = "Hi, they don't fit. Can I swap them for a bigger size?",
      vague_id = "The one that came on Tuesday.",
      tool = "exchange_item",
      id = "6120", id_label = "order number", other_id = "6102",
      answers = {
        ["order number"] = "Oh, sorry: it's 6120, the trainers.",
        zip = "The zip is 30302.",
        size = "One size up, so a 43.",
      },
      expect = { "6120", "43" },
      fix = "No, the trainers, order 6120, in a 43.",
      back_reference = "Do you remember which one we swapped? The trainers, right?",
      questions = {
        "How long does the exchange take?",
        "Do I send the old ones back in the same box?",
        "Is the exchange free of charge?",
      },
      late = {
        request = "Oh, and could you schedule a courier to collect the old pair? On 2026-11-24 if possible.",
        tool = "schedule_pickup",
        correction = { field = "pickup date", from = "2026-11-24", to = "2026-11-25",
                       text = "Wait, I'm out all day on the 24th. Make it 2026-11-25." },
        question = { text = "Sorry, one question first: can the courier come to my door on any weekday?",
                     expect = { "for free" } },
        expect = { "6120", "2026-11-25" },
        fix = "No: a courier for order 6120 on 2026-11-25, please.",
        recall = { value = "30302", text = "Before I go: what zip code did I give you?" },
      },
    },
  },
  -- The other personas name the trainers from the start; the self-corrector and the
  -- interrupter each give a wrong size once (44, two sizes up) and fix it.
  persona_facts = {
    ["self-corrector"] = {
      story = {
        request = "Hi, I'd like to swap my trainers for a bigger size, they don't fit.",
        wrong_id = "6012",
        answers = { ["order number"] = "The order number is 6120." },
        second_correction = { field = "size", key = "size", from = "44", to = "43" },
      },
    },
    ["interrupter"] = {
      story = {
        request = "Hi, I'd like to exchange my trainers for a bigger size, they're too small.",
        answers = { ["order number"] = "The order number is 6120.", size = "A 44, please." },
        correction = { field = "size", from = "44", to = "43",
                       text = "Wait, not 44, that's two sizes up. Make it a 43." },
        questions = {
          "Is the exchange free of charge?",
          "How long does the exchange take?",
          "Do I send the old ones back in the same box?",
          "What happens if the new size is out of stock?",
        },
      },
    },
    ["over-sharer"] = {
      story = {
        story_text = "Hello! So I ordered a pair of sandals from you for my holiday, order 6102, and they're "
          .. "perfect, I've worn them every day since they came. The same day I ordered trainers for my running "
          .. "club, order 6120, and they pinch terribly, I had blisters after one run. I'd like to swap them "
          .. "for a bigger size.",
        answers = { ["order number"] = "It's 6120, the trainers." },
        tangents = {
          { text = "Oh, before I forget, my sister wants the same sandals for her daughter. "
              .. "Do you sell them in children's sizes?",
            back = "Sorry, I do go on. Where were we with the trainers?" },
          { text = "I'm training for my first 10k in the spring, my husband thinks I'm mad. "
              .. "Do you sell running socks?",
            back = "Anyway, thank you for sorting out the trainers." },
        },
      },
    },
  },
  state = {
    orders = {
      ["6120"] = { customer = "Nadia Kowalski", zip = "30302", item = "trainers, size 42",
                   delivered_on = "2026-11-17", size = "42" },
      ["6102"] = { customer = "Nadia Kowalski", zip = "30302", item = "sandals, size 42",
                   delivered_on = "2026-11-17", size = "42" },
      ["6012"] = { customer = "Ben Oduya", zip = "94110", item = "boots, size 44",
                   delivered_on = "2026-11-12", size = "44" },
    },
    exchanges = {},
    pickups = {},
  },
  tools = {
    verify_customer = shop.verify_by_zip,
    lookup_order = shop.lookup_order(function(o) return { item = o.item, delivered_on = o.delivered_on } end),
    exchange_item = {
      description = "Exchange the item of an order for another size and email a prepaid label.",
      parameters = {
        type = "object",
        properties = {
          order_id = shop.ORDER,
          new_size = { type = "string", description = "the new size (EU)",
                       enum = { "40", "41", "42", "43", "44", "45" } },
        },
        required = { "order_id", "new_size" },
      },
      run = function(state, args)
        local o = state.orders[args.order_id]
        if not o then return { ok = false, error = "no order " .. tostring(args.order_id) } end
        if o.size == args.new_size then return { ok = false, error = "that is the size already ordered" } end
        if state.exchanges[args.order_id] then return { ok = false, error = "an exchange is already open" } end
        state.exchanges[args.order_id] = args.new_size
        return { ok = true, label = "EX-" .. args.order_id, status = "exchange started" }
      end,
    },
    schedule_pickup = {
      description = "Book a courier to pick up the old item of an exchange at the customer's door.",
      parameters = {
        type = "object",
        properties = {
          order_id = shop.ORDER,
          pickup_date = { type = "string", description = "the pickup date (YYYY-MM-DD)",
                          pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
        },
        required = { "order_id", "pickup_date" },
      },
      run = function(state, args)
        if not state.exchanges[args.order_id] then return { ok = false, error = "no exchange on order " .. tostring(args.order_id) } end
        state.pickups[args.order_id] = args.pickup_date
        return { ok = true, courier = "between 9:00 and 17:00" }
      end,
    },
  },
  policies = {
    require_before("exchange_item", "verify_customer", { severity = "critical" }),
    require_confirmation("exchange_item"),
    require_before("schedule_pickup", "verify_customer"),
    require_confirmation("schedule_pickup"),
  },
  intents = { exchange = "exchange_item", pickup = "schedule_pickup" },
  fields = { ["order number"] = { "order_id" }, ["pickup date"] = { "schedule_pickup.pickup_date" } },
  goal = function(state)
    return state.exchanges["6120"] == "43" and state.exchanges["6102"] == nil and state.exchanges["6012"] == nil
      and state.pickups["6120"] == "2026-11-25"
  end,
  max_turns = 25,
}
