-- Interrupter. Tests barge-in: the user cuts the agent off mid-sentence, twice. Early (turns
-- 2-4) they ask a FACTS question and, before the answer is finished, cut in with the detail
-- the agent had asked for; at the go-ahead they correct a value the agent is about to act on;
-- late (turns 16-17) they cut off an answer with a second question, then come back with one
-- more request (turns 18-22). Retention probes in 9-15 and of an opening detail at turn 24.
-- With a non-streaming agent the cut-in arrives as a second message in the same turn.
-- Expects facts.story (see personas/README.md): request, tool, id, id_label, answers,
-- expect, fix, questions (4+), correction = { field, from, to, text }, late (the late second
-- request and recall probe).
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
  name = "interrupter",
  summary = "cuts the agent off mid-answer with the next detail or question, corrects a value at the go-ahead",
  run = function(u, facts)
    local s = facts.story
    local r = u:say(s.request)
    u:plant("id", s.id)
    local early = answer_for(s, r)
    if early then
      r = u:interrupt{ after_chars = 30, prompt = s.questions[1],
                       text = "Sorry, cutting in: " .. early }
    end

    local corrected = false
    for _ = 1, 10 do
      if r:called(s.tool) then break end
      if wants_go_ahead(r) and not corrected and r:mentions(s.correction.from) then
        corrected = true
        r = u:correct{ field = s.correction.field, from = s.correction.from, to = s.correction.to,
                       text = s.correction.text }
      elseif wants_go_ahead(r) and mentions_all(r, s.expect) then
        r = u:say(pick{ "Yes, go ahead.", "Yes, do it." })
      elseif wants_go_ahead(r) then
        r = u:say(s.fix)
      else
        r = u:say(answer_for(s, r) or "Sorry, what do you need from me?")
      end
    end

    u:say(s.questions[2])
    u:fill_until(12)
    u:probe("id", fmt("Remind me, which %s did I give you?", s.id_label))
    u:fill_until(15)
    u:interrupt{ after_chars = 25, prompt = s.questions[3],
                 text = "Sorry, one more thing: " .. s.questions[4] }
    late_request(u, s)
    late_recall(u, s)
    u:fill_until(25)
  end,
}
