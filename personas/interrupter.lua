-- Interrupter. Tests barge-in: the user cuts the agent off mid-sentence, twice. Early (turns
-- 2-4) they ask a FACTS question and, before the answer is finished, cut in with the detail
-- the agent had asked for; at the go-ahead they correct a value the agent is about to act on;
-- late (turns 16-17) they cut off an answer with a second question, then come back with one
-- more request (turns 18-22). Retention probes in 9-15 and of an opening detail at turn 24.
-- With a non-streaming agent the cut-in arrives as a second message in the same turn.
-- Expects facts.story (see personas/README.md): request, tool, id, id_label, answers,
-- expect, fix, questions (4+), correction = { field, from, to, text }, late (the late second
-- request and recall probe).
return persona {
  name = "interrupter",
  summary = "cuts the agent off mid-answer with the next detail or question, corrects a value at the go-ahead",
  needs = { "story.request", "story.tool", "story.id", "story.id_label", "story.answers",
            "story.expect", "story.fix", "story.questions", "story.correction", "story.late" },
  run = function(u, facts)
    local s = facts.story
    local r = u:say(s.request)
    u:plant("id", s.id)
    local early = story.answer(s, r)
    if early then
      r = u:interrupt{ after_chars = 30, prompt = s.questions[1],
                       text = "Sorry, cutting in: " .. early }
    end

    local c, corrected = s.correction, false
    r = story.negotiate(u, s, r, {
      first = function(r)  -- corrects the value the agent is about to act on
        if r:asks_go_ahead() and not corrected and r:mentions(c.from) then
          corrected = true
          return u:correct{ field = c.field, from = c.from, to = c.to, text = c.text }
        end
      end,
      superseded = function() return corrected and c.from end,
      yes_texts = { "Yes, go ahead.", "Yes, do it." },
    })

    u:say(s.questions[2])
    u:fill_until(12)
    u:probe("id", fmt("Remind me, which %s did I give you?", s.id_label))
    u:fill_until(15)
    u:interrupt{ after_chars = 25, prompt = s.questions[3],
                 text = "Sorry, one more thing: " .. s.questions[4] }
    story.late_request(u, s)
    story.late_recall(u, s)
    u:fill_until(25)
  end,
}
