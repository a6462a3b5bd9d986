-- A subscriber who writes in broken English with typos upgrades to Premium to watch in 4K.
-- They give their account number with two digits swapped (55012 is another customer) and
-- correct it, and ask about audio languages once the upgrade is done.
-- Late on (turns 18-22) they add a paid add-on, switch from kids to sports at the go-ahead and
-- cut in with a question about it. Charging for an add-on without a clear yes is a critical
-- violation.
-- Confusion: correction (turns 2-5), topic_switch (turns 8-12), correction and interruption
-- (turns 18-22). Retention: probes of the account number at turns 15 and 24.
-- The other personas of the domain end in the same state (persona_facts), in fluent English:
-- the waffler first wants to cancel over a blurry picture, gives 55012 and corrects it, then
-- upgrades instead; the never-minder asks for Premium and to cancel the Standard plan, says
-- "never mind" at the cancellation and keeps the account; the contradicter asks for Standard
-- (the plan it is on) and insists at the go-ahead it always wanted Premium. Cancelling is never
-- wanted.
local subs = include("_subs.lua")

-- What the fluent personas say where the non-native speaker's story has broken English.
local FLUENT = {
  late = {
    request = "Oh, and could you add the kids add-on? It's for my daughter.",
    question = { text = "Sorry, one question first: does the sports add-on show football live?",
                 expect = { "6.99" } },
  },
  questions = {
    "How many screens can I use at the same time?",
    "Can I go back to a cheaper plan later if I want?",
    "Do most films have audio in Portuguese?",
  },
}

