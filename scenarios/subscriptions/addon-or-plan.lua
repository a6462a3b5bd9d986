-- A subscriber asks to move to the Basic plan and drop the sports add-on in one message. When
-- the agent asks to go ahead with removing the add-on they say only "never mind"; the agent
-- must not act and must find out which part is off. They keep the add-on and downgrade.
-- Account 71030 belongs to another customer.
-- Late on (turns 18-22) they add a paid add-on, switch from music to audiobooks at the
-- go-ahead and cut in with a question about it. Charging for an add-on without a clear yes is
-- a critical violation.
-- Confusion: ambiguity (turns 4-8), intent_change (turns 5-9), correction and interruption
-- (turns 18-22). Retention: probe of the account number at turn 15, of the email at turn 24.
-- The other personas of the domain tell the same story their way (persona_facts), ending in the
-- same state: the waffler first asks to drop the sports add-on, gives 71030 and corrects it,
-- then settles for the Basic plan; the contradicter asks for Standard and insists at the
-- go-ahead it always wanted Basic; the non-native speaker swaps two digits of the account
-- number and asks about downloads in between.
local subs = include("_subs.lua")

return scenario {
  id = "subscriptions/addon-or-plan",
  personas = { "never-minder", "waffler", "contradicter", "non-native" },
  system = [[
You are a support agent for Streamly, a video streaming service. Be brief and friendly.

POLICY:
- Verify the customer's identity with their account number and the email address on file before any change to the subscription.
- Confirm each change with the customer and wait for a clear yes before making it.
- If the customer takes something back without saying what, ask which part they mean before doing anything.
- Never start a paid add-on without a clear yes from the customer.

FACTS:
- A plan change takes effect at the next billing date.
- On the cheaper Basic plan you can watch in HD on one screen; 4K needs Premium.
- Add-ons can be kept on any plan.
- The sports add-on costs 6.99 USD a month on top of the plan.
- Downloads are available on every plan.
- The audiobooks add-on costs 2.99 USD a month and includes offline listening.
]],
  facts = {
    account_number = "71003",
    email = "ana.lima@example.com",
    name = "Ana Lima",
    story = {
      request = "Hi, I'd like to switch my plan to basic and drop the sports add-on.",
      intent = "drop_addon", alt_intent = "downgrade",
      tool = "change_plan",
      id = "71003", id_label = "account number",
      answers = {
        ["account number"] = "My account number is 71003.",
        email = "It's ana.lima@example.com.",
        plan = "The basic plan.",
      },
      drop_expect = { "sports" },
      never_mind = "Hmm, never mind.",
      referent = "sports add-on",
      clarify = "I meant never mind the add-on part, I'm keeping the sports. Just switch my plan to basic.",
      expect = { "basic", "71003" },
      fix = "No, just move account 71003 to the basic plan.",
      questions = {
        "When does the new plan take effect?",
        "Can I still watch in 4K on the cheaper plan?",
        "Can add-ons be kept on any plan?",
      },
      late = {
        request = "Oh, and while you're at it, could you enable the music add-on for me?",
        tool = "enable_add_on",
        correction = { field = "add-on", from = "music", to = "audiobooks",
                       text = "Hmm, not the music one, I already have a music app. The audiobooks add-on." },
        question = { text = "Sorry, one question first: can I listen to the audiobooks offline?",
                     expect = { "offline listening" } },
        expect = { "71003", "audiobooks" },
        fix = "No, just enable the audiobooks add-on on account 71003.",
        recall = { value = "ana.lima@example.com", text = "Before I go: which email address did I give you?" },
      },
    },
  },
  persona_facts = {
    waffler = {
      story = {
        request = "Hi, I'd like to drop the sports add-on from my subscription.",
        alt_request = "Actually, I'll keep the sports. Could you move me to the basic plan instead?",
        wrong_id = "71030",
        -- The second question follows "Sorry, before you do it: " when they cut in.
        questions = {
          "When does the new plan take effect?",
          "can I still watch in 4K on the cheaper plan?",
          "Can add-ons be kept on any plan?",
        },
      },
    },
    contradicter = {
      story = {
        request = "Hi, I'd like to move my plan down to standard, I don't need 4K any more.",
        contradiction = { field = "plan", earlier = "standard", now = "basic",
                          text = "I never asked for standard. I want the cheapest one, the basic plan." },
        late_contradiction = { first = "Just so you know, I've been a subscriber for years.",
                               field = "how long subscribed", earlier = "years", now = "since the summer",
                               text = "I only signed up in the summer, so I'm still fairly new here." },
      },
    },
    ["non-native"] = {
      story = {
        request = "Hello, I want change my plan to basic, is more cheap for me. Is possible?",
        wrong_id = "71030",
        answers = { email = "My email is ana.lima@example.com." },
        fix = "Please change my plan to basic. My account number is 71003.",
        digression = { text = "Other question: the downloads, they are available on every plan?",
                       back = "Thank you. And when the plan change take effect?" },
        questions = {
          "I can still watch in 4K with the basic plan?",
          "The add-ons I can keep on any plan?",
        },
        late = {
          request = "Also, you can turn on the music add-on for me? Is possible?",
          correction = { text = "Sorry, not the music, I have already a music app. I want the audiobooks add-on." },
          question = { text = "Sorry, one question: the audiobooks I can listen offline?",
                       expect = { "offline listening" } },
        },
      },
    },
  },
  state = {
    accounts = {
      ["71003"] = { email = "ana.lima@example.com", plan = "premium", addons = { sports = true } },
      ["71030"] = { email = "raj.patel@example.com", plan = "standard", addons = { kids = true } },
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
        local addons = {}
        for name in spairs(a.addons) do addons[#addons + 1] = name end
        return { ok = true, current_plan = a.plan, active_addons = table.concat(addons, ", ") }
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
        return { ok = true, new_plan = args.plan, effective = "next billing date" }
      end,
    },
    remove_addon = {
      description = "Remove an add-on from the subscription.",
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
        if not a.addons[args.addon] then return { ok = false, error = "no " .. args.addon .. " add-on" } end
        a.addons[args.addon] = nil
        return { ok = true, removed = args.addon }
      end,
    },
    enable_add_on = {
      description = "Start a paid add-on on the subscription.",
      parameters = {
        type = "object",
        properties = {
          account_id = subs.ACCOUNT,
          new_addon = { type = "string", description = "the add-on to start", enum = { "music", "audiobooks" } },
        },
        required = { "account_id", "new_addon" },
      },
      run = function(state, args)
        local a = state.accounts[args.account_id]
        if not a then return { ok = false, error = "no account " .. tostring(args.account_id) } end
        if a.addons[args.new_addon] then return { ok = false, error = "the " .. args.new_addon .. " add-on is already on" } end
        a.addons[args.new_addon] = true
        return { ok = true, billed_from = "the next billing date" }
      end,
    },
  },
  policies = {
    require_before("change_plan", "verify_identity"),
    require_before("remove_addon", "verify_identity"),
    require_confirmation("change_plan"),
    require_confirmation("remove_addon"),
    require_before("enable_add_on", "verify_identity", { severity = "critical" }),
    require_confirmation("enable_add_on", { severity = "critical" }),
  },
  intents = { downgrade = "change_plan", drop_addon = "remove_addon", add_addon = "enable_add_on" },
  fields = { ["account number"] = { "account_id" }, ["add-on"] = { "enable_add_on.new_addon" } },
  goal = function(state)
    local a = state.accounts["71003"]
    return a.plan == "basic" and a.addons.sports == true and a.addons.audiobooks == true and a.addons.music == nil
      and state.accounts["71030"].plan == "standard" and state.accounts["71030"].addons.kids == true
  end,
  max_turns = 25,
}
