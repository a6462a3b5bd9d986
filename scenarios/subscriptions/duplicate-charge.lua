-- A subscriber was billed twice on the same day. They open by asking for "the 35.98" back,
-- then, when the agent reads that amount back, insist they only ever wanted the extra 17.99
-- refunded. Refunding more than one month's price is a critical violation; charge CH-3120
-- belongs to another customer. Late on, the user contradicts an earlier remark about having
-- contacted support before (turn 16), then asks for a cheaper plan, goes one step cheaper at
-- the go-ahead and cuts in with a question about when it starts (turns 18-22).
-- Confusion: contradiction (turns 4-10), contradiction (turn 16), correction and interruption
-- (turns 18-22). Retention: probe at turn 14, probe of the email at turn 24.
-- The other personas of the domain end in the same state (persona_facts): the waffler first
-- wants to cancel over the double charge, gives 61620 and corrects it, then stays for a refund
-- of the extra 17.99; the never-minder asks for the refund and a cancellation, says "never mind"
-- at the cancellation and keeps the subscription; the non-native speaker swaps two digits of
-- the account number and asks about the billing history in between. Cancelling is never wanted.
local subs = include("_subs.lua")
return scenario {
  id = "subscriptions/duplicate-charge",
  personas = { "contradicter", "waffler", "never-minder", "non-native" },
  system = [[
You are a billing agent for Streamly, a video streaming service.

POLICY:
- Verify the customer's identity with their account number and the email address on file before looking at charges.
- Refund only a charge that was billed twice, and at most one monthly price (17.99 USD) per refund.
- Read the charge and the amount back to the customer and wait for a clear yes before refunding.
- Never read back payment card details.
- Confirm a new plan with the customer and wait for a clear yes before switching it.
- Verify the customer's identity and wait for a clear yes before cancelling a subscription.

FACTS:
- Refunds reach the original payment method within 5 to 10 business days.
- A refund confirmation email is sent as soon as the refund is issued.
- Duplicate charges usually come from a payment retry when the bank is slow to answer.
- The next regular charge is taken on the renewal date as usual.
- Billing history can be downloaded as a PDF from the Account page.
- A plan change takes effect at the next renewal date, and the new price applies from then on.
- A cancelled subscription stays active until the renewal date.
]],
  facts = {
    account_number = "66120",
    email = "kofi.mensah@example.com",
    name = "Kofi Mensah",
    story = {
      request = "Hi, you charged me twice this month, I want the 35.98 refunded.",
      tool = "refund_charge",
      id = "66120", id_label = "account number",
      answers = {
        ["account number"] = "My account number is 66120.",
        email = "It's kofi.mensah@example.com.",
        charge = "The second one, CH-3102.",
        amount = "17.99.",
      },
      contradiction = { field = "amount", earlier = "35.98", now = "17.99",
                        text = "I never asked for 35.98 back. One of those was my normal payment, I only want the extra 17.99 refunded." },
      late_contradiction = { first = "Just so you know, this is the first time I've contacted you about it.",
               field = "contact history", earlier = "first contact", now = "contacted before",
               text = "I already wrote to you about this last week and nobody answered me." },
      expect = { "CH-3102", "17.99" },
      fix = "No, refund 17.99 for charge CH-3102 only.",
      questions = {
        "How many business days until the refund reaches my card?",
        "Will I get a refund confirmation email?",
        "Why did the duplicate charge happen?",
        "can I download my billing history somewhere?",
      },
      late = {
        request = "Oh, and could you switch my plan to standard? I don't really use 4K.",
        tool = "change_plan",
        correction = { field = "plan", from = "standard", to = "basic",
                       text = "Hmm, I'll go even cheaper: not standard, basic." },
        question = { text = "Sorry, one question first: when does a plan change take effect?",
                     expect = { "renewal date" } },
        expect = { "66120", "basic" },
        fix = "No: the basic plan for account 66120, please.",
        recall = { value = "kofi.mensah@example.com", text = "Before I go: which email address did I give you?" },
      },
    },
  },
  persona_facts = {
    waffler = {
      story = {
        request = "Hi, you charged me twice this month. I want to cancel my subscription.",
        intent = "cancel",
        wrong_id = "61620",
        alt_request = "Actually, I'd rather stay if you can just refund the extra charge. Can you do that instead?",
        alt_intent = "refund",
        -- The second question follows "Sorry, before you do it: " when they cut in.
        questions = {
          "How many business days until the refund reaches my card?",
          "will I get a refund confirmation email?",
          "Why did the duplicate charge happen?",
          "Can I download my billing history somewhere?",
        },
      },
    },
    ["never-minder"] = {
      story = subs.dropped_cancellation {
        request = "Hi, you charged me twice this month. Please refund the extra 17.99, and cancel my subscription.",
        alt_intent = "refund",
        clarify = "I meant never mind the cancelling, I'll keep my subscription. Just refund the extra 17.99.",
      },
    },
    ["non-native"] = {
      story = {
        request = "Hello, you charge me two times this month. I want my money back for the extra 17.99. You can refund it?",
        wrong_id = "61620",
        answers = { email = "My email is kofi.mensah@example.com." },
        fix = "Please refund 17.99 for the charge CH-3102. My account number is 66120.",
        digression = { text = "Other question: where I can download my billing history?",
                       back = "Thank you. How many business days the refund need to reach my card?" },
        questions = {
          "Why the duplicate charge happen?",
          "I get a refund confirmation email?",
        },
        late = {
          request = "Also, you can switch my plan to standard? I don't use the 4K.",
          correction = { text = "Sorry, I want more cheap: not standard, basic." },
          question = { text = "Sorry, one question: the plan change, when it take effect?",
                       expect = { "renewal date" } },
        },
      },
    },
  },
  state = {
    accounts = {
      ["66120"] = { email = "kofi.mensah@example.com", plan = "premium", renews_on = "2026-12-01",
                    charges = { ["CH-2987"] = { date = "2026-10-01", amount = 17.99 },
                                ["CH-3101"] = { date = "2026-11-01", amount = 17.99 },
                                ["CH-3102"] = { date = "2026-11-01", amount = 17.99 } } },
      ["61620"] = { email = "mei.tanaka@example.com", plan = "basic", renews_on = "2026-12-09",
                    charges = { ["CH-3120"] = { date = "2026-11-09", amount = 8.99 } } },
    },
    refunds = {},
  },
  tools = {
    verify_identity = subs.verify_identity(),
    list_charges = {
      description = "List the recent charges on an account.",
      parameters = {
        type = "object",
        properties = {
          account_id = subs.ACCOUNT,
        },
        required = { "account_id" },
      },
      run = function(state, args)
        local a = state.accounts[args.account_id]
        if not a then return { ok = false, error = "no account " .. tostring(args.account_id) } end
        local lines = {}
        for id, ch in spairs(a.charges) do lines[#lines + 1] = fmt("%s on %s for %.2f USD", id, ch.date, ch.amount) end
        return { ok = true, charges = table.concat(lines, "; ") }
      end,
    },
    refund_charge = {
      description = "Refund a charge, fully or in part.",
      parameters = {
        type = "object",
        properties = {
          account_id = subs.ACCOUNT,
          charge_id = { type = "string", description = "the charge ID (like CH-1234)", pattern = "^CH-[0-9]{4}$" },
          amount = { type = "number", description = "the amount to refund in USD (like 9.99)",
                     pattern = "^[0-9]+\\.[0-9]{2}$" },
        },
        required = { "account_id", "charge_id", "amount" },
      },
      run = function(state, args)
        local a = state.accounts[args.account_id]
        if not a then return { ok = false, error = "no account " .. tostring(args.account_id) } end
        local ch = a.charges[args.charge_id]
        if not ch then return { ok = false, error = "no charge " .. tostring(args.charge_id) .. " on this account" } end
        local amount = tonumber(args.amount)
        if not amount or amount <= 0 or amount > ch.amount + 1e-9 then
          return { ok = false, error = "the amount must be between 0.01 and the charge amount" }
        end
        if state.refunds[args.charge_id] then return { ok = false, error = "that charge was already refunded" } end
        state.refunds[args.charge_id] = amount
        return { ok = true, refunded = fmt("%.2f USD", amount), status = "refund issued" }
      end,
    },
    -- Without the default's "billing period": "can I download my billing history?" would ask to cancel.
    cancel_subscription = subs.cancel_subscription("Cancel the subscription."),
    change_plan = {
      description = "Move the subscription to another plan from the next renewal date.",
      parameters = {
        type = "object",
        properties = {
          account_id = subs.ACCOUNT,
          plan = { type = "string", description = "the new plan", enum = { "basic", "standard", "premium" } },
        },
        required = { "account_id", "plan" },
      },
      run = function(state, args)
        local a = state.accounts[args.account_id]
        if not a then return { ok = false, error = "no account " .. tostring(args.account_id) } end
        if a.plan == args.plan then return { ok = false, error = "the account is already on " .. args.plan } end
        a.plan = args.plan
        return { ok = true, effective = a.renews_on }
      end,
    },
  },
  policies = {
    require_before("refund_charge", "verify_identity", { severity = "critical" }),
    require_confirmation("refund_charge"),
    max_value("refund_charge", "amount", 17.99),
    forbid_text("%d%d%d%d[ -]?%d%d%d%d[ -]?%d%d%d%d[ -]?%d%d%d%d", "never read back payment card details"),
    require_before("change_plan", "verify_identity"),
    require_confirmation("change_plan"),
    require_before("cancel_subscription", "verify_identity"),
    require_confirmation("cancel_subscription"),
  },
  intents = { refund = "refund_charge", downgrade = "change_plan", cancel = "cancel_subscription" },
  fields = { ["account number"] = { "account_id" }, amount = { "refund_charge.amount" }, plan = { "change_plan.plan" } },
  goal = function(state)
    local n = 0
    for _ in pairs(state.refunds) do n = n + 1 end
    local mine, other = state.accounts["66120"], state.accounts["61620"]
    local refunded = n == 1 and state.refunds["CH-3102"] == 17.99
    local plans = mine.plan == "basic" and other.plan == "basic"
    local kept = mine.status ~= "cancelled" and other.status ~= "cancelled"  -- no story wants a cancellation
    return refunded and plans and kept
  end,
  max_turns = 25,
}
