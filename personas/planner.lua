-- Planner. Tests: retention of a booking code planted in turn 2 and probed after turn 15,
-- slot filling from an explicit "last name is ..." answer, a digression right after the
-- booking code (turns 3-4), fee questions before and while a confirmation is pending, and
-- follow-up questions about the policy after the change, and a late second request (turns
-- 18-22) with a correction and a barge-in, then a probe of the last name (turn 24).
-- Expects facts (top level; it predates the story vocabulary): booking_code, last_name,
-- new_date, and digression = { text, back } (an off-task question and the return to the
-- task); and facts.story.late (see personas/README.md), the late second request.
return persona {
  name = "planner",
  summary = "moves a flight a week later, asks about fees and perks, checks the agent remembers the booking code",
  needs = { "booking_code", "last_name", "new_date", "digression", "story.late" },
  run = function(u, facts)
    local r = u:say(pick{ "Hi, I need to change my flight.",
                          "Hello, I'd like to move my flight to a later date." })
    r = u:say("Sure, my booking code is " .. facts.booking_code .. ".")
    u:plant("booking", facts.booking_code)
    r = u:topic_switch{ text = facts.digression.text, back = facts.digression.back, topic = "airport transport" }

    local asked_fee = false
    for _ = 1, 5 do
      if not (r:asks_question() or r:read().kinds.slot) or r:asks_go_ahead() then break end
      if r:asks_for("last name") then
        r = u:say("My last name is " .. facts.last_name .. ".")
      elseif r:asks_for("booking code") then
        r = u:say("It's " .. facts.booking_code .. ".")
      elseif r:asks_for("date") and not asked_fee then
        asked_fee = true
        r = u:say("What's the change fee on a standard fare?")
      elseif r:asks_for("date") then
        r = u:say(fmt("Please move it to %s, one week later.", facts.new_date))
      else
        r = u:unread(r)
      end
    end

    if r:asks_go_ahead() then
      r = u:say("Can I pay the change fee with miles?")
    end
    if r:asks_go_ahead() and r:proposes({ facts.new_date }) then
      r = u:say(pick{ "Yes, go ahead.", "Okay, do it." })
    elseif r:asks_go_ahead() then
      r = u:say(fmt("No, I want it moved to %s.", facts.new_date))
      if r:asks_go_ahead() and r:proposes({ facts.new_date }) then r = u:say("Yes, go ahead.") end
    end

    u:say("Will my seat assignment carry over to the new flight?")
    u:say("Does the checked bag allowance stay the same?")
    u:say("Will I get a new confirmation email?")
    u:say("Is the change fee refundable if my plans shift again?")
    u:say(pick{ "Great, thanks for your help.", "Perfect, thank you." })
    u:fill_until(14)
    u:probe("booking", "Remind me, what booking code did I give you?")
    story.late_request(u, facts.story)
    story.late_recall(u, facts.story)
    u:fill_until(25)
  end,
}
