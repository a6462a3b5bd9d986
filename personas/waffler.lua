-- Waffler. Tests: a change of mind about what to do (turn 3: the first request is superseded
-- by a milder one), a self-correction of the record id (turn 2), a barge-in while the agent
-- is asking for the go-ahead (turns 4-10), and a retention probe of the corrected id in the
-- 9-15 window. The agent must drop the first intent entirely: its tool must never be called.
-- Late (turns 18-22) the user comes back with one more request, corrects it and cuts in with a
-- question; the agent must still know a detail from the opening turns (turn 24).
-- Expects facts.story (see personas/README.md): request, intent, alt_request, alt_intent,
-- tool (the alt intent's tool), id, id_label, wrong_id, answers, expect, fix, questions (3+),
-- late (the late second request and recall probe).
return persona {
  name = "waffler",
  summary = "asks for one thing, corrects the id, then settles for something milder instead",
  needs = { "story.request", "story.intent", "story.alt_request", "story.alt_intent", "story.tool",
            "story.id", "story.id_label", "story.wrong_id", "story.answers", "story.expect",
            "story.fix", "story.questions", "story.late" },
  run = function(u, facts)
    local s = facts.story
    local r = u:say(s.request)
    u:plant("id", s.id)
    r = u:correct{ field = s.id_label, from = s.wrong_id, to = s.id,
                   text = fmt("It's %s, sorry, no: %s.", s.wrong_id, s.id) }
    r = u:change_intent{ from = s.intent, to = s.alt_intent, text = s.alt_request }

    local interrupted = false
    r = story.negotiate(u, s, r, {
      rounds = 8,
      yes = function()
        if interrupted then return u:say(pick{ "Yes, go ahead.", "Okay, please do." }) end
        -- Cuts in on the agent's answer with a second worry before saying yes.
        interrupted = true
        return u:interrupt{ after_chars = 40, prompt = s.questions[1],
                            text = "Sorry, before you do it: " .. s.questions[2] }
      end,
    })

    for i = 3, #s.questions do u:say(s.questions[i]) end
    u:fill_until(11)
    u:probe("id", fmt("Remind me, which %s did I give you?", s.id_label))
    story.late_request(u, s)
    story.late_recall(u, s)
    u:fill_until(25)
  end,
}
