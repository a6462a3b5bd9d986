-- Returning user. Tests back-references: the user opens by referring to an earlier chat, picks
-- an option as "the first one you mentioned" (an ambiguity the agent resolves from its own
-- earlier message or by asking, turns 4-10), asks for the retention probe as a reference to
-- the start of the chat (turns 9-15), late on asks about "the other option you mentioned
-- earlier" (turn 16), then comes back with one more request (turns 18-22) and is asked for a
-- detail from the opening turns (turn 24).
-- Expects facts.story (see personas/README.md): request, tool, id, id_label, answers, expect,
-- fix, pick = { key, text, referent, candidates } (`key`: a word of the agent's question),
-- back_reference = { text, referent, candidates? } (candidates default to pick's), questions,
-- yes_texts (optional: the yeses to a right go-ahead, where "book that one" does not fit),
-- late (the late second request and recall probe); optional next = { request, tool, expect,
-- fix }: a second write asked for once the first is done.
return persona {
  name = "returning-user",
  summary = "refers back to an earlier chat and to things the agent said several turns ago",
  needs = { "story.request", "story.tool", "story.id", "story.id_label", "story.answers",
            "story.expect", "story.fix", "story.pick", "story.back_reference", "story.questions",
            "story.late" },
  run = function(u, facts)
    local s, p = facts.story, facts.story.pick
    local r = u:say(s.request)
    u:plant("id", s.id)
    local picked = false
    r = story.negotiate(u, s, r, {
      yes_texts = s.yes_texts or { "Yes, go ahead.", "Yes, book that one." },
      other = function(r)
        if not picked and r:asks_for(p.key) then
          picked = true
          return u:ambiguous{ text = p.text, referent = p.referent, candidates = p.candidates }
        end
      end,
    })
    if s.next then  -- a second request, once the first is done
      story.negotiate(u, s, u:say(s.next.request), { tool = s.next.tool, expect = s.next.expect,
                                                     no = function() return u:say(s.next.fix) end })
    end
    for _, q in ipairs(s.questions) do
      if u:turn() >= 11 then break end
      u:say(q)
    end
    u:fill_until(11)
    u:probe("id", fmt("Going back to the start of our chat: remind me, which %s did I give you?", s.id_label))
    u:fill_until(15)
    u:ambiguous{ text = s.back_reference.text, referent = s.back_reference.referent,
                 candidates = s.back_reference.candidates or p.candidates }
    story.late_request(u, s)
    story.late_recall(u, s)
    u:fill_until(25)
  end,
}
