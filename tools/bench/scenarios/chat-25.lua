-- The benchmark conversation (scripts/bench, docs/performance.md): 25 scripted user turns of
-- plain chat, no tools, so every turn is exactly one request to the agent and the cost measured
-- is spar's own (Lua step, request building, HTTP, reply parsing, record).
-- The lines are fixed, so every conversation sends the same user text; the agent's replies
-- still vary with each conversation's seed. The goal is trivially true: pass = completed.
local LINES = {
  "Hello there, I'm planning a trip to Lisbon next spring.",
  "I'd like to stay about a week, maybe eight days.",
  "What neighbourhoods are nice for walking around in the evening?",
  "I'm travelling with my partner, and we both love seafood.",
  "Our budget is moderate, nothing too fancy for the hotel.",
  "Is it easy to get around by tram and on foot?",
  "We'd also like a day trip somewhere near the coast.",
  "Sintra keeps coming up when I read about the region.",
  "How early should we leave to avoid the crowds there?",
  "My partner gets seasick, so no boat tours please.",
  "We enjoy museums, especially tiles and modern art.",
  "Are there markets worth visiting on a Saturday morning?",
  "I'd like to try a fado evening at least once.",
  "Do restaurants usually expect a reservation for dinner?",
  "We prefer quiet places rather than busy tourist spots.",
  "The weather in April is usually mild, I think.",
  "Should we pack rain jackets just in case?",
  "I'm also curious about the bakeries and custard tarts.",
  "One evening we want a viewpoint for the sunset.",
  "We fly home on a Sunday afternoon from the airport.",
  "How long does the metro take from the centre to the airport?",
  "Let me summarise: eight days, walking, seafood, Sintra, fado.",
  "Please remind me of the two things to book in advance.",
  "That sounds like a lovely plan overall.",
  "Thank you so much, goodbye for now!",
}

return scenario {
  id = "bench/chat-25",
  summary = "25 scripted lines of plain chat, no tools: one request per turn",
  system = "You are a friendly travel assistant. Keep answers short.",
  persona = persona {
    name = "chat-25",
    summary = "says 25 fixed, varied lines, one per turn",
    run = function(u)
      for _, line in ipairs(LINES) do u:say(line) end
    end,
  },
  goal = function() return true end,
  max_turns = 25,
}
