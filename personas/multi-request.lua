-- Multi-request user. Tests several requests in one message: the agent must finish all of
-- them, not just the last one mentioned. On the way the user corrects a value of the first
-- request at its go-ahead (turns 4-8) and contradicts their opening message when asked for a
-- detail of the second one (turns 6-12). Retention probe in the 9-15 window. Late (turns
-- 18-22) they come back with one more request, correct it and cut in with a question; the
-- agent must still know a detail from the opening turns (turn 24).
-- Expects facts.story (see personas/README.md): request (names every request), requests =
-- { {tool, expect, again}, ... } (`again` brings a pending request back up), id, id_label,
-- answers, fix, correction = { field, from, to, text }, contradiction = { key, field,
-- earlier, now, text } (`key`: a word of the agent's question that triggers it), questions,
-- late (the late second request and recall probe, turns 17-23).
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
  name = "multi-request",
  summary = "asks for several things at once and makes sure every one gets done",
  run = function(u, facts)
    local s, c, k = facts.story, facts.story.correction, facts.story.contradiction
    local r = u:say(s.request)
    u:plant("id", s.id)
    local done, corrected, contradicted = {}, false, false
    for _ = 1, 16 do
      local pending
      for _, req in ipairs(s.requests) do
        if r:called(req.tool) then done[req.tool] = true end
        if not done[req.tool] and not pending then pending = req end
      end
      if not pending then break end
      local q = question(r)
      local confirming
      for _, req in ipairs(s.requests) do
        if not done[req.tool] and mentions_all(r, req.expect) then confirming = req end
      end
      if wants_go_ahead(r) and not corrected and r:mentions(c.from) then
        corrected = true
        r = u:correct{ field = c.field, from = c.from, to = c.to, text = c.text }
      elseif wants_go_ahead(r) and confirming then
        r = u:say(pick{ "Yes, go ahead.", "Yes, please." })
      elseif wants_go_ahead(r) then
        r = u:say(s.fix)
      elseif q and not contradicted and string.find(q, k.key, 1, true) then
        contradicted = true
        r = u:contradict{ field = k.field, earlier = k.earlier, now = k.now, text = k.text }
      else
        r = u:say(answer_for(s, r) or pending.again)
      end
    end
    for _, q in ipairs(s.questions) do
      if u:turn() >= 13 then break end
      u:say(q)
    end
    u:fill_until(13)
    u:probe("id", fmt("Remind me, which %s did I give you?", s.id_label))
    late_request(u, s)
    late_recall(u, s)
    u:fill_until(25)
  end,
}
