-- Interrupter. Tests barge-in: the user cuts the agent off mid-sentence, twice. Early (turns
-- 2-4) they ask a FACTS question and, before the answer is finished, cut in with the detail
-- the agent had asked for; at the go-ahead they correct a value the agent is about to act on;
-- late (turn 17+) they cut off an answer with a second question. Retention probe in 9-15.
-- With a non-streaming agent the cut-in arrives as a second message in the same turn.
-- Expects facts.story (see personas/README.md): request, tool, id, id_label, answers,
-- expect, fix, questions (4+), correction = { field, from, to, text }.
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
    u:fill_until(16)
    u:interrupt{ after_chars = 25, prompt = s.questions[3],
                 text = "Sorry, one more thing: " .. s.questions[4] }
    u:fill_until(25)
  end,
}
