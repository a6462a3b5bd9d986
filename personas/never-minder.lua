-- Never-minder. Tests an ambiguous retraction: the user asks for two things in one breath,
-- and when the agent asks to go ahead with one of them says only "never mind" (turns 4-8)
-- without saying which part. The agent must not act, and must ask what to drop; the user
-- then keeps one request and drops the other (an intent change). Late (turns 18-22) they come
-- back with one more request, correct it and cut in with a question. Retention probes at turn
-- 15 and of an opening detail at turn 24.
-- Expects facts.story (see personas/README.md): request (names both actions; the one to drop
-- last), intent (the dropped one), alt_intent, tool (alt_intent's tool), id, id_label,
-- answers, expect, fix, drop_expect (words in a confirmation of the dropped action),
-- never_mind, referent (what "never mind" refers to), clarify, questions, late (the late
-- second request and recall probe).
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
  name = "never-minder",
  summary = "asks for two things, then says 'never mind' without saying which",
  run = function(u, facts)
    local s = facts.story
    local r = u:say(s.request)
    u:plant("id", s.id)
    local retracted = false
    for _ = 1, 10 do
      if r:called(s.tool) then break end
      if wants_go_ahead(r) and not retracted and mentions_all(r, s.drop_expect) then
        retracted = true
        u:ambiguous{ text = s.never_mind, referent = s.referent }
        r = u:change_intent{ from = s.intent, to = s.alt_intent, text = s.clarify }
      elseif wants_go_ahead(r) and mentions_all(r, s.expect) then
        r = u:say(pick{ "Yes, go ahead.", "Yes, that's it." })
      elseif wants_go_ahead(r) then
        r = u:say(s.fix)
      else
        r = u:say(answer_for(s, r) or "Sorry, what do you need from me?")
      end
    end
    for _, q in ipairs(s.questions) do u:say(q) end
    u:fill_until(14)
    u:probe("id", fmt("Remind me, which %s did I give you?", s.id_label))
    late_request(u, s)
    late_recall(u, s)
    u:fill_until(25)
  end,
}
