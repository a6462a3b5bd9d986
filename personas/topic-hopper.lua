-- Topic hopper. Tests topic switches: the user wanders off to unrelated questions three
-- times (turns 3-6, 8-13, 16-17) and comes back, once with a second request; a late third
-- request (turns 18-22) comes with a correction and a barge-in. The agent must answer or
-- decline the digression and then pick the task up where it was, without losing verified
-- details. Retention probes at turn 15 and of an opening detail at turn 24.
-- Expects facts.story (see personas/README.md): request, tool, id, id_label, answers, expect,
-- fix, digressions = { {text, back}, {text, back}, {text, back} } (the second back makes the
-- follow-up request), next = { tool, expect } (the follow-up request), questions, late (the
-- late request and recall probe).
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

-- Answers questions and confirms the right action until `tool` has been called.
local function work(u, s, r, tool, expect, hop)
  for _ = 1, 8 do
    if r:called(tool) then return r end
    if hop and r:asks_question() and not wants_go_ahead(r) then
      local d = hop
      hop = nil
      r = u:topic_switch{ text = d.text, back = d.back, topic = d.topic }
    elseif wants_go_ahead(r) and mentions_all(r, expect) then
      r = u:say(pick{ "Yes, go ahead.", "Yes please." })
    elseif wants_go_ahead(r) then
      r = u:say(s.fix)
    else
      r = u:say(answer_for(s, r) or "Sorry, what do you need from me?")
    end
  end
  return r
end

return persona {
  name = "topic-hopper",
  summary = "keeps wandering off to unrelated questions and coming back to the task",
  run = function(u, facts)
    local s = facts.story
    local r = u:say(s.request)
    u:plant("id", s.id)
    r = u:say(answer_for(s, r) or "Sorry, what do you need from me?")
    r = work(u, s, r, s.tool, s.expect, s.digressions[1])
    u:say(s.questions[1])
    local d = s.digressions[2]
    r = u:topic_switch{ text = d.text, back = d.back, topic = d.topic }
    work(u, s, r, s.next.tool, s.next.expect)
    for i = 2, #s.questions do u:say(s.questions[i]) end
    u:fill_until(14)
    u:probe("id", fmt("Remind me, which %s did I give you?", s.id_label))
    d = s.digressions[3]
    u:topic_switch{ text = d.text, back = d.back, topic = d.topic }
    late_request(u, s)
    late_recall(u, s)
    u:fill_until(25)
  end,
}
