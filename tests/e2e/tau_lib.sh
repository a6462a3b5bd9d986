#!/usr/bin/env bash
# scenarios/_tau.lua, the Python data model under every ported tau tool: json.dumps, repr, str
# and round of random values compared byte for byte with Python's own, and T.reward's verdicts
# and evidence on small databases. The values reach Lua through tools/tau-import/common.py's
# lua_literal, as the imported databases do, and _tau.lua through include()'s lookup in the
# folders above.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

N=400
sanitized && N=80
mkdir -p lib/cases
cp "$SPAR_ROOT/scenarios/_tau.lua" lib/_tau.lua

python3 - "$SPAR_ROOT/tools/tau-import" "$N" >lib/cases/_cases.lua <<'PY'
import random, sys
sys.path.insert(0, sys.argv[1])
from common import dumps_cases, lua_literal, lua_string
rng = random.Random(15)
n = int(sys.argv[2])
print('local T = include("_tau.lua")')
print("return {")
for v, indent, want in dumps_cases(rng, n):
    print("{ kind = 'dumps', v = %s, indent = %s, want = %s }," % (lua_literal(v), "nil" if indent is None else indent, lua_string(want)))
for _ in range(n):
    x = rng.uniform(-1, 1) * 10 ** rng.randint(-6, 6)
    if rng.random() < 0.3:
        x = rng.randint(-99999, 99999) / 1000 + rng.choice([0.005, 0.0005, 0.0])
    d = rng.randint(0, 4)
    print("{ kind = 'round', x = %s, n = %d, want = %s }," % (lua_literal(x), d, lua_string(repr(round(x, d)))))
    print("{ kind = 'str', x = %s, want = %s }," % (lua_literal(x), lua_string(str(x))))
for s in ["plain", "it's", 'say "hi"', "both ' and \"", "tab\there", "nl\nx", "back\\slash", "\x01", "café"]:
    print("{ kind = 'repr', x = %s, want = %s }," % (lua_literal(s), lua_string(repr(s))))
print("{ kind = 'repr', x = %s, want = %s }," % (lua_literal({"a": [1, 2.5, True, "x"], "b": {}}), lua_string(repr({"a": [1, 2.5, True, "x"], "b": {}}))))
print("}")
PY

cat >lib/cases/check.lua <<'LUA'
local T = include("_tau.lua")
local cases = include("_cases.lua")
return scenario {
  id = "tau/lib",
  goal = function()
    for i, c in ipairs(cases) do
      local got
      if c.kind == "dumps" then got = T.dumps(c.v, c.indent and { indent = c.indent } or nil)
      elseif c.kind == "round" then got = T.repr(T.round(c.x, c.n))
      elseif c.kind == "str" then got = T.str(c.x)
      else got = T.repr(c.x) end
      if got ~= c.want then return false, "case " .. i .. " (" .. c.kind .. "): got " .. got .. ", Python " .. c.want end
    end
    return true
  end,
  persona = persona { run = function(u) u:say("hi") end },
}
LUA

expect_exit 0 "$SPAR" run lib/cases/check.lua --agent mock -k 1 --out "$WORK/lib" -q --history ""
[ "$(jq -r .score.goal_met lib/results.jsonl)" == true ] || fail "T.dumps/round/str/repr differ from Python: $(jq -r .score.goal_evidence lib/results.jsonl)"
pass "$N json.dumps values, $N round(), $N str() and the repr()s match Python byte for byte"

# The check can fail: one wrong expectation is named with the case.
sed -i '0,/want = "/s//want = "X/' lib/cases/_cases.lua
expect_exit 0 "$SPAR" run lib/cases/check.lua --agent mock -k 1 --out "$WORK/lib-bad" -q --history ""
jq -r .score.goal_evidence lib-bad/results.jsonl | grep -q '^case 1 (dumps): got ' || fail "a wrong expectation was not caught"
pass "a differing value is named as evidence"

# T.reward: the gold end state as the records that change, order of dict keys ignored, 1 and
# 1.0 apart, required outputs as tau-bench finds them, and reward 0 unless the conversation is done.
cat >lib/cases/reward.lua <<'LUA'
local T = include("_tau.lua")
local function db()
  return T.dict("orders", T.dict("#W1", T.dict("status", "pending", "total", 10.0, "items", { "a", "b" }),
                                 "#W2", T.dict("status", "delivered", "total", 5)))
end
local gold = { changed = { orders = { ["#W1"] = T.dict("total", 10.0, "status", "cancelled", "items", { "a", "b" }) } },
               removed = {}, outputs = { "10.0" } }
local done = { ended = "user_stop", replies = { "Your refund is 10.0, done." } }
local function expect(name, want_ok, want_why, ok, why)
  if ok ~= want_ok or (want_why and (why or ""):find(want_why, 1, true) == nil) then
    error(name .. ": got " .. tostring(ok) .. " " .. tostring(why) .. ", want " .. tostring(want_ok) .. " " .. tostring(want_why), 0)
  end
end
return scenario {
  id = "tau/reward",
  goal = function()
    local initial = db()
    local s = db()
    expect("untouched", false, 'orders["#W1"].status: "pending", gold "cancelled"', T.reward(s, done, gold, initial))
    T.set(s.orders["#W1"], "status", "cancelled")
    expect("gold", true, nil, T.reward(s, done, gold, initial))
    expect("not done", false, "ended by max_steps", T.reward(s, { ended = "max_steps", replies = done.replies }, gold, initial))
    expect("no output", false, 'required output "10.0"', T.reward(s, { ended = "user_stop", replies = { "Your refund is 10, done." } }, gold, initial))
    expect("comma", true, nil, T.reward(s, { ended = "tool_stop", replies = { "Refund: 1,0.0" } }, gold, initial))
    s.orders["#W1"].total = 10
    expect("int for float", false, 'orders["#W1"].total: 10, gold 10.0', T.reward(s, done, gold, initial))
    s.orders["#W1"].total = 10.0
    T.set(s.orders["#W2"], "note", "x")
    expect("other record", false, 'orders["#W2"].note: "x", gold has no such key', T.reward(s, done, gold, initial))
    T.del(s.orders["#W2"], "note")
    T.set(s.orders, "#W3", T.dict())
    expect("new record", false, 'orders["#W3"]: {}, gold has no such record', T.reward(s, done, gold, initial))
    T.del(s.orders, "#W3")
    s.orders["#W1"].items = { "b", "a" }
    expect("list order", false, 'orders["#W1"].items[0]: "b", gold "a"', T.reward(s, done, gold, initial))
    return true
  end,
  persona = persona { run = function(u) u:say("hi") end },
}
LUA
expect_exit 0 "$SPAR" run lib/cases/reward.lua --agent mock -k 1 --out "$WORK/reward" -q --history ""
[ "$(jq -r .ended reward/results.jsonl)" == persona_done ] || fail "T.reward check raised: $(jq -c .error reward/results.jsonl)"
[ "$(jq -r .score.goal_met reward/results.jsonl)" == true ] || fail "T.reward: $(jq -c .score reward/results.jsonl)"
pass "T.reward: gold records, key order, 1 vs 1.0, outputs, done, and the evidence of each"
