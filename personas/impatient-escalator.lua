-- Impatient escalator. Tests staying calm and on task under pressure: the user demands a
-- supervisor at the agent's first question and then comes back (a topic switch, turns 2-3),
-- barges in on the next answer with every detail at once (turns 4-5), says yes to anything
-- that gets it over with, takes the fallback the agent offers when a request cannot be done,
-- cuts off another answer late (turns 16-17), then comes back with one more request (turns
-- 18-22). Retention probe in the 9-15 window and of an opening detail at turn 24.
-- Expects facts.story (see personas/README.md): request, tool, id, id_label, answers, rush
-- (every detail the agent needs, in one breath), expect (words any go-ahead must contain for
-- a yes), fallback (accepts the alternative after a failed attempt), escalation = { text,
-- back }, questions (3+), late (the late second request and recall probe); optional next =
-- { request, tool, expect, fix }: a second write asked for once the first is done.
return persona {
  name = "impatient-escalator",
  summary = "in a hurry, cuts the agent off, demands a supervisor, says yes to get it over with",
  needs = { "story.request", "story.tool", "story.id", "story.id_label", "story.answers", "story.rush",
            "story.expect", "story.fallback", "story.escalation", "story.questions", "story.late" },
  run = function(u, facts)
    local s = facts.story
    local r = u:say(s.request)
    u:plant("id", s.id)
    r = u:topic_switch{ text = s.escalation.text, back = s.escalation.back, topic = "supervisor" }
    r = u:interrupt{ after_chars = 20, prompt = "How long is this going to take?",
                     text = "Look, just take it all: " .. s.rush }
    local function failed(r) return r:called(s.tool) and r:read().kinds.refusal == true end
    r = story.negotiate(u, s, r, {
      done = function(r) return r:called(s.tool) and not failed(r) end,
      first = function(r)  -- the write was refused: the fallback request
        if failed(r) then return u:say(s.fallback) end
      end,
      yes_texts = { "Yes, just do it already.", "Yes. Do it." },
      no = function() return u:say("No! " .. s.request) end,
    })
    if s.next then  -- a second request, once the first is done
      story.negotiate(u, s, u:say(s.next.request), { tool = s.next.tool, expect = s.next.expect,
                                                     no = function() return u:say(s.next.fix) end,
                                                     yes_texts = { "Yes. Do it." } })
    end
    u:say(s.questions[1])
    u:fill_until(12)
    u:probe("id", fmt("Remind me, which %s did I give you? I want to write it down.", s.id_label))
    u:fill_until(15)
    u:interrupt{ after_chars = 20, prompt = s.questions[2], text = "Just tell me this: " .. s.questions[3] }
    story.late_request(u, s)
    story.late_recall(u, s)
    u:fill_until(25)
  end,
}
