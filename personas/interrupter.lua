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
  run = function(u, facts)
    local s = facts.story
    local r = u:say(s.request)
    u:plant("id", s.id)
    local early = story.answer(s, r)
    if early then
      r = u:interrupt{ after_chars = 30, prompt = s.questions[1],
                       text = "Sorry, cutting in: " .. early }
    end

    local corrected = false
    for _ = 1, 10 do
      if r:called(s.tool) then break end
      if r:asks_go_ahead() and not corrected and r:mentions(s.correction.from) then
        corrected = true
        r = u:correct{ field = s.correction.field, from = s.correction.from, to = s.correction.to,
                       text = s.correction.text }
      elseif r:asks_go_ahead() and r:proposes(s.expect, story.wrong(s, corrected and s.correction.from)) then
        r = u:say(pick{ "Yes, go ahead.", "Yes, do it." })
      elseif r:asks_go_ahead() then
        r = u:say(s.fix)
      else
        r = story.reply(u, s, r)
      end
    end

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
