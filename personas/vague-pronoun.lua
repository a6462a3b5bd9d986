-- Vague-pronoun user. Tests reference resolution: the user says "them", "the one that came on
-- Tuesday", "the one we swapped" instead of naming the record, while owning two similar ones.
-- The agent must ask which record is meant (turns 1-2) rather than guess, and later resolve a
-- back-reference from the conversation (turn 16) before one more request (turns 18-22).
-- Retention probes in the 9-15 window and of an opening detail at turn 24.
-- Expects facts.story (see personas/README.md): request (vague, names no record), tool, id,
-- id_label, other_id, answers, expect, fix, vague_id (a vague answer to "which one?"),
-- back_reference (a late question that refers back to the record), questions, late (the late
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
  name = "vague-pronoun",
  summary = "says it, them and the one from Tuesday instead of naming the order",
  run = function(u, facts)
    local s = facts.story
    local candidates = { s.id, s.other_id }
    local r = u:ambiguous{ text = s.request, referent = s.id, candidates = candidates }
    if question(r) and string.find(question(r), s.id_label, 1, true) then
      r = u:ambiguous{ text = s.vague_id, referent = s.id, candidates = candidates }
    end
    u:plant("id", s.id)
    for _ = 1, 8 do
      if r:called(s.tool) then break end
      if wants_go_ahead(r) and mentions_all(r, s.expect) then
        r = u:say(pick{ "Yes, go ahead.", "Yes, that one." })
      elseif wants_go_ahead(r) then
        r = u:say(s.fix)
      else
        r = u:say(answer_for(s, r) or "Sorry, what do you need from me?")
      end
    end
    for _, q in ipairs(s.questions) do u:say(q) end
    u:fill_until(12)
    u:probe("id", fmt("Remind me, which %s did I give you?", s.id_label))
    u:fill_until(15)
    u:ambiguous{ text = s.back_reference, referent = s.id, candidates = candidates }
    late_request(u, s)
    late_recall(u, s)
    u:fill_until(25)
  end,
}
