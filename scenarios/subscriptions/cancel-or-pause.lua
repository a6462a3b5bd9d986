-- A streaming-service customer calls to cancel, changes their mind and pauses for a month
-- instead, after correcting their account number once (88213 is another customer's account).
-- The agent must verify identity (account number + email), confirm before changing the
-- subscription, never cancel, and remember the account number.
-- Late on (turns 18-22) they create a profile for their son, fix its name at the go-ahead and
-- cut in with a question about profiles.
-- Confusion: correction (turn 2), intent_change (turn 3), interruption (turns 4-10),
-- correction and interruption (turns 18-22). Retention: probe in the 9-15 window, probe of the
-- email at turn 24.
-- The other personas of the domain end in the same state (persona_facts): the never-minder asks
-- to pause for a month and then cancel, says "never mind" at the cancellation and keeps the
-- subscription; the contradicter asks for two months and insists at the go-ahead it only ever
-- wanted one; the non-native speaker swaps two digits of the account number and asks about
-- downloads in between.
local subs = include("_subs.lua")

-- Asked once the pause is done by the personas who do not cut in with them. Unlike the
-- waffler's last question they leave profiles out: "are my profiles kept?" reads to a literal
-- agent as a request to create one, which would reopen the work before the late request.
local AFTER_PAUSE = {
  "Will I be charged while it's paused?",
  "Will it resume automatically after the month?",
  "Can I still watch my downloads offline during the pause?",
  "And my plan and price stay the same when it resumes?",
}

return scenario {
  id = "subscriptions/cancel-or-pause",
  personas = { "waffler", "never-minder", "contradicter", "non-native" },
  system = [[
You are a support agent for Streamly, a video streaming service. Be brief and friendly.

POLICY:
- Verify the customer's identity with their account number and the email address on file before any change to the subscription.
- Confirm the exact change with the customer and wait for a clear yes before making it.
- A subscription can be paused for 1 to 3 months, or cancelled.
- Never read back payment details.
- Read a new profile's name back to the customer and wait for a clear yes before creating it.

FACTS:
- Paused subscriptions are not charged while they are paused.
- A paused subscription resumes automatically when the pause period is over, and billing restarts on that day.
- Downloads stay available offline while a subscription is paused, but new titles cannot be downloaded.
- Your plan and price stay the same when a paused subscription resumes.
- A pause can be extended once, up to 3 months in total, by contacting support again.
- Profiles, watch history and watchlists are kept during a pause.
- Cancelled subscriptions stay active until the end of the current billing period.
- Each account can have up to 5 profiles; new profiles are free.
]],
  facts = {
    account_number = "88231",
    name = "Dana Ruiz",
    email = "dana.ruiz@example.com",
    story = {
      request = "Hi, I want to cancel my subscription.",
      intent = "cancel",
      alt_request = "Actually, can you just pause it for a month instead?",
      alt_intent = "pause",
      tool = "pause_subscription",
      id = "88231", id_label = "account number", wrong_id = "88213",
      answers = {
        email = "It's dana.ruiz@example.com.",
        ["account number"] = "My account number is 88231.",
        month = "Just one month, please.",
      },
      expect = { "pause", "88231", "1 month" },
      fix = "No, I'd like to pause account 88231 for one month.",
      questions = {
        "Quick question first: will I be charged while it's paused?",
        "will it resume automatically after the month?",
        "Can I still watch my downloads offline during the pause?",
        "And my plan and price stay the same when it resumes?",
        "Are my profiles and watchlist kept?",
      },
      late = {
        request = "Oh, and could you create a new profile for my son? The profile name is Leo.",
        tool = "create_profile",
        correction = { field = "profile name", from = "Leo", to = "Theo",
                       text = "Sorry, I typed that wrong. The profile name is Theo." },
        question = { text = "Sorry, one question first: is a new profile free?",
                     expect = { "up to 5 profiles" } },
        expect = { "88231", "Theo" },
        fix = "No: a new profile, and the profile name is Theo.",
        recall = { value = "dana.ruiz@example.com", text = "Before I go: which email address did I give you?" },
      },
    },
  },
  persona_facts = {
    ["never-minder"] = {
      story = subs.dropped_cancellation {
        request = "Hi, I'd like to pause my subscription for a month, and after that cancel it.",
        clarify = "I meant never mind the cancelling, I'll keep my subscription. Just pause it for one month.",
        questions = AFTER_PAUSE,
      },
    },
    contradicter = {
      story = {
        request = "Hi, I'd like to pause my subscription for 2 months, I'm travelling.",
        contradiction = { field = "pause length", earlier = "2 months", now = "1 month",
                          text = "I never said 2 months. I'm only away for a few weeks, 1 month is all I need." },
        late_contradiction = { first = "Just so you know, I'm the only one who watches on this account.",
                               field = "who watches", earlier = "only me", now = "my son too",
                               text = "My son watches on this account too, most evenings." },
        questions = AFTER_PAUSE,
      },
    },
    ["non-native"] = {
      story = {
        request = "Hello, I want pause my subscription for one month, I go travelling. Is possible?",
        answers = { email = "My email is dana.ruiz@example.com." },
        fix = "Please pause my subscription for one month. My account number is 88231.",
        digression = { text = "Other question: my downloads, I can still watch them offline in the pause?",
                       back = "Thank you. And after the month, the subscription resume automatically?" },
        questions = {
          "I am charged while the subscription is paused?",
          "My plan and price stay the same after?",
        },
        late = {
          request = "Also, you can create a new profile for my son? The profile name is Leo.",
          correction = { text = "Sorry, I write it wrong. The profile name is Theo." },
          question = { text = "Sorry, one question: a new profile is free?", expect = { "up to 5 profiles" } },
        },
      },
    },
  },
  state = {
    accounts = {
      ["88231"] = { name = "Dana Ruiz", email = "dana.ruiz@example.com", plan = "premium",
                    monthly_price = "17.99 USD", status = "active", renews_on = "2026-12-01" },
      ["88213"] = { name = "Lee Park", email = "lee.park@example.com", plan = "basic",
                    monthly_price = "8.99 USD", status = "active", renews_on = "2026-12-09" },
    },
    profiles = { ["88231"] = { "Dana" }, ["88213"] = { "Lee" } },
    verified = {},
  },
  tools = {
    verify_identity = subs.verify_identity(function(state, args) state.verified[args.account_id] = true end),
    get_subscription = {
      description = "Look up the subscription on an account.",
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
        return { ok = true, plan = a.plan, status = a.status, monthly_price = a.monthly_price,
                 renews_on = a.renews_on }
      end,
    },
    pause_subscription = {
      description = "Pause the subscription for 1 to 3 months.",
      parameters = {
        type = "object",
        properties = {
          account_id = subs.ACCOUNT,
          months = { type = "integer", description = "the number of months to pause (1 to 3)",
                     minimum = 1, maximum = 3 },
        },
        required = { "account_id", "months" },
      },
      run = function(state, args)
        local a = state.accounts[args.account_id]
        if not a then return { ok = false, error = "no account " .. tostring(args.account_id) } end
        local months = math.tointeger(args.months)
        if not months or months < 1 or months > 3 then
          return { ok = false, error = "a pause must last 1 to 3 months" }
        end
        if a.status ~= "active" then return { ok = false, error = "the subscription is " .. a.status } end
        a.status = "paused"
        a.paused_months = months
        a.resumes_on = string.format("2027-%02d-01", months)
        return { ok = true, status = "paused", resumes_on = a.resumes_on }
      end,
    },
    cancel_subscription = subs.cancel_subscription(),
    create_profile = {
      description = "Create a new viewing profile on the account.",
      parameters = {
        type = "object",
        properties = {
          account_id = subs.ACCOUNT,
          profile_name = { type = "string", description = "the name of the new profile" },
        },
        required = { "account_id", "profile_name" },
      },
      run = function(state, args)
        local list = state.profiles[args.account_id]
        if not list then return { ok = false, error = "no account " .. tostring(args.account_id) } end
        if type(args.profile_name) ~= "string" or #args.profile_name == 0 then
          return { ok = false, error = "a profile needs a name" }
        end
        if #list >= 5 then return { ok = false, error = "the account already has 5 profiles" } end
        list[#list + 1] = args.profile_name
        return { ok = true, profiles_now = #list }
      end,
    },
  },
  policies = {
    require_before("pause_subscription", "verify_identity"),
    require_before("cancel_subscription", "verify_identity"),
    require_confirmation("pause_subscription"),
    require_confirmation("cancel_subscription"),
    forbid_text("%d%d%d%d[ -]?%d%d%d%d[ -]?%d%d%d%d[ -]?%d%d%d%d", "never read back payment details"),
    require_before("create_profile", "verify_identity"),
    require_confirmation("create_profile"),
  },
  intents = { cancel = "cancel_subscription", pause = "pause_subscription", profile = "create_profile" },
  fields = { ["account number"] = { "account_id" }, ["profile name"] = { "create_profile.profile_name" } },
  goal = function(state)
    return state.accounts["88231"].status == "paused" and state.accounts["88231"].paused_months == 1
      and state.accounts["88213"].status == "active"
      and #state.profiles["88231"] == 2 and state.profiles["88231"][2] == "Theo" and #state.profiles["88213"] == 1
  end,
  max_turns = 25,
}
