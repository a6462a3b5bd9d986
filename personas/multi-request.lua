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
return persona {
  name = "multi-request",
  summary = "asks for several things at once and makes sure every one gets done",
  needs = { "story.request", "story.requests", "story.id", "story.id_label", "story.answers",
            "story.fix", "story.correction", "story.contradiction", "story.questions", "story.late" },
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
      local confirming
      for _, req in ipairs(s.requests) do
        if not done[req.tool] and r:proposes(req.expect, story.wrong(s, corrected and c.from)) then confirming = req end
      end
      if r:asks_go_ahead() and not corrected and r:mentions(c.from) then
        corrected = true
        r = u:correct{ field = c.field, from = c.from, to = c.to, text = c.text }
      elseif r:asks_go_ahead() and confirming then
        r = u:say(pick{ "Yes, go ahead.", "Yes, please." })
      elseif r:asks_go_ahead() then
        r = u:say(s.fix)
      elseif not contradicted and r:asks_for(k.key) then
        contradicted = true
        r = u:contradict{ field = k.field, earlier = k.earlier, now = k.now, text = k.text }
      else
        r = story.reply(u, s, r, pending.again)
      end
    end
    for _, q in ipairs(s.questions) do
      if u:turn() >= 13 then break end
      u:say(q)
    end
    u:fill_until(13)
    u:probe("id", fmt("Remind me, which %s did I give you?", s.id_label))
    story.late_request(u, s)
    story.late_recall(u, s)
    u:fill_until(25)
  end,
}
