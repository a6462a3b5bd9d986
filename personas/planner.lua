-- Planner. Tests: retention of a booking code planted in turn 2 and probed after turn 15,
-- slot filling from an explicit "last name is ..." answer, a digression right after the
-- booking code (turns 3-4), cost questions before and while a confirmation is pending, and
-- follow-up questions about the policy after the change, and a late second request (turns
-- 18-22) with a correction and a barge-in, then a probe of the last name (turn 24).
-- Expects facts (top level): booking_code, last_name; and facts.story.plan, the planner's
-- lines: opening (two openings, one is picked), digression = { text, back, topic } (an
-- off-task question and the return to the task), slot (a word of the agent's question for the
-- value the plan hinges on), cost_question (asked the first time the agent asks for it),
-- answer (gives it the second time), pending_question (asked while the first go-ahead is
-- pending; no yes-words), expect (what a go-ahead must name for a yes), no (the reply to any
-- other go-ahead), follow_ups (four policy questions once it is done); facts.story.late (see
-- personas/README.md), the late second request; and optionally facts.story.next = { request,
-- tool, expect, fix } (a second write asked for once the first is done, answered from
-- facts.story.answers; `fix` answers any other go-ahead).
return persona {
  name = "planner",
  summary = "makes one change after asking what it costs, asks about the policy, checks the agent remembers the booking code",
  needs = { "booking_code", "last_name", "story.plan", "story.late" },
  run = function(u, facts)
    local plan = facts.story.plan
    local r = u:say(pick(plan.opening))
    r = u:say("Sure, my booking code is " .. facts.booking_code .. ".")
    u:plant("booking", facts.booking_code)
    r = u:topic_switch{ text = plan.digression.text, back = plan.digression.back, topic = plan.digression.topic }

    local asked_fee = false
    for _ = 1, 5 do
      if not (r:asks_question() or r:read{ slots = { plan.slot } }.kinds.slot) or r:asks_go_ahead() then break end
      if r:asks_for("last name") then
        r = u:say("My last name is " .. facts.last_name .. ".")
      elseif r:asks_for("booking code") then
        r = u:say("It's " .. facts.booking_code .. ".")
      elseif r:asks_for(plan.slot) and not asked_fee then
        asked_fee = true
        r = u:say(plan.cost_question)
      elseif r:asks_for(plan.slot) then
        r = u:say(plan.answer)
      else
        r = u:unread(r)
      end
    end

    if r:asks_go_ahead() then
      r = u:say(plan.pending_question)
    end
    if r:asks_go_ahead() and r:proposes(plan.expect) then
      r = u:say(pick{ "Yes, go ahead.", "Okay, do it." })
    elseif r:asks_go_ahead() then
      r = u:say(plan.no)
      if r:asks_go_ahead() and r:proposes(plan.expect) then r = u:say("Yes, go ahead.") end
    end

    if facts.story.next then  -- a second request, once the first is done
      local s = facts.story
      story.negotiate(u, s, u:say(s.next.request), { tool = s.next.tool, expect = s.next.expect,
                                                     no = function() return u:say(s.next.fix) end })
    end
    for _, q in ipairs(plan.follow_ups) do u:say(q) end
    u:say(pick{ "Great, thanks for your help.", "Perfect, thank you." })
    u:fill_until(14)
    u:probe("booking", "Remind me, what booking code did I give you?")
    story.late_request(u, facts.story)
    story.late_recall(u, facts.story)
    u:fill_until(25)
  end,
}
