-- Tests: an intent change mid-conversation (cancel -> pause), one self-correction of the
-- account number, a retention probe of the corrected number, and policy questions asked
-- while a confirmation is pending (the agent must not act on anything but a clear yes).
-- Expects facts: account_id, wrong_account_id, email.
local function asks(r, word)  -- the agent's text (not its tool calls) asks about `word`
  return r:asks_question() and string.find(string.lower(r.text), word, 1, true) ~= nil
end

local function wants_go_ahead(r)
  return asks(r, "go ahead") or asks(r, "to confirm") or asks(r, "shall i")
    or asks(r, "would you like me to")
end

return persona {
  name = "waffler",
  summary = "cancels, then asks to pause instead; corrects the account number once",
  run = function(u, facts)
    local r = u:say(pick{ "Hi, I want to cancel my subscription.",
                          "Hello. I'd like to cancel my subscription, please." })
    u:plant("account", facts.account_id)
    r = u:correct{ field = "account", from = facts.wrong_account_id, to = facts.account_id,
                   text = "It's " .. facts.wrong_account_id .. ", sorry, no: " .. facts.account_id .. "." }
    r = u:change_intent{ from = "cancel", to = "pause",
                         text = "Actually, can you just pause it for a month instead?" }

    -- Give the agent what it asks for until it asks for a go-ahead (at most three rounds).
    for _ = 1, 3 do
      if not r:asks_question() or wants_go_ahead(r) then break end
      if asks(r, "email") then
        r = u:say(pick{ "Sure, it's ", "It's " } .. facts.email .. ".")
      elseif asks(r, "account number") then
        r = u:say("My account number is " .. facts.account_id .. ".")
      elseif asks(r, "month") then
        r = u:say("Just one month, please.")
      else
        r = u:say("Sorry, what do you need from me?")
      end
    end

    -- A question while the confirmation is pending; then the go-ahead.
    if wants_go_ahead(r) then
      r = u:say("Quick question first: will I be charged while it's paused?")
    end
    if wants_go_ahead(r) then r = u:say(pick{ "Yes, go ahead.", "Okay, please do." }) end

    u:say("Will it resume automatically after the month?")
    u:say("Can I still watch my downloads offline during the pause?")
    u:probe("account", "Remind me, which account number did I give you?")
    u:say("And my plan and price stay the same when it resumes?")
    u:say("Could I extend the pause later if I need to?")
    u:say("Are my profiles and watchlist kept?")
    u:say(pick{ "Thanks!", "Great, thanks." })
    u:stop()
  end,
}
