-- Non-native speaker. Tests robustness to typos and non-standard grammar: chatter is typed
-- with seeded typos (identifiers and emails are typed carefully, as people copy them), the
-- record id is given with two digits swapped and corrected (turns 2-5), and a question about
-- something else interrupts the flow once the work is done (turns 8-12). Late (turns 18-22)
-- they come back with one more request, correct it and cut in with a question. Retention
-- probes at turn 15 and of an opening detail at turn 24.
-- Expects facts.story (see personas/README.md): request, tool, id, id_label, wrong_id,
-- answers, expect, fix (also used when the agent does not understand), digression = { text,
-- back }, questions, typos (rate, default 0.12), late (the late second request and recall
-- probe; typed carefully, as it names what to add).
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
  name = "non-native",
  summary = "writes in broken English with typos, swaps two digits of the id and corrects them",
  run = function(u, facts)
    local s = facts.story
    local rate = s.typos or 0.12
    local function careful(text)  -- identifiers and emails are copied, not typed
      u:style{ typos = false }
      local r = u:say(text)
      u:style{ typos = rate }
      return r
    end
    u:style{ typos = rate }
    local r = u:say(s.request)
    u:plant("id", s.id)
    local corrected, confused = false, 0
    for _ = 1, 10 do
      if r:called(s.tool) then break end
      local q = question(r)
      if wants_go_ahead(r) and mentions_all(r, s.expect) then
        r = careful(pick{ "Yes, please go ahead.", "Yes, is correct." })
      elseif wants_go_ahead(r) then
        r = careful(s.fix)
      elseif q and not corrected and string.find(q, s.id_label, 1, true) then
        corrected = true
        u:style{ typos = false }
        r = u:correct{ field = s.id_label, from = s.wrong_id, to = s.id,
                       text = fmt("My number is %s... sorry, is %s.", s.wrong_id, s.id) }
        u:style{ typos = rate }
      elseif answer_for(s, r) then
        r = careful(answer_for(s, r))
      else
        confused = confused + 1
        r = careful(confused == 1 and "Sorry, I not understand. What you need from me?" or s.fix)
      end
    end
    u:say(s.questions[1])
    u:topic_switch{ text = s.digression.text, back = s.digression.back }
    for i = 2, #s.questions do u:say(s.questions[i]) end
    u:fill_until(14)
    u:style{ typos = false }  -- the probes are checked, not the spelling; the request names values
    u:probe("id", fmt("Can you remind me which %s I gave you?", s.id_label))
    late_request(u, s)
    late_recall(u, s)
    u:style{ typos = rate }
    u:fill_until(25)
  end,
}
