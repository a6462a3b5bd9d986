-- Self-corrector. Tests: two self-corrections, each inside one message ("4417, sorry, 4471"):
-- the record id early (turn 2), where the wrong id is another customer's record, and a
-- second value mid-flow (turns 4-8) when the agent asks for it; a retention probe of the
-- corrected id (turn 15), after the work is done; then one more request (turns 18-22), where
-- a value is corrected the same way, and a probe of an opening detail (turn 24).
-- Expects facts.story (see personas/README.md): request, id, id_label, wrong_id, answers,
-- expect, fix, questions, and second_correction = { field, key, from, to } where `key` is a
-- word of the agent's question that triggers it ("refund"), late (the late second request and
-- recall probe).
return persona {
  name = "self-corrector",
  summary = "gives a wrong id and corrects it in the same breath, later corrects a second detail",
  needs = { "story.request", "story.id", "story.id_label", "story.wrong_id", "story.answers",
            "story.expect", "story.fix", "story.questions", "story.second_correction", "story.late" },
  run = function(u, facts)
    local s = facts.story
    local r = u:say(s.request)
    u:plant("id", s.id)
    r = u:correct{ field = s.id_label, from = s.wrong_id, to = s.id,
                   text = fmt("It's %s %s, sorry, %s.", s.id_label, s.wrong_id, s.id) }

    local c, corrected, asked = s.second_correction, false, 0
    r = story.negotiate(u, s, r, {
      superseded = function() return corrected and c.from end,
      yes = function()
        if asked < #s.questions and asked < 1 then  -- one question while the go-ahead is pending
          asked = asked + 1
          return u:say(s.questions[asked])
        end
        return u:say(pick{ "Yes, please do.", "Yes, that's right, go ahead." })
      end,
      other = function(r)
        if not corrected and r:asks_for(c.key) then
          corrected = true
          return u:correct{ field = c.field, from = c.from, to = c.to,
                            text = fmt("%s, no, sorry, I mean %s.", c.from, c.to) }
        end
      end,
    })

    for i = asked + 1, #s.questions do
      u:say(s.questions[i])
    end
    u:fill_until(14)
    u:probe("id", fmt("Sorry, which %s did I give you in the end?", s.id_label))
    story.late_request(u, s)
    story.late_recall(u, s)
    u:fill_until(25)
  end,
}
