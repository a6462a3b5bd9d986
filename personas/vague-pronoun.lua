-- Vague-pronoun user. Tests reference resolution: the user says "them", "the one that came on
-- Tuesday", "the one we swapped" instead of naming the record, while owning two similar ones.
-- The agent must ask which record is meant (turns 1-2) rather than guess, and later resolve a
-- back-reference from the conversation (turn 16) before one more request (turns 18-22).
-- Retention probes in the 9-15 window and of an opening detail at turn 24.
-- Expects facts.story (see personas/README.md): request (vague, names no record), tool, id,
-- id_label, other_id, answers, expect, fix, vague_id (a vague answer to "which one?"),
-- back_reference (a late question that refers back to the record), questions, late (the late
-- second request and recall probe).
return persona {
  name = "vague-pronoun",
  summary = "says it, them and the one from Tuesday instead of naming the order",
  needs = { "story.request", "story.tool", "story.id", "story.id_label", "story.other_id",
            "story.answers", "story.expect", "story.fix", "story.vague_id", "story.back_reference",
            "story.questions", "story.late" },
  run = function(u, facts)
    local s = facts.story
    local candidates = { s.id, s.other_id }
    local r = u:ambiguous{ text = s.request, referent = s.id, candidates = candidates }
    if r:asks_for(s.id_label) then
      r = u:ambiguous{ text = s.vague_id, referent = s.id, candidates = candidates }
    end
    u:plant("id", s.id)
    r = story.negotiate(u, s, r, { rounds = 8, yes_texts = { "Yes, go ahead.", "Yes, that one." } })
    for _, q in ipairs(s.questions) do u:say(q) end
    u:fill_until(12)
    u:probe("id", fmt("Remind me, which %s did I give you?", s.id_label))
    u:fill_until(15)
    u:ambiguous{ text = s.back_reference, referent = s.id, candidates = candidates }
    story.late_request(u, s)
    story.late_recall(u, s)
    u:fill_until(25)
  end,
}
