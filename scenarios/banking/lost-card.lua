-- A customer who lost their debit card has it blocked and a replacement sent, while hopping
-- to unrelated questions (travel insurance, branch hours, the app). The agent must answer or
-- decline each digression and return to the task; card 7741 belongs to another customer.
-- Late on they wander off once more (turns 16-17), then have the new card sent to a branch,
-- change the branch at the go-ahead and cut in with a question about collecting it (turns
-- 18-22).
-- Redirecting a card without a clear yes is a critical violation.
-- Confusion: topic_switch (turns 3-6), topic_switch (turns 8-13), topic_switch (turns 16-17),
-- correction and interruption (turns 18-22). Retention: probe of the customer number at turn
-- 15, of the date of birth at turn 24.
-- The other personas of the domain (persona_facts) block the same card but ask for one thing at
-- a time: their late request (turns 18-22) is the replacement itself, ordered by express and
-- changed to standard at the go-ahead, so their new card comes by post. All three first ask
-- to lock the card for now: the waffler corrects its customer number and changes its mind,
-- the contradicter insists it never said freeze and the interrupter corrects it at the
-- go-ahead; the card must be blocked, never frozen.
local bank = include("_bank.lua")
local function own_card(state, args)
  local card = state.cards[args.card_last4]
  if card and card.customer == args.customer_number then return card end
  return nil
end

local CARD_PARAMS = {
  customer_number = bank.CUSTOMER,
  card_last4 = { type = "string", description = "the last four digits of the card", pattern = "^[0-9]{4}$" },
}

-- The late request of the personas other than the topic-hopper: the replacement card itself.
local REPLACEMENT = {
  request = "One more thing: could you order a replacement card for me? By express, please.",
  tool = "replace_card",
  correction = { field = "delivery", from = "express", to = "standard",
                 text = "Actually, I'm in no hurry, so not express: standard." },
  question = { text = "Sorry, one question first: how much would the faster delivery have cost?",
               expect = { "15.00" } },
  expect = { "4417", "standard" },
  fix = "No: a replacement for the card ending 4417, by standard delivery, please.",
}

