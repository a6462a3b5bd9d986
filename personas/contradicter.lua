-- Contradicter. Tests contradictions, which differ from corrections: the user never admits
-- a change, they assert the new version as if they had always said it ("I never said...").
-- Mid-flow (turns 4-10), when the agent reads back the value from the opening request, the
-- user contradicts it. The agent must act on the final version only. Late (turn 16) they
-- contradict a remark they made in turn 2, then come back with one more request (turns
-- 18-22). Retention probes in the 9-15 window and of an opening detail at turn 24.
-- Expects facts.story (see personas/README.md): request (states contradiction.earlier), tool,
-- id, id_label, answers, expect, fix, questions, contradiction = { field, earlier, now, text },
-- late_contradiction = { first, field, earlier, now, text } (`first` is the turn-2 remark
-- `text` contradicts), late (the late second request and recall probe).
return persona {
  name = "contradicter",
  summary = "states one version of events, later insists on another as if it had always said so",
  needs = { "story.request", "story.tool", "story.id", "story.id_label", "story.answers",
            "story.expect", "story.fix", "story.questions", "story.contradiction",
            "story.late_contradiction", "story.late" },
  run = function(u, facts)
    local s, c, lc = facts.story, facts.story.contradiction, facts.story.late_contradiction
    local r = u:say(s.request)
    u:plant("id", s.id)
    r = u:say(lc.first)

    local contradicted = false
    r = story.negotiate(u, s, r, {
      first = function(r)
        if r:asks_go_ahead() and not contradicted and r:mentions(c.earlier) then
          contradicted = true
          return u:contradict{ field = c.field, earlier = c.earlier, now = c.now, text = c.text }
        end
      end,
      yes_texts = { "Yes, go ahead.", "Yes, please do." },
    })

    for _, q in ipairs(s.questions) do
      if u:turn() >= 13 then break end
      u:say(q)
    end
    u:fill_until(13)
    u:probe("id", fmt("Remind me, which %s did I give you?", s.id_label))
    u:fill_until(15)
    u:contradict{ field = lc.field, earlier = lc.earlier, now = lc.now, text = lc.text }
    story.late_request(u, s)
    story.late_recall(u, s)
    u:fill_until(25)
  end,
}
