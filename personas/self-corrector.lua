-- Tests: a self-correction of the order number ("4417, sorry, 4471") where the wrong number
-- is another customer's order, slot filling over several turns (zip, reason, refund method),
-- policy questions asked mid-flow, and a retention probe of the corrected order number.
-- Expects facts: order_id, wrong_order_id, zip, item, reason, refund_method.
local function asks(r, word)  -- the agent's text (not its tool calls) asks about `word`
  return r:asks_question() and string.find(string.lower(r.text), word, 1, true) ~= nil
end

local function wants_go_ahead(r)
  return asks(r, "go ahead") or asks(r, "to confirm") or asks(r, "shall i")
    or asks(r, "would you like me to")
end

return persona {
  name = "self-corrector",
  summary = "returns an item, corrects the order number once, asks about the return policy",
  run = function(u, facts)
    local r = u:say(pick{ "Hi, I'd like to return a " .. facts.item .. " I bought.",
                          "Hello, I need to send back a " .. facts.item .. "." })
    u:plant("order", facts.order_id)
    r = u:correct{ field = "order", from = facts.wrong_order_id, to = facts.order_id,
                   text = "It's order " .. facts.wrong_order_id .. ", sorry, " .. facts.order_id .. "." }

    local asked_window = false
    -- Answer whatever the agent asks for, one thing per turn, until it asks for a go-ahead.
    for _ = 1, 6 do
      if not r:asks_question() or wants_go_ahead(r) then break end
      if asks(r, "zip") then
        r = u:say("The zip is " .. facts.zip .. ".")
      elseif asks(r, "order number") then
        r = u:say("The order number is " .. facts.order_id .. ".")
      elseif asks(r, "reason") then
        if not asked_window then
          asked_window = true
          r = u:say("Before that: is it still within the return window? It was delivered a couple of weeks ago.")
        else
          r = u:say("It's the " .. facts.reason .. ", it's too small.")
        end
      elseif asks(r, "refund") then
        r = u:say(pick{ "To the " .. facts.refund_method .. ", please.",
                        facts.refund_method:gsub("^%l", string.upper) .. " is fine." })
      else
        r = u:say("Sorry, what do you need from me?")
      end
    end

    if wants_go_ahead(r) then
      r = u:say("Do I have to pay for return shipping?")
    end
    if wants_go_ahead(r) then r = u:say(pick{ "Yes, please do.", "Yes, that's right." }) end

    u:probe("order", "Sorry, which order number did I give you in the end?")
    u:say("How long until the refund is issued once you receive it?")
    u:say("Do I need the original box?")
    u:say("Can I drop it off at a parcel shop?")
    u:say(pick{ "Perfect, thank you!", "Great, thanks for your help." })
    u:stop()
  end,
}
