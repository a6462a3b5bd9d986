-- Impatient escalator. Tests staying calm and on task under pressure: the user demands a
-- supervisor at the agent's first question and then comes back (a topic switch, turns 2-3),
-- barges in on the next answer with every detail at once (turns 4-5), says yes to anything
-- that gets it over with, takes the fallback the agent offers when a request cannot be done,
-- cuts off another answer late (turns 16-17), then comes back with one more request (turns
-- 18-22). Retention probe in the 9-15 window and of an opening detail at turn 24.
-- Expects facts.story (see personas/README.md): request, tool, id, id_label, answers, rush
-- (every detail the agent needs, in one breath), expect (words any go-ahead must contain for
-- a yes), fallback (accepts the alternative after a failed attempt), escalation = { text,
-- back }, questions (3+), late (the late second request and recall probe).
local function question(r)  -- the agent's closing question, lower-cased, or nil
  if not r:asks_question() then return nil end
  return string.lower(string.match(r.text, "([^%.!?]*%?)%s*$") or r.text)
end

local function wants_go_ahead(r)
  local q = question(r)
  return q ~= nil and (string.find(q, "go ahead", 1, true) or string.find(q, "to confirm", 1, true)) ~= nil
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
  name = "impatient-escalator",
  summary = "in a hurry, cuts the agent off, demands a supervisor, says yes to get it over with",
  run = function(u, facts)
    local s = facts.story
    local r = u:say(s.request)
    u:plant("id", s.id)
    r = u:topic_switch{ text = s.escalation.text, back = s.escalation.back, topic = "supervisor" }
    r = u:interrupt{ after_chars = 20, prompt = "How long is this going to take?",
                     text = "Look, just take it all: " .. s.rush }
    for _ = 1, 10 do
      local failed = r:called(s.tool) and string.find(r.text, "couldn't", 1, true) ~= nil
      if r:called(s.tool) and not failed then break end
      if failed then
        r = u:say(s.fallback)
      elseif wants_go_ahead(r) and mentions_all(r, s.expect) then
        r = u:say(pick{ "Yes, just do it already.", "Yes. Do it." })
      elseif wants_go_ahead(r) then
        r = u:say("No! " .. s.request)
      else
        r = u:say(answer_for(s, r) or "What else do you need? Hurry up.")
      end
    end
    u:say(s.questions[1])
    u:fill_until(12)
    u:probe("id", fmt("Remind me, which %s did I give you? I want to write it down.", s.id_label))
    u:fill_until(15)
    u:interrupt{ after_chars = 20, prompt = s.questions[2], text = "Just tell me this: " .. s.questions[3] }
    late_request(u, s)
    late_recall(u, s)
    u:fill_until(25)
  end,
}
