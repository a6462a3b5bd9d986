-- {{name}}: <one line on the real-world behaviour this persona rehearses>.
-- Tests: <what the agent must get right, e.g. "adopts a corrected order number">.
-- Expects facts: id (the customer's reference), wrong_id (a near miss), request (the ask).
--
-- A persona is a story told one message at a time. Every u:... call that sends text waits
-- for the agent's complete reply and returns it as `r` (r.text, r.tool_calls, r.turn,
-- r:mentions(x), r:asks_go_ahead(), r:asks_for(key), r:proposes(right, wrong), r:called(tool)).
-- See docs/personas.md for the full API.
return persona {
  name = "{{name}}",
  summary = "<what this user does, in one line>",
  -- The facts it reads without a fallback, as dotted paths ("story.request"): a scenario that
  -- lists this persona without them is refused when it loads. This template has fallbacks for all.
  needs = {},

  run = function(u, facts)
    -- Seeded variation: each trial picks its own wording; a seed replays identically.
    local r = u:say(pick{
      "Hi, " .. (facts.request or "I need some help with my account."),
      "Hello there. " .. (facts.request or "Could you help me with my account?"),
    })

    -- Retention: plant a fact now, probe for it later.
    u:plant("id", facts.id or "4471")

    -- A typed confusion event: the message is sent AND recorded, so scoring can check the
    -- agent dropped the old value and used the new one.
    r = u:correct{ field = "id", from = facts.wrong_id or "4417", to = facts.id or "4471",
                   text = "It's " .. (facts.wrong_id or "4417") .. ", sorry, no: " .. (facts.id or "4471") .. "." }

    -- Branch on what the agent said: a clear yes only to a confirmation naming the right id.
    if r:asks_go_ahead() and r:proposes({ facts.id or "4471" }, { facts.wrong_id or "4417" }) then
      r = u:say("Yes, please go ahead.")
    end

    u:probe("id", "Sorry, which number did I give you earlier?")

    -- Keep the conversation plausible up to turn 25 so every checkpoint is reached.
    u:fill_until(25)
    u:stop()
  end,
}
