-- Non-native speaker. Tests robustness to typos and non-standard grammar: chatter is typed
-- with seeded typos (identifiers and emails are typed carefully, as people copy them), the
-- record id is given with two digits swapped and corrected (turns 2-5), and a question about
-- something else interrupts the flow once the work is done (turns 8-12). Late (turns 18-22)
-- they come back with one more request, correct it and cut in with a question. Retention
-- probes at turn 15 and of an opening detail at turn 24.
-- Expects facts.story (see personas/README.md): request (typed again, carefully, when the
-- agent twice does not understand), tool, id, id_label, wrong_id, answers, expect, fix (also
-- when the agent still does not understand after that), digression = { text, back },
-- questions, typos (rate, default 0.12), late (the late second request and recall probe; typed
-- carefully, as it names what to add).
return persona {
  name = "non-native",
  summary = "writes in broken English with typos, swaps two digits of the id and corrects them",
  needs = { "story.request", "story.tool", "story.id", "story.id_label", "story.wrong_id",
            "story.answers", "story.expect", "story.fix", "story.digression", "story.questions",
            "story.late" },
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
    r = story.negotiate(u, s, r, {
      yes = function() return careful(pick{ "Yes, please go ahead.", "Yes, is correct." }) end,
      no = function() return careful(s.fix) end,
      other = function(r)
        if not corrected and r:asks_for(s.id_label) then
          corrected = true
          u:style{ typos = false }
          r = u:correct{ field = s.id_label, from = s.wrong_id, to = s.id,
                         text = fmt("My number is %s... sorry, is %s.", s.wrong_id, s.id) }
          u:style{ typos = rate }
          return r
        end
      end,
      reply = function(r)
        local a = story.answer(s, r)
        if a then return careful(a) end
        confused = confused + 1
        -- Not understood twice, they type the request again, carefully this time (a typo in
        -- its key word is the likeliest reason), and only then spell everything out in `fix`.
        if confused == 1 then return careful("Sorry, I not understand. What you need from me?") end
        return careful(confused == 2 and s.request or s.fix)
      end,
    })
    u:say(s.questions[1])
    u:topic_switch{ text = s.digression.text, back = s.digression.back }
    for i = 2, #s.questions do u:say(s.questions[i]) end
    u:fill_until(14)
    u:style{ typos = false }  -- the probes are checked, not the spelling; the request names values
    u:probe("id", fmt("Can you remind me which %s I gave you?", s.id_label))
    story.late_request(u, s)
    story.late_recall(u, s)
    u:style{ typos = rate }
    u:fill_until(25)
  end,
}
