-- Contradicter. Tests contradictions, which differ from corrections: the user never admits
-- a change, they assert the new version as if they had always said it ("I never said...").
-- Mid-flow (turns 4-10), when the agent reads back the value from the opening request, the
-- user contradicts it; late (turn 18) they contradict a remark they made in turn 2. The agent
-- must act on the final version only. Retention probe in the 9-15 window.
-- Expects facts.story (see personas/README.md): request (states contradiction.earlier), tool,
-- id, id_label, answers, expect, fix, questions, contradiction = { field, earlier, now, text },
-- late = { first, field, earlier, now, text } (`first` is the turn-2 remark `text` contradicts).
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
  name = "contradicter",
  summary = "states one version of events, later insists on another as if it had always said so",
  run = function(u, facts)
    local s, c, late = facts.story, facts.story.contradiction, facts.story.late
    local r = u:say(s.request)
    u:plant("id", s.id)
    r = u:say(late.first)

    local contradicted = false
    for _ = 1, 10 do
      if r:called(s.tool) then break end
      if wants_go_ahead(r) and not contradicted and r:mentions(c.earlier) then
        contradicted = true
        r = u:contradict{ field = c.field, earlier = c.earlier, now = c.now, text = c.text }
      elseif wants_go_ahead(r) and mentions_all(r, s.expect) then
        r = u:say(pick{ "Yes, go ahead.", "Yes, please do." })
      elseif wants_go_ahead(r) then
        r = u:say(s.fix)
      else
        r = u:say(answer_for(s, r) or "Sorry, what do you need from me?")
      end
    end

    for _, q in ipairs(s.questions) do
      if u:turn() >= 13 then break end
      u:say(q)
    end
    u:fill_until(13)
    u:probe("id", fmt("Remind me, which %s did I give you?", s.id_label))
    u:fill_until(17)
    u:contradict{ field = late.field, earlier = late.earlier, now = late.now, text = late.text }
    u:fill_until(25)
  end,
}
