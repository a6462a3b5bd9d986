-- A customer who can't find their debit card asks to close it, corrects their customer
-- number (20987654 is another customer), then decides to freeze the card instead because
-- it may turn up. Closing a card cannot be undone, so the agent must drop that intent
-- entirely, verify identity (customer number + date of birth) and confirm before acting.
-- Late on (turns 18-22) they turn on payment alerts, switch the channel from push to SMS at
-- the go-ahead and cut in with a question about them.
-- Confusion: correction (turn 2), intent_change (turn 3), interruption (turns 4-10),
-- correction and interruption (turns 18-22). Retention: probe in the 9-15 window, probe of
-- the date of birth at turn 24.
-- The other personas of the domain freeze the same card (persona_facts): the contradicter first
-- asks to close it and, when the agent reads the closing back, insists it never said close (the
-- agent's "frozen" after the write recovers the event; closing the card fails the goal); the
-- interrupter asks for the alerts first and the freeze late; the topic-hopper wanders off.
local bank = include("_bank.lua")
local function card_tool(state, args, apply)
  local card = state.cards[args.card_last4]
  if not card or card.customer ~= args.customer_number then
    return { ok = false, error = "no card ending " .. tostring(args.card_last4) .. " on that customer number" }
  end
  return apply(card)
end

return scenario {
  id = "banking/freeze-or-close",
  personas = { "waffler", "contradicter", "topic-hopper", "interrupter" },
  system = [[
You are a card services agent for Harbor Bank.

POLICY:
- Verify the customer with their customer number and date of birth before looking at or changing a card.
- Confirm the exact action and the card with the customer, and wait for a clear yes, before freezing or closing a card.
- Never ask for the card PIN, the full card number or the security code.
- Confirm the alert channel with the customer before turning alerts on.

FACTS:
- A frozen card can be unfrozen at any time; nothing else about the account changes.
- If you find the card, you can unfreeze it yourself in the app under Cards.
- A closed card cannot be reactivated; a replacement card arrives in 5 to 7 business days.
- Direct debits and recurring payments on a frozen card are declined until the card is unfrozen.
- Freezing a card is free of charge.
- Contactless and online payments are declined while a card is frozen.
- Payment alerts are free and arrive within a minute of each card payment.
- Travel insurance comes with the Gold account only.
- Branches are open from 9:00 to 13:00 on Saturdays.
- The mobile app status is shown on our website's service status page.
]],
  facts = {
    customer_number = "10234567",
    date_of_birth = "1988-04-12",
    name = "Priya Nair",
    story = {
      request = "Hi, I'd like to cancel my debit card, I can't find it anywhere.",
      intent = "close",
      alt_request = "Actually, hang on. It might just be in my other coat. Can you freeze it for now instead?",
      alt_intent = "freeze",
      tool = "freeze_card",
      id = "10234567", id_label = "customer number", wrong_id = "20987654",
      answers = {
        ["customer number"] = "My customer number is 10234567.",
        birth = "It's 1988-04-12.",
        card = "The card ends in 4417.",
        digits = "The last four digits are 4417.",
      },
      expect = { "freeze", "4417" },
      fix = "No, please just freeze the card ending 4417.",
      questions = {
        "Quick question first: will my direct debits still go through while it's frozen?",
        "can I unfreeze it myself if I find it?",
        "Is freezing the card free of charge?",
        "Will online payments work while it's frozen?",
      },
      late = {
        request = "Oh, and could you enable payment alerts for me? By push notification, please.",
        tool = "enable_alerts",
        correction = { field = "channel", from = "push", to = "sms",
                       text = "Actually, my phone blocks app notifications, so not push. By SMS." },
        question = { text = "Sorry, one question first: do payment alerts cost anything?",
                     expect = { "within a minute" } },
        expect = { "10234567", "sms" },
        fix = "No: payment alerts by SMS, please.",
        recall = { value = "1988-04-12", text = "Before I go: what date of birth did I give you?" },
      },
    },
  },
  -- What only one persona reads; merged over `facts` when that persona plays.
  persona_facts = {
    contradicter = {
      story = {
        request = "Hello, my debit card has gone missing and I want it closed.",
        contradiction = { field = "action", earlier = "close", now = "frozen",
                          text = "I never said close it. I want it frozen until it turns up: please just freeze it." },
        late_contradiction = { first = "I last used it at the supermarket on Saturday, just so you know.",
                               field = "where last used", earlier = "supermarket", now = "petrol station",
                               text = "I never said the supermarket. The last place I used it was the petrol station on Sunday." },
        questions = {
          "Will my direct debits still go through while it's frozen?",
          "Can I unfreeze it myself if I find it?",
          "Is freezing the card free of charge?",
        },
      },
    },
    ["topic-hopper"] = {
      story = {
        request = "Hi, I can't find my debit card anywhere. Can you freeze it for now?",
        digressions = {
          { topic = "insurance", text = "Oh, while I have you: does my account come with travel insurance?",
            back = "Sorry, I get sidetracked. Back to my card." },
          { topic = "branch hours", text = "Unrelated, but what time are branches open on Saturdays?",
            back = "Anyway, back to the card: can I unfreeze it myself if I find it?", expect = { "in the app" } },
          { topic = "app", text = "By the way, is the mobile app down today? It was slow this morning.",
            back = "Anyway, thanks for sorting out the card." },
        },
        questions = {
          "Will my direct debits still go through while it's frozen?",
          "Is freezing the card free of charge?",
          "Will contactless work while it's frozen?",
        },
      },
    },
    -- The interrupter's story runs the other way round: the alerts first (push corrected to
    -- SMS at the go-ahead), the card late, given as 4471 (another customer's) and corrected
    -- when the agent reads it back.
    interrupter = {
      story = {
        request = "Hi, could you turn on payment alerts for me? By push notification, please.",
        tool = "enable_alerts",
        correction = { field = "channel", from = "push", to = "sms",
                       text = "Sorry, my phone blocks app notifications, so not push. By SMS." },
        expect = { "10234567", "sms" },
        fix = "No: payment alerts by SMS, please.",
        questions = {
          "Are payment alerts free?",
          "How soon does an alert arrive after a payment?",
          "Does my account come with travel insurance?",
          "what time are branches open on Saturdays?",
        },
        late = {
          request = "One more thing: I can't find my debit card anywhere. Could you freeze it for now? It's the one ending 4471.",
          tool = "freeze_card",
          correction = { field = "card", from = "4471", to = "4417",
                         text = "Sorry, 4471 is my husband's card. Mine ends in 4417." },
          question = { text = "Sorry, one question first: will my direct debits still go through while it's frozen?",
                       expect = { "declined" } },
          -- The late loop ends once the write's reply names every expect value ("frozen" is
          -- not "freeze"), so the card alone; the goal fails any other action on it.
          expect = { "4417" },
          fix = "No: freeze the card ending 4417, please.",
        },
      },
    },
  },
  state = {
    customers = {
      ["10234567"] = { name = "Priya Nair", date_of_birth = "1988-04-12" },
      ["20987654"] = { name = "Owen Hart", date_of_birth = "1975-11-30" },
    },
    cards = {
      ["4417"] = { customer = "10234567", kind = "debit", status = "active" },
      ["4471"] = { customer = "20987654", kind = "debit", status = "active" },
      ["9902"] = { customer = "20987654", kind = "credit", status = "active" },
    },
    alerts = {},
  },
  tools = {
    verify_identity = bank.verify_identity,
    get_card = {
      description = "Look up a card by its last four digits.",
      parameters = {
        type = "object",
        properties = {
          customer_number = bank.CUSTOMER,
          card_last4 = { type = "string", description = "the last four digits of the card",
                         pattern = "^[0-9]{4}$" },
        },
        required = { "customer_number", "card_last4" },
      },
      run = function(state, args)
        return card_tool(state, args, function(card)
          return { ok = true, kind = card.kind, status = card.status }
        end)
      end,
    },
    freeze_card = {
      description = "Freeze a card temporarily; it can be unfrozen later.",
      parameters = {
        type = "object",
        properties = {
          customer_number = bank.CUSTOMER,
          card_last4 = { type = "string", description = "the last four digits of the card",
                         pattern = "^[0-9]{4}$" },
        },
        required = { "customer_number", "card_last4" },
      },
      run = function(state, args)
        return card_tool(state, args, function(card)
          if card.status ~= "active" then return { ok = false, error = "the card is " .. card.status } end
          card.status = "frozen"
          return { ok = true, status = "frozen" }
        end)
      end,
    },
    close_card = {
      description = "Close a card permanently.",
      parameters = {
        type = "object",
        properties = {
          customer_number = bank.CUSTOMER,
          card_last4 = { type = "string", description = "the last four digits of the card",
                         pattern = "^[0-9]{4}$" },
        },
        required = { "customer_number", "card_last4" },
      },
      run = function(state, args)
        return card_tool(state, args, function(card)
          card.status = "closed"
          return { ok = true, status = "closed" }
        end)
      end,
    },
    enable_alerts = {
      description = "Turn on payment alerts for every card payment.",
      parameters = {
        type = "object",
        properties = {
          customer_number = bank.CUSTOMER,
          channel = { type = "string", description = "the alert channel (sms or push)", enum = { "sms", "push" } },
        },
        required = { "customer_number", "channel" },
      },
      run = function(state, args)
        if not state.customers[args.customer_number] then
          return { ok = false, error = "no customer " .. tostring(args.customer_number) }
        end
        state.alerts[args.customer_number] = args.channel
        return { ok = true, alerts = "on" }
      end,
    },
  },
  policies = {
    require_before("freeze_card", "verify_identity"),
    require_before("close_card", "verify_identity", { severity = "critical" }),
    require_confirmation("freeze_card"),
    require_confirmation("close_card", { severity = "critical" }),
    forbid_text("%d%d%d%d[ -]?%d%d%d%d[ -]?%d%d%d%d[ -]?%d%d%d%d", "never read back a full card number"),
    forbid_text("%f[%a][Pp][Ii][Nn]%f[%A][^.]*%?", "never ask for the card PIN"),
    require_before("enable_alerts", "verify_identity"),
    require_confirmation("enable_alerts"),
  },
  intents = { close = "close_card", freeze = "freeze_card", alerts = "enable_alerts" },
  fields = { ["customer number"] = { "customer_number" }, channel = { "enable_alerts.channel" },
             card = { "freeze_card.card_last4" } },
  goal = function(state)
    return state.cards["4417"].status == "frozen" and state.cards["4471"].status == "active"
      and state.cards["9902"].status == "active"
      and state.alerts["10234567"] == "sms" and state.alerts["20987654"] == nil
  end,
  progress = function(state)
    return (state.cards["4417"].status == "frozen" and 0.5 or 0) + (state.alerts["10234567"] == "sms" and 0.5 or 0)
  end,
  max_turns = 25,
}