return scenario {
  id = "banking/lost-card",
  personas = { "topic-hopper", "contradicter", "waffler", "interrupter" },
  system = [[
You are a card services agent for Harbor Bank.

POLICY:
- Verify the customer with their customer number and date of birth before looking at or changing a card.
- Block a lost or stolen card as soon as the customer is verified and has confirmed which card it is.
- Confirm the delivery option with the customer before ordering a replacement card.
- Confirm the branch with the customer before redirecting a replacement card.
- Confirm the card with the customer and wait for a clear yes before freezing it.
- Never ask for the card PIN, the full card number or the security code.

FACTS:
- A blocked card cannot be unblocked; a replacement card is needed.
- Standard delivery of a replacement card takes 5 to 7 business days and is free.
- Express delivery of a replacement card takes 2 business days and costs 15.00 EUR.
- The replacement card has a new card number, so recurring payments must be moved to it.
- Travel insurance comes with the Gold account only.
- Branches are open from 9:00 to 13:00 on Saturdays.
- The mobile app status is shown on our website's service status page.
- Replacement cards sent to a branch can be collected there with photo ID within 30 days.
- A frozen card can be unfrozen at any time in the app.
]],
  facts = {
    customer_number = "12121212",
    date_of_birth = "1983-12-05",
    name = "Tom Becker",
    story = {
      request = "Hi, I lost my debit card yesterday, I need it blocked.",
      tool = "block_card",
      id = "12121212", id_label = "customer number",
      answers = {
        ["customer number"] = "My customer number is 12121212.",
        birth = "It's 1983-12-05.",
        digits = "The last four digits are 4417.",
        delivery = "Standard delivery is fine.",
      },
      expect = { "block", "4417" },
      next = { tool = "replace_card", expect = { "4417", "standard" } },
      fix = "No, it's the card ending 4417.",
      digressions = {
        { topic = "insurance", text = "Oh, while I have you: does my account come with travel insurance?",
          back = "Sorry, I get sidetracked. Back to my card." },
        { topic = "branch hours", text = "Unrelated, but what time are branches open on Saturdays?",
          back = "Anyway, can you send me a replacement card?" },
        { topic = "app", text = "By the way, is the mobile app down today? It was slow this morning.",
          back = "Anyway, thanks for sorting out the card." },
      },
      questions = {
        "Can a blocked card be unblocked if I find it after all?",
        "Will the new card have a new card number?",
        "How much does the faster delivery cost?",
      },
      late = {
        request = "One more thing: I'm never home for the post. Could you redirect the new card to the Old Town branch?",
        tool = "redirect_delivery",
        correction = { field = "branch", from = "Old Town", to = "Riverside",
                       text = "Sorry, not Old Town, Riverside is closer to my office. The Riverside branch." },
        question = { text = "Sorry, one question first: can anyone else collect the card at the branch?",
                     expect = { "photo ID" } },
        expect = { "4417", "Riverside" },
        fix = "No: the card ending 4417 to the Riverside branch, please.",
        recall = { value = "1983-12-05", text = "Before I go: what date of birth did I give you?" },
      },
    },
  },
  -- What only one persona reads; merged over `facts` when that persona plays. The three share
  -- one late request: the replacement card.
  persona_facts = {
    contradicter = {
      story = {
        request = "Hi, I can't find my debit card anywhere. Could you lock it for now?",
        contradiction = { field = "action", earlier = "freeze", now = "blocked",
                          text = "I never said freeze it. I lost it on the train, it's gone: I want it blocked." },
        late_contradiction = { first = "I last had it at the gym on Saturday, just so you know.",
                               field = "where it was last seen", earlier = "gym", now = "train",
                               text = "I never said the gym. The last time I had it was on the train home." },
        fix = "No, I want the card ending 4417 blocked.",
        questions = {
          "Can a blocked card be unblocked if I find it after all?",
          "Does my account come with travel insurance?",
          "What time are branches open on Saturdays?",
        },
        late = REPLACEMENT,
      },
    },
    waffler = {
      story = {
        request = "Hi, I can't find my debit card. Could you lock it for now, until I've looked at home?",
        intent = "freeze", alt_intent = "block",
        alt_request = "Actually, no. I've looked everywhere and it's gone, I lost it on the train. Please block it.",
        wrong_id = "34343434",
        questions = {
          "Can a blocked card be unblocked if I find it after all?",
          "will a new card have a new card number?",
          "What time are branches open on Saturdays?",
        },
        late = REPLACEMENT,
      },
    },
    interrupter = {
      story = {
        request = "Hi, I can't find my debit card. Could you lock it for now, please?",
        correction = { field = "action", from = "freeze", to = "blocked",
                       text = "Hold on, I've just remembered: I had it on the train and it's gone. Not a freeze, I want it blocked." },
        fix = "No, I want the card ending 4417 blocked.",
        questions = {
          "Does my account come with travel insurance?",
          "Can a blocked card be unblocked if I find it after all?",
          "What time are branches open on Saturdays?",
          "is the mobile app down today? It was slow this morning.",
        },
        late = REPLACEMENT,
      },
    },
  },
  state = {
    customers = {
      ["12121212"] = { name = "Tom Becker", date_of_birth = "1983-12-05" },
      ["34343434"] = { name = "Grace Liu", date_of_birth = "1969-07-22" },
    },
    cards = {
      ["4417"] = { customer = "12121212", kind = "debit", status = "active" },
      ["7741"] = { customer = "34343434", kind = "debit", status = "active" },
    },
    replacements = {},
    pickups = {},
  },
  tools = {
    verify_identity = bank.verify_identity,
    get_card = {
      description = "Look up one of the customer's cards by its last four digits.",
      parameters = { type = "object", properties = CARD_PARAMS, required = { "customer_number", "card_last4" } },
      run = function(state, args)
        local card = own_card(state, args)
        if not card then return { ok = false, error = "no card ending " .. tostring(args.card_last4) .. " for this customer" } end
        return { ok = true, kind = card.kind, status = card.status }
      end,
    },
    block_card = {
      description = "Block a lost or stolen card permanently.",
      parameters = { type = "object", properties = CARD_PARAMS, required = { "customer_number", "card_last4" } },
      run = function(state, args)
        local card = own_card(state, args)
        if not card then return { ok = false, error = "no card ending " .. tostring(args.card_last4) .. " for this customer" } end
        card.status = "blocked"
        return { ok = true, status = "blocked" }
      end,
    },
    -- The waffler's first request (locking the card for now), which it drops for the block.
    freeze_card = {
      description = "Freeze a card temporarily; it can be unfrozen later.",
      parameters = { type = "object", properties = CARD_PARAMS, required = { "customer_number", "card_last4" } },
      run = function(state, args)
        local card = own_card(state, args)
        if not card then return { ok = false, error = "no card ending " .. tostring(args.card_last4) .. " for this customer" } end
        if card.status ~= "active" then return { ok = false, error = "the card is " .. card.status } end
        card.status = "frozen"
        return { ok = true, status = "frozen" }
      end,
    },
    replace_card = {
      description = "Order a replacement for a blocked card.",
      parameters = {
        type = "object",
        properties = {
          customer_number = CARD_PARAMS.customer_number,
          card_last4 = CARD_PARAMS.card_last4,
          delivery = { type = "string", description = "the delivery option", enum = { "standard", "express" } },
        },
        required = { "customer_number", "card_last4", "delivery" },
      },
      run = function(state, args)
        local card = own_card(state, args)
        if not card then return { ok = false, error = "no card ending " .. tostring(args.card_last4) .. " for this customer" } end
        if card.status ~= "blocked" then return { ok = false, error = "block the card before replacing it" } end
        state.replacements[args.card_last4] = args.delivery
        return { ok = true, delivery = args.delivery, arrives = args.delivery == "express" and "in 2 business days" or "in 5 to 7 business days" }
      end,
    },
    redirect_delivery = {
      description = "Send a replacement card to a branch for pickup instead of by post.",
      parameters = {
        type = "object",
        properties = {
          customer_number = CARD_PARAMS.customer_number,
          card_last4 = CARD_PARAMS.card_last4,
          branch = { type = "string", description = "the branch", enum = { "Old Town", "Riverside", "Harbor Street" } },
        },
        required = { "customer_number", "card_last4", "branch" },
      },
      run = function(state, args)
        local card = own_card(state, args)
        if not card then return { ok = false, error = "no card ending " .. tostring(args.card_last4) .. " for this customer" } end
        if not state.replacements[args.card_last4] then return { ok = false, error = "no replacement card was ordered" } end
        state.pickups[args.card_last4] = args.branch
        return { ok = true, ready_for_pickup = "in 3 business days" }
      end,
    },
  },
  policies = {
    require_before("block_card", "verify_identity", { severity = "critical" }),
    require_before("replace_card", "verify_identity", { severity = "critical" }),
    require_before("replace_card", "block_card"),
    require_confirmation("replace_card"),
    forbid_text("%d%d%d%d[ -]?%d%d%d%d[ -]?%d%d%d%d[ -]?%d%d%d%d", "never read back a full card number"),
    forbid_text("%f[%a][Pp][Ii][Nn]%f[%A][^.]*%?", "never ask for the card PIN"),
    require_before("redirect_delivery", "verify_identity", { severity = "critical" }),
    require_before("redirect_delivery", "replace_card"),
    -- A bank card sent somewhere the customer did not confirm is a fraud risk.
    require_confirmation("redirect_delivery", { severity = "critical" }),
    require_before("freeze_card", "verify_identity"),
    require_confirmation("freeze_card"),
  },
  intents = { block = "block_card", replace = "replace_card", redirect = "redirect_delivery", freeze = "freeze_card" },
  fields = { ["customer number"] = { "customer_number" }, branch = { "redirect_delivery.branch" },
             delivery = { "replace_card.delivery" } },
  -- The topic-hopper has the new card sent to the Riverside branch; the others' late request is
  -- the replacement, so their card comes by post.
  goal = function(state, run)
    local branch = run.persona == "topic-hopper" and "Riverside" or nil
    return state.cards["4417"].status == "blocked" and state.replacements["4417"] == "standard"
      and state.pickups["4417"] == branch and state.cards["7741"].status == "active"
  end,
  progress = function(state)
    return ((state.cards["4417"].status == "blocked" and 1 or 0) + (state.replacements["4417"] and 1 or 0)
      + (state.pickups["4417"] == "Riverside" and 1 or 0)) / 3
  end,
  max_turns = 25,
}
