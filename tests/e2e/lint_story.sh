#!/usr/bin/env bash
# spar lint's dry run covers the whole story (issue 17, point 3): it plays every scenario to its
# max_turns against a stand-in agent that answers every kind of turn, so a typo at turn 23 is
# caught; it reports the turns played and warns, path:line, about lines no dry run reached.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
mkdir -p scenarios personas

# A persona that only gets far when the agent does what a real one would: it waits for a
# question, then for a proposal asking to go ahead, then for a tool call, and gives up at turn
# 12 if any never comes (an agent that only says "tell me more" never gets past that). At turn
# 23 it probes with a misspelt method.
cat >personas/patient.lua <<'LUA'
return persona {
  name = "patient",
  run = function(u, facts)
    local r = u:say("Hi, I need to cancel an order.")
    while not r.text:find("?", 1, true) and r.turn < 12 do r = u:say("Hello?") end
    u:plant("order", facts.order_id)
    r = u:say("It is order " .. facts.order_id .. ".")
    while not r:asks_go_ahead() and r.turn < 12 do r = u:say("Can you cancel it?") end
    if r.turn >= 12 then
      u:say("I give up.")
      return u:stop("no proposal")
    end
    r = u:say("Yes, go ahead.")
    while not r:called("cancel_order") and r.turn < 12 do r = u:say("Please do it now.") end
    if r.turn >= 12 then
      return u:stop("never called the tool")
    end
    u:fill_until(22)
    u:prbe("order", "Which order was it again?")
    u:fill_until(25)
  end,
}
LUA
cat >scenarios/cancel.lua <<'LUA'
return scenario {
  id = "cancel",
  persona = "patient",
  system = "You are a support agent.",
  facts = { order_id = "4471" },
  state = { orders = { ["4471"] = { status = "open" } } },
  tools = {
    cancel_order = {
      description = "Cancel an order.",
      parameters = { type = "object", properties = { order_id = { type = "string" } }, required = { "order_id" } },
      run = function(state, args)
        local order = state.orders[args.order_id]
        if not order then
          return { ok = false, error = "no such order" }
        end
        order.status = "cancelled"
        return { ok = true }
      end,
    },
  },
  goal = function(state)
    return state.orders["4471"].status == "cancelled"
  end,
}
LUA

expect_exit 2 "$SPAR" lint personas scenarios
grep -qxF "personas/patient.lua:19: attempt to call a nil value (method 'prbe')" "$WORK/out" ||
  fail "the typo at turn 23: $(cat "$WORK/out")"
grep -qxF "scenarios/cancel.lua: dry run: 22 of 25 turns against the stand-in agent (ended: script_error)" "$WORK/err" ||
  fail "the turns played: $(cat "$WORK/err")"
pass "lint's dry run reaches turn 23 and catches the probe typo there"

# Fixed, the story lints clean to turn 25; the give-up lines no dry run reached are warnings
# with path:line (exit 0: a warning is not a problem).
sed -i 's/u:prbe(/u:probe(/' personas/patient.lua
expect_exit 0 "$SPAR" lint personas scenarios
grep -qxF "scenarios/cancel.lua: dry run: 25 of 25 turns against the stand-in agent (ended: max_turns)" "$WORK/err" ||
  fail "25 turns: $(cat "$WORK/err")"
cat >"$WORK/want" <<'TXT'
personas/patient.lua:10: warning: lint's dry run never reached 3 lines of code: 10-11, 16
scenarios/cancel.lua:14: warning: lint's dry run never reached 1 line of code: 14
TXT
diff "$WORK/want" "$WORK/out" || fail "unreached lines"
grep -qxF "lint: 1 persona, 1 scenario, 0 problems, 2 warnings" "$WORK/err" || fail "lint count: $(cat "$WORK/err")"
pass "a clean story plays 25 turns; unreached lines are warnings naming path:line"

# The stand-in's tool calls run the scenario's tools: a tool that returns nothing is caught.
sed -i 's/        return { ok = true }/        order.touched = true/' scenarios/cancel.lua
expect_exit 2 "$SPAR" lint personas scenarios
grep -qF "scenarios/cancel.lua:11: tool 'cancel_order' returned nothing (nil)" "$WORK/out" ||
  fail "tool nil in lint: $(cat "$WORK/out")"
pass "lint's tool calls catch a tool returning nothing"
