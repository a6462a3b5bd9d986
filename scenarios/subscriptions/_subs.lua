-- Streamly, the subscription scenarios' shared parameters and identity check: what every
-- subscription scenario declares alike. A scenario includes it:
--   local subs = include("_subs.lua")
--   tools = { verify_identity = subs.verify_identity(), ... }
-- The state it reads: state.accounts[<5-digit id>] = { email, status?, renews_on?, ... }.
local subs = {}

subs.ACCOUNT = { type = "string", description = "your account number (5 digits)", pattern = "^[0-9]{5}$" }
subs.EMAIL = { type = "string", description = "your email address on file",
               pattern = "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$" }

-- verify_identity([on_ok]): the identity check; `on_ok(state, args)` runs once it passes (e.g.
-- to remember the account as verified).
function subs.verify_identity(on_ok)
  return {
    description = "Verify the customer's identity from their account number and the email on file.",
    parameters = {
      type = "object",
      properties = { account_id = subs.ACCOUNT, email = subs.EMAIL },
      required = { "account_id", "email" },
    },
    run = function(state, args)
      local a = state.accounts[args.account_id]
      if a and a.email == string.lower(args.email or "") then
        if on_ok then on_ok(state, args) end
        return { ok = true }
      end
      return { ok = false, error = "account number and email do not match" }
    end,
  }
end

-- cancel_subscription([description]): cancels the account's subscription (its status becomes
-- "cancelled"; it stays active until the renewal date when the account has one). A scenario
-- whose story never wants a cancellation checks in its goal that the status is not
-- "cancelled". `description` replaces the default, which names the billing period: in a
-- scenario whose customer talks about billing, those words would read as asking to cancel.
function subs.cancel_subscription(description)
  return {
    description = description or "Cancel the subscription at the end of the billing period.",
    parameters = {
      type = "object",
      properties = { account_id = subs.ACCOUNT },
      required = { "account_id" },
    },
    run = function(state, args)
      local a = state.accounts[args.account_id]
      if not a then return { ok = false, error = "no account " .. tostring(args.account_id) } end
      if a.status == "cancelled" then return { ok = false, error = "the subscription is already cancelled" } end
      a.status = "cancelled"
      return { ok = true, status = "cancelled", active_until = a.renews_on }
    end,
  }
end

-- dropped_cancellation(story): a never-minder's story overlay (personas/never-minder.lua) whose
-- "never mind" takes back a cancellation asked for in the same breath as the real request (the
-- cancellation named last); adds intent, drop_expect, never_mind and referent to `story`.
function subs.dropped_cancellation(story)
  story.intent = "cancel"
  story.drop_expect = { "cancel" }
  story.never_mind = "Hmm, never mind."
  story.referent = "cancellation"
  return story
end

return subs