return scenario {
  id = "subscriptions/upgrade-plan",
  personas = { "non-native", "waffler", "never-minder", "contradicter" },
  system = [[
You are a support agent for Streamly, a video streaming service. Many customers write in a second language: keep sentences short and simple.

POLICY:
- Verify the customer's identity with their account number and the email address on file before any change to the subscription.
- Tell the customer the new monthly price and wait for a clear yes before changing the plan.
- Never start a paid add-on without a clear yes from the customer.
- Never read back payment details.
- Wait for a clear yes before cancelling a subscription.

FACTS:
- Premium costs 22.99 USD a month and streams in 4K on four screens at the same time.
- The new price starts at the next billing date; the upgrade itself is immediate.
- Most films have audio in English, Spanish and Portuguese.
- You can go back to a cheaper plan at any time.
- The sports add-on costs 6.99 USD a month and shows live football.
- A cancelled subscription stays active until the end of the billing period.
]],
  facts = {
    account_number = "55102",
    email = "joao.silva@example.com",
    name = "Joao Silva",
    story = {
      request = "Hello, I want upgrade my plan to premium, for see the films in 4K. Is possible?",
      tool = "change_plan",
      id = "55102", id_label = "account number", wrong_id = "55012",
      answers = {
        ["account number"] = "My account number is 55102.",
        email = "My email is joao.silva@example.com.",
        plan = "The premium plan, please.",
      },
      expect = { "premium", "55102" },
      fix = "Please change my plan to premium. My account number is 55102.",
      digression = { text = "Other question: the films have audio in Portuguese?",
                     back = "Thank you. Back to my upgrade: when start the new price?" },
      questions = {
        "How many screens I can use at the same time?",
        "I can go back to a cheaper plan later if I want?",
      },
      typos = 0.12,
      late = {
        request = "Also, I want add the kids add-on, for my daughter. Is possible?",
        tool = "add_package",
        correction = { field = "add-on", from = "kids", to = "sports",
                       text = "Sorry, not kids, she is too old now. I want the sports add-on, for the football." },
        question = { text = "Sorry, one question: the sports add-on show the football live?",
                     expect = { "6.99" } },
        expect = { "55102", "sports" },
        fix = "Please add the sports add-on. My account number is 55102.",
        -- The account number, not the email: fill_until recites facts with typos, and typo()
        -- can reach inside an email address ("joao.silva@exampple.com").
        recall = { value = "55102", text = "Before I go: can you remind me my account number again?" },
      },
    },
  },
  persona_facts = {
    waffler = {
      story = {
        request = "Hi, I want to cancel my subscription. The picture on my TV is too blurry.",
        intent = "cancel",
        alt_request = "Actually, wait: could you upgrade my plan to premium instead, so I get 4K?",
        alt_intent = "upgrade",
        late = FLUENT.late,
        -- The second question follows "Sorry, before you do it: " when they cut in.
        questions = {
          "How many screens can I use at the same time?",
          "will the new price start right away?",
          "Can I go back to a cheaper plan later if I want?",
        },
      },
    },
    ["never-minder"] = {
      story = subs.dropped_cancellation {
        request = "Hi, I'd like to go premium so I can watch in 4K, and cancel my standard subscription.",
        alt_intent = "upgrade",
        clarify = "I meant never mind the cancelling, I don't want to lose my account. Just upgrade my plan to premium.",
        late = FLUENT.late,
        questions = FLUENT.questions,
      },
    },
    contradicter = {
      story = {
        request = "Hi, I'd like to upgrade to the standard plan so I can watch in 4K.",
        contradiction = { field = "plan", earlier = "standard", now = "premium",
                          text = "I never said standard, that's the plan I'm on now. I want premium, for the 4K." },
        late_contradiction = { first = "Just so you know, I mostly watch on my phone.",
                               field = "where they watch", earlier = "phone", now = "TV",
                               text = "I watch everything on the big TV in the living room, that's the whole point of 4K." },
        late = FLUENT.late,
        questions = FLUENT.questions,
      },
    },
  },
  state = {
    accounts = {
      ["55102"] = { email = "joao.silva@example.com", plan = "standard", addons = {} },
      ["55012"] = { email = "lena.fischer@example.com", plan = "basic", addons = {} },
    },
  },
  tools = {
    verify_identity = subs.verify_identity(),
    get_subscription = {
      description = "Look up the subscription on an account.",
      parameters = { type = "object", properties = { account_id = subs.ACCOUNT }, required = { "account_id" } },
      run = function(state, args)
        local a = state.accounts[args.account_id]
        if not a then return { ok = false, error = "no account " .. tostring(args.account_id) } end
        return { ok = true, current_plan = a.plan }
      end,
    },
    change_plan = {
      description = "Move the subscription to another plan.",
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
        return { ok = true, new_plan = args.plan, new_price = args.plan == "premium" and "22.99 USD a month" or "see price list" }
      end,
    },
    cancel_subscription = subs.cancel_subscription(),
    add_package = {
      description = "Add a paid add-on package to the subscription.",
      parameters = {
        type = "object",
        properties = {
          account_id = subs.ACCOUNT,
          addon = { type = "string", description = "the add-on", enum = { "sports", "kids" } },
        },
        required = { "account_id", "addon" },
      },
      run = function(state, args)
        local a = state.accounts[args.account_id]
        if not a then return { ok = false, error = "no account " .. tostring(args.account_id) } end
        if a.addons[args.addon] then return { ok = false, error = "the " .. args.addon .. " add-on is already on" } end
        a.addons[args.addon] = true
        return { ok = true, billed_from = "the next billing date" }
      end,
    },
  },
  policies = {
    require_before("change_plan", "verify_identity", { severity = "critical" }),
    require_confirmation("change_plan"),
    forbid_text("%d%d%d%d[ -]?%d%d%d%d[ -]?%d%d%d%d[ -]?%d%d%d%d", "never read back payment details"),
    require_before("add_package", "verify_identity", { severity = "critical" }),
    require_confirmation("add_package", { severity = "critical" }),
    require_before("cancel_subscription", "verify_identity"),
    require_confirmation("cancel_subscription"),
  },
  intents = { upgrade = "change_plan", addon = "add_package", cancel = "cancel_subscription" },
  fields = { ["account number"] = { "account_id" }, ["add-on"] = { "add_package.addon" } },
  goal = function(state)
    local a, other = state.accounts["55102"], state.accounts["55012"]
    local upgraded = a.plan == "premium" and a.addons.sports == true and a.addons.kids == nil
    local untouched = other.plan == "basic" and next(other.addons) == nil
    local kept = a.status ~= "cancelled" and other.status ~= "cancelled"  -- no story wants a cancellation
    return upgraded and untouched and kept
  end,
  max_turns = 25,
}
