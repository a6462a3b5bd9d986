-- Planner. Tests: retention of a booking code planted in turn 2 and probed after turn 15,
-- slot filling from an explicit "last name is ..." answer, a digression right after the
-- booking code (turns 3-4), fee questions before and while a confirmation is pending, and
-- follow-up questions about the policy after the change, and a late second request (turns
-- 18-22) with a correction and a barge-in, then a probe of the last name (turn 24).
-- Expects facts (top level; it predates the story vocabulary): booking_code, last_name,
-- new_date, and digression = { text, back } (an off-task question and the return to the
-- task); and facts.story.late (see personas/README.md), the late second request.
local function asks(r, word)  -- the agent's text (not its tool calls) asks about `word`
  return r:asks_question() and string.find(string.lower(r.text), word, 1, true) ~= nil
end

local function wants_go_ahead(r)
  return asks(r, "go ahead") or asks(r, "to confirm") or asks(r, "shall i")
    or asks(r, "would you like me to")
end

local function question(r)  -- the agent's closing question, lower-cased, or nil
  if not r:asks_question() then return nil end
  return string.lower(string.match(r.text, "([^%.!?]*%?)%s*$") or r.text)
end

local function mentions_all(r, list)
  for _, x in ipairs(list) do if not r:mentions(x) then return false end end
  return true
end

local function answer_for(story, r)  -- the longest key of story.answers the question names
  local q, best = question(r), nil
  if not q then return nil end
  for key in spairs(story.answers) do
    if string.find(q, key, 1, true) and (best == nil or #key > #best) then best = key end
  end
  return best and story.answers[best]
end

-- The late second request (personas/README.md, `late`): the user comes back with a second,
-- smaller write late in the conversation. They fix a value they gave as soon as the agent
-- reads it back (a correction, even if the agent already acted on it), cut in on a go-ahead
-- with a question the FACTS answer (an interruption), and say yes only to a confirmation
-- naming every `late.expect`. Starts at turn 18 (after small talk if need be) and ends once
-- the agent has made the right write, or by turn 23.
local function late_request(u, s)
  local L, c = s.late, s.late.correction
  u:fill_until(17)
  local r = u:say(L.request)
  local corrected, asked = false, false
  while u:turn() < 23 do
    local done = r:called(L.tool) and mentions_all(r, L.expect)
    if done and asked then break end
    if not corrected and r:mentions(c.from) then
      corrected = true
      r = u:correct{ field = c.field, from = c.from, to = c.to, text = c.text }
    elseif not asked and (wants_go_ahead(r) or done) then
      asked = true
      r = u:interrupt{ after_chars = 25, prompt = "Hmm, hang on a second.",
                       text = L.question.text, expect = L.question.expect }
    elseif done then
      break
    elseif wants_go_ahead(r) and mentions_all(r, L.expect) then
      r = u:say(pick{ "Yes, go ahead.", "Yes, please do that." })
    elseif wants_go_ahead(r) or r:called(L.tool) then
      r = u:say(L.fix)
    else
      r = u:say(L.answers and answer_for(L, r) or s.answers and answer_for(s, r) or L.fix)
    end
  end
end

-- The late retention probe: a detail the user gave in the opening turns (`late.recall.value`),
-- asked back near the end (turn 24, or right after the late request if it ran long).
local function late_recall(u, s)
  u:fill_until(23)
  u:plant("recall", s.late.recall.value)
  u:probe("recall", s.late.recall.text)
end

return persona {
  name = "planner",
  summary = "moves a flight a week later, asks about fees and perks, checks the agent remembers the booking code",
  run = function(u, facts)
    local r = u:say(pick{ "Hi, I need to change my flight.",
                          "Hello, I'd like to move my flight to a later date." })
    r = u:say("Sure, my booking code is " .. facts.booking_code .. ".")
    u:plant("booking", facts.booking_code)
    r = u:topic_switch{ text = facts.digression.text, back = facts.digression.back, topic = "airport transport" }

    local asked_fee = false
    for _ = 1, 5 do
      if not r:asks_question() or wants_go_ahead(r) then break end
      if asks(r, "last name") then
        r = u:say("My last name is " .. facts.last_name .. ".")
      elseif asks(r, "booking code") then
        r = u:say("It's " .. facts.booking_code .. ".")
      elseif asks(r, "date") and not asked_fee then
        asked_fee = true
        r = u:say("What's the change fee on a standard fare?")
      elseif asks(r, "date") then
        r = u:say(fmt("Please move it to %s, one week later.", facts.new_date))
      else
        r = u:say("Sorry, what do you need from me?")
      end
    end

    if wants_go_ahead(r) then
      r = u:say("Can I pay the change fee with miles?")
    end
    if wants_go_ahead(r) then r = u:say(pick{ "Yes, go ahead.", "Okay, do it." }) end

    u:say("Will my seat assignment carry over to the new flight?")
    u:say("Does the checked bag allowance stay the same?")
    u:say("Will I get a new confirmation email?")
    u:say("Is the change fee refundable if my plans shift again?")
    u:say(pick{ "Great, thanks for your help.", "Perfect, thank you." })
    u:fill_until(14)
    u:probe("booking", "Remind me, what booking code did I give you?")
    late_request(u, facts.story)
    late_recall(u, facts.story)
    u:fill_until(25)
  end,
}
