-- Topic hopper. Tests topic switches: the user wanders off to unrelated questions three
-- times (turns 3-6, 8-13, 16-17) and comes back, once with a second request; a late third
-- request (turns 18-22) comes with a correction and a barge-in. The agent must answer or
-- decline the digression and then pick the task up where it was, without losing verified
-- details. Retention probes at turn 15 and of an opening detail at turn 24.
-- Expects facts.story (see personas/README.md): request, tool, id, id_label, answers, expect,
-- fix, digressions = { {text, back, topic?, expect?}, x3 } (`expect`: words a reply that is
-- back on task would contain, for a return no tool call follows), questions, late (the late
-- request and recall probe). Optional: next = { tool, expect }, a follow-up request the
-- second `back` makes; without it the second return comes back to the finished task.
-- Answers questions and confirms the right action until `tool` has been called.
local function work(u, s, r, tool, expect, hop)
  return story.negotiate(u, s, r, {
    rounds = 8, tool = tool, expect = expect, yes_texts = { "Yes, go ahead.", "Yes please." },
    first = function(r)  -- wanders off once, at the first question
      if hop and r:asks_question() and not r:asks_go_ahead() then
        local d = hop
        hop = nil
        return u:topic_switch{ text = d.text, back = d.back, topic = d.topic, expect = d.expect }
      end
    end,
  })
end

return persona {
  name = "topic-hopper",
  summary = "keeps wandering off to unrelated questions and coming back to the task",
  needs = { "story.request", "story.tool", "story.id", "story.id_label", "story.answers",
            "story.expect", "story.fix", "story.digressions", "story.questions",
            "story.late" },
  run = function(u, facts)
    local s = facts.story
    local r = u:say(s.request)
    u:plant("id", s.id)
    r = story.reply(u, s, r)
    r = work(u, s, r, s.tool, s.expect, s.digressions[1])
    u:say(s.questions[1])
    local d = s.digressions[2]
    r = u:topic_switch{ text = d.text, back = d.back, topic = d.topic, expect = d.expect }
    if s.next then work(u, s, r, s.next.tool, s.next.expect) end
    for i = 2, #s.questions do u:say(s.questions[i]) end
    u:fill_until(14)
    u:probe("id", fmt("Remind me, which %s did I give you?", s.id_label))
    d = s.digressions[3]
    u:topic_switch{ text = d.text, back = d.back, topic = d.topic, expect = d.expect }
    story.late_request(u, s)
    story.late_recall(u, s)
    u:fill_until(25)
  end,
}
