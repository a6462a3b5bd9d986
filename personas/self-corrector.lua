-- Self-corrector. Tests: two self-corrections, each inside one message ("4417, sorry, 4471"):
-- the record id early (turn 2), where the wrong id is another customer's record, and a
-- second value mid-flow (turns 4-8) when the agent asks for it; a retention probe of the
-- corrected id (turn 15), after the work is done; then one more request (turns 18-22), where
-- a value is corrected the same way, and a probe of an opening detail (turn 24).
-- Expects facts.story (see personas/README.md): request, id, id_label, wrong_id, answers,
-- expect, fix, questions, and second_correction = { field, key, from, to } where `key` is a
-- word of the agent's question that triggers it ("refund"), late (the late second request and
-- recall probe).
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
  name = "self-corrector",
  summary = "gives a wrong id and corrects it in the same breath, later corrects a second detail",
  run = function(u, facts)
    local s = facts.story
    local r = u:say(s.request)
    u:plant("id", s.id)
    r = u:correct{ field = s.id_label, from = s.wrong_id, to = s.id,
                   text = fmt("It's %s %s, sorry, %s.", s.id_label, s.wrong_id, s.id) }

    local c, corrected, asked = s.second_correction, false, 0
    for _ = 1, 10 do
      if r:called(s.tool) then break end
      local q = question(r)
      if wants_go_ahead(r) and mentions_all(r, s.expect) then
        if asked < #s.questions and asked < 1 then  -- one question while the go-ahead is pending
          asked = asked + 1
          r = u:say(s.questions[asked])
        else
          r = u:say(pick{ "Yes, please do.", "Yes, that's right, go ahead." })
        end
      elseif wants_go_ahead(r) then
        r = u:say(s.fix)
      elseif q and not corrected and string.find(q, c.key, 1, true) then
        corrected = true
        r = u:correct{ field = c.field, from = c.from, to = c.to,
                       text = fmt("%s, no, sorry, I mean %s.", c.from, c.to) }
      else
        r = u:say(answer_for(s, r) or "Sorry, what do you need from me?")
      end
    end

    for i = asked + 1, #s.questions do
      u:say(s.questions[i])
    end
    u:fill_until(14)
    u:probe("id", fmt("Sorry, which %s did I give you in the end?", s.id_label))
    late_request(u, s)
    late_recall(u, s)
    u:fill_until(25)
  end,
}
