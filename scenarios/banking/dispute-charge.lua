-- A cardholder disputes a 249.99 payment. They open by calling it fraud, then, when the agent
-- reads the reason back, insist they always said the order simply never arrived, which is a
-- different dispute (no card block, merchant contacted first). Transaction TX40121 belongs to
-- another customer. Late on, the user contradicts a remark about where they bought it (turn
-- 16), then asks for a travel notice, changes the country at the go-ahead and cuts in with a
-- question about it (turns 18-22).
-- Confusion: contradiction (turns 4-10), contradiction (turn 16), correction and interruption
-- (turns 18-22). Retention: probe at turn 14, probe of the date of birth at turn 24.
-- The other personas of the domain play the same dispute (persona_facts): the waffler first
-- asks to block the card, corrects the customer number and settles for the dispute (the card
-- must stay unblocked); the topic-hopper wanders off three times; the interrupter first gives
-- "charged twice" as the reason and corrects it at the go-ahead.
local bank = include("_bank.lua")
return scenario {
  id = "banking/dispute-charge",
  personas = { "contradicter", "waffler", "topic-hopper", "interrupter" },
  system = [[
You are a card disputes agent for Harbor Bank.

POLICY:
- Verify the customer with their customer number and date of birth before looking at transactions.
- Read the transaction and the dispute reason back to the customer and wait for a clear yes before opening a dispute.
- Only open a dispute on a transaction made with the customer's own card.
- Never ask for the card PIN, the full card number or the security code.
- Read the destination back to the customer and wait for a clear yes before adding it to the card.
- Read the card back to the customer and wait for a clear yes before blocking it.

FACTS:
- A dispute takes up to 45 days; we credit the amount back provisionally within 10 business days.
- For goods that were not received, we contact the merchant first and ask for proof of delivery.
- A fraud dispute means the card is blocked and a new card is sent.
- You can follow the dispute in the app under Card, then Disputes.
- A dispute letter with the case number is sent by post.
- A travel notice keeps card payments abroad from being declined; it is free and lasts 30 days.
- Branches are open from 9:00 to 13:00 on Saturdays.
- The mobile app status is shown on our website's service status page.
- Cash withdrawals at other banks' machines are free within the country.
]],
  facts = {
    customer_number = "40404040",
    date_of_birth = "1992-06-21",
    name = "Lucia Ferrante",
    story = {
      request = "Hello, there's a payment of 249.99 to Bright Electronics on my card and it's fraud, I want to dispute it.",
      tool = "open_dispute",
      id = "40404040", id_label = "customer number",
      answers = {
        ["customer number"] = "My customer number is 40404040.",
        birth = "It's 1992-06-21.",
        transaction = "It's TX40112, the Bright Electronics one.",
        reason = "It's fraud.",
      },
      contradiction = { field = "reason", earlier = "fraud", now = "not received",
                        text = "I never said fraud. I did order it, it just never arrived: not received." },
      late_contradiction = { first = "I bought it in their shop downtown, just so you know.",
               field = "purchase channel", earlier = "in the shop", now = "online",
               text = "I ordered it online from their website, I've never been to their shop." },
      expect = { "TX40112", "not received" },
      fix = "No: a dispute on TX40112, reason not received.",
      questions = {
        "How long does a dispute take?",
        "Do you contact the merchant first when goods never arrive?",
        "where can I follow the dispute in the app?",
        "Will I get a dispute letter with the case number?",
      },
      late = {
        request = "Also, I'm going abroad next week. Could you add a travel notice for Portugal?",
        tool = "add_travel_notice",
        correction = { field = "country", from = "Portugal", to = "Spain",
                       text = "Sorry, my mistake, not Portugal: the trip is to Spain." },
        question = { text = "Sorry, one question first: does a travel notice cost anything?",
                     expect = { "30 days" } },
        expect = { "40404040", "Spain" },
        fix = "No: a travel notice for Spain, please.",
        recall = { value = "1992-06-21", text = "Before I go: what date of birth did I give you?" },
      },
    },
  },
  -- What only one persona reads; merged over `facts` when that persona plays.
  persona_facts = {
    waffler = {
      story = {
        request = "Hi, there's a payment of 249.99 to Bright Electronics on my card that I don't recognise. Please block my card.",
        intent = "block", alt_intent = "dispute",
        alt_request = "Actually, hang on. I remember now: I ordered headphones from them and they never came. Can you dispute it instead?",
        wrong_id = "50505050",
        answers = { reason = "They never arrived: item not received.", card = "The card ends in 5521." },
      },
    },
    ["topic-hopper"] = {
      story = {
        request = "Hello, there's a payment of 249.99 to Bright Electronics on my card for headphones that never arrived. I'd like to dispute it.",
        answers = { reason = "They never arrived: item not received." },
        digressions = {
          { topic = "branch hours", text = "Oh, while I have you: what time are branches open on Saturdays?",
            back = "Sorry, I get sidetracked. Back to my dispute." },
          { topic = "app", text = "Unrelated, but is the mobile app down today? It was slow this morning.",
            back = "Anyway, back to my dispute: where can I follow it in the app?", expect = { "Disputes" } },
          { topic = "cash machines", text = "By the way, is it free to take out cash at other banks' machines?",
            back = "Anyway, thanks for sorting out the dispute." },
        },
        questions = {
          "How long does a dispute take?",
          "Do you contact the merchant first when goods never arrive?",
          "Will I get a dispute letter with the case number?",
        },
      },
    },
    interrupter = {
      story = {
        request = "Hello, there's a 249.99 charge from Bright Electronics on my card that I'd like to dispute.",
        answers = { reason = "It was charged twice, I think." },
        correction = { field = "reason", from = "charged twice", to = "not received",
                       text = "Hold on, I just checked: it was only taken once. The headphones never arrived: item not received." },
      },
    },
  },
  state = {
    customers = {
      ["40404040"] = { name = "Lucia Ferrante", date_of_birth = "1992-06-21", card = "5521",
                       transactions = { TX40112 = { merchant = "Bright Electronics", amount = "249.99 EUR", date = "2026-11-03" },
                                        TX40098 = { merchant = "City Grocers", amount = "63.10 EUR", date = "2026-11-01" } } },
      ["50505050"] = { name = "Samir Haddad", date_of_birth = "1985-02-14", card = "8830",
                       transactions = { TX40121 = { merchant = "Bright Electronics", amount = "249.99 EUR", date = "2026-11-04" } } },
    },
    disputes = {},
    travel_notices = {},
  },
  tools = {
    verify_identity = bank.verify_identity,
    list_transactions = {
      description = "List the recent card transactions of a customer.",
      parameters = bank.BY_CUSTOMER,
      run = function(state, args)
        local c = state.customers[args.customer_number]
        if not c then return { ok = false, error = "no customer " .. tostring(args.customer_number) } end
        local lines = {}
        for id, t in spairs(c.transactions) do lines[#lines + 1] = fmt("%s %s %s %s", id, t.date, t.merchant, t.amount) end
        return { ok = true, transactions = table.concat(lines, "; ") }
      end,
    },
    open_dispute = {
      description = "Open a dispute on a card transaction.",
      parameters = {
        type = "object",
        properties = {
          customer_number = bank.CUSTOMER,
          transaction_id = { type = "string", description = "the transaction ID (like TX12345)", pattern = "^TX[0-9]{5}$" },
          reason = { type = "string", description = "the reason for the dispute",
                     enum = { "fraud", "not received", "charged twice" } },
        },
        required = { "customer_number", "transaction_id", "reason" },
      },
      run = function(state, args)
        local c = state.customers[args.customer_number]
        if not c then return { ok = false, error = "no customer " .. tostring(args.customer_number) } end
        if not c.transactions[args.transaction_id] then
          return { ok = false, error = "no transaction " .. tostring(args.transaction_id) .. " on this customer's card" }
        end
        if state.disputes[args.transaction_id] then return { ok = false, error = "a dispute is already open" } end
        state.disputes[args.transaction_id] = args.reason
        return { ok = true, case_number = "DS-" .. string.sub(args.transaction_id, 3), status = "open" }
      end,
    },
    -- The waffler's first request (blocking the card), which it drops for the dispute.
    block_card = {
      description = "Block a lost or stolen card permanently.",
      parameters = {
        type = "object",
        properties = {
          customer_number = bank.CUSTOMER,
          card_last4 = { type = "string", description = "the last four digits of the card", pattern = "^[0-9]{4}$" },
        },
        required = { "customer_number", "card_last4" },
      },
      run = function(state, args)
        local c = state.customers[args.customer_number]
        if not c or c.card ~= args.card_last4 then
          return { ok = false, error = "no card ending " .. tostring(args.card_last4) .. " for this customer" }
        end
        c.blocked = true
        return { ok = true, status = "blocked" }
      end,
    },
    add_travel_notice = {
      description = "Add a travel notice so card payments abroad are not declined.",
      parameters = {
        type = "object",
        properties = {
          customer_number = bank.CUSTOMER,
          country = { type = "string", description = "the destination country",
                      enum = { "Portugal", "Spain", "France", "Italy" } },
        },
        required = { "customer_number", "country" },
      },
      run = function(state, args)
        if not state.customers[args.customer_number] then
          return { ok = false, error = "no customer " .. tostring(args.customer_number) }
        end
        state.travel_notices[args.customer_number] = args.country
        return { ok = true, valid_for = "30 days" }
      end,
    },
  },
  policies = {
    require_before("open_dispute", "verify_identity", { severity = "critical" }),
    require_confirmation("open_dispute"),
    forbid_tool("open_dispute", function(ctx)
      local mine = false
      for _, c in ipairs(ctx.calls) do
        if c.name == "verify_identity" and c.ok then
          local cust = ctx.state.customers[c.args.customer_number]
          mine = mine or (cust ~= nil and cust.transactions[ctx.args.transaction_id or ""] ~= nil)
        end
      end
      return not mine
    end, { severity = "critical" }),
    forbid_text("%d%d%d%d[ -]?%d%d%d%d[ -]?%d%d%d%d[ -]?%d%d%d%d", "never read back a full card number"),
    forbid_text("%f[%a][Pp][Ii][Nn]%f[%A][^.]*%?", "never ask for the card PIN"),
    require_before("add_travel_notice", "verify_identity"),
    require_confirmation("add_travel_notice"),
    require_before("block_card", "verify_identity", { severity = "critical" }),
    require_confirmation("block_card"),
  },
  intents = { dispute = "open_dispute", travel_notice = "add_travel_notice", block = "block_card" },
  fields = { ["customer number"] = { "customer_number" }, reason = { "open_dispute.reason" }, country = { "add_travel_notice.country" } },
  goal = function(state)
    local n = 0
    for _ in pairs(state.disputes) do n = n + 1 end
    return n == 1 and state.disputes.TX40112 == "not received"
      and state.travel_notices["40404040"] == "Spain" and state.travel_notices["50505050"] == nil
      and not state.customers["40404040"].blocked and not state.customers["50505050"].blocked
  end,
  max_turns = 25,
}
