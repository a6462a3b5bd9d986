-- Over-sharer. Tests finding the request in a wall of text: the opening message is a long
-- story that mentions two of the user's orders, and the one that matters comes last (an
-- ambiguity the agent must resolve, turn 1). Every answer comes wrapped in chatter, one
-- tangent cuts into the agent's first question (turns 2-3) and another comes late (turns
-- 16-17), before one more request (turns 18-22). Retention probes in the 9-15 window and of an
-- opening detail at turn 24.
-- Expects facts.story (see personas/README.md): story_text (the opening wall of text), id,
-- id_label, other_id, tool, answers, expect, fix, tangents = { {text, back}, {text, back} },
-- questions, late (the late second request and recall probe).
local ASIDES = { "Oh, hang on, let me find my glasses. ", "Right, my daughter keeps moving my papers, one moment. ",
                 "Sorry, the dog is barking at the postman again. ", "Let me look, I wrote it on the back of an envelope. " }

return persona {
  name = "over-sharer",
  summary = "buries the request in a long story, wraps every answer in chatter, wanders off",
  needs = { "story.story_text", "story.id", "story.id_label", "story.other_id", "story.tool",
            "story.answers", "story.expect", "story.fix", "story.tangents", "story.questions",
            "story.late" },
  run = function(u, facts)
    local s = facts.story
    local r = u:ambiguous{ text = s.story_text, referent = s.id, candidates = { s.other_id, s.id } }
    u:plant("id", s.id)
    local wandered = false
    r = story.negotiate(u, s, r, {
      yes_texts = { "Yes, go ahead, thank you, you're very kind.", "Yes please, that's right." },
      other = function(r)
        if not wandered and r:asks_question() then
          wandered = true
          return u:topic_switch{ text = s.tangents[1].text, back = s.tangents[1].back }
        end
      end,
      reply = function(r)
        local a = story.answer(s, r)
        return a and u:say(pick(ASIDES) .. a) or u:unread(r)
      end,
    })
    for i = 1, 2 do u:say(s.questions[i]) end
    u:fill_until(11)
    u:probe("id", fmt("Remind me, which %s did I give you? I have so many.", s.id_label))
    for i = 3, #s.questions do u:say(s.questions[i]) end
    u:fill_until(15)
    u:topic_switch{ text = s.tangents[2].text, back = s.tangents[2].back }
    story.late_request(u, s)
    story.late_recall(u, s)
    u:fill_until(25)
  end,
}
