-- Never-minder. Tests an ambiguous retraction: the user asks for two things in one breath,
-- and when the agent asks to go ahead with one of them says only "never mind" (turns 4-8)
-- without saying which part. The agent must not act, and must ask what to drop; the user
-- then keeps one request and drops the other (an intent change). Late (turns 18-22) they come
-- back with one more request, correct it and cut in with a question. Retention probes at turn
-- 15 and of an opening detail at turn 24.
-- Expects facts.story (see personas/README.md): request (names both actions; the one to drop
-- last), intent (the dropped one), alt_intent, tool (alt_intent's tool), id, id_label,
-- answers, expect, fix, drop_expect (words in a confirmation of the dropped action),
-- never_mind, referent (what "never mind" refers to), clarify, questions, late (the late
-- second request and recall probe).
return persona {
  name = "never-minder",
  summary = "asks for two things, then says 'never mind' without saying which",
  needs = { "story.request", "story.intent", "story.alt_intent", "story.tool", "story.id",
            "story.id_label", "story.answers", "story.expect", "story.fix", "story.drop_expect",
            "story.never_mind", "story.referent", "story.clarify", "story.questions", "story.late" },
  run = function(u, facts)
    local s = facts.story
    local r = u:say(s.request)
    u:plant("id", s.id)
    local retracted = false
    r = story.negotiate(u, s, r, {
      first = function(r)
        if r:asks_go_ahead() and not retracted and r:proposes(s.drop_expect) then
          retracted = true
          u:ambiguous{ text = s.never_mind, referent = s.referent }
          return u:change_intent{ from = s.intent, to = s.alt_intent, text = s.clarify }
        end
      end,
      yes_texts = { "Yes, go ahead.", "Yes, that's it." },
    })
    for _, q in ipairs(s.questions) do u:say(q) end
    u:fill_until(14)
    u:probe("id", fmt("Remind me, which %s did I give you?", s.id_label))
    story.late_request(u, s)
    story.late_recall(u, s)
    u:fill_until(25)
  end,
}
