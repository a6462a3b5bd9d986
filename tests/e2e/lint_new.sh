#!/usr/bin/env bash
# spar new writes templates that lint clean and run; spar lint reports problems as path:line.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

expect_exit 0 "$SPAR" new persona skeptic
grep -q '^wrote ./personas/skeptic.lua$' "$WORK/out" || fail "new persona output"
expect_exit 0 "$SPAR" new scenario retail/late-delivery
expect_exit 0 "$SPAR" lint personas scenarios
[ ! -s "$WORK/out" ] || fail "templates should lint clean: $(cat "$WORK/out")"
grep -q '^lint: 1 persona, 1 scenario, 0 problems, 0 warnings$' "$WORK/err" || fail "lint summary"
pass "templates lint clean"

expect_exit 0 "$SPAR" run --first-persona scenarios --agent mock -k 2 --out run -q
jq -e -s 'all(.[]; .score.pass == true and .turns == 25)' run/results.jsonl >/dev/null || fail "template scenario runs 25 turns and passes"
pass "template scenario runs against the mock agent"

expect_exit 2 "$SPAR" new persona skeptic
grep -q "already exists (use --force)" "$WORK/err" || fail "overwrite refused"
expect_exit 2 "$SPAR" new persona "Bad Name"
grep -q "bad persona name 'Bad Name'" "$WORK/err" || fail "bad name"
pass "new refuses overwrites and bad names"

# Problems: a misspelt tool, a persona calling a method that does not exist, a missing goal,
# a syntax error, and a script that declares nothing.
sed -i 's/    cancel_order = {/    cancel_order_x = {/' scenarios/retail/late-delivery.lua
printf 'return persona { run = function(u)\n  u:sya("hello")\nend }\n' >personas/typo.lua
printf 'return scenario { persona = "typo" }\n' >scenarios/retail/no-goal.lua
printf 'return persona {\n  run = function(u) u:say("x") end\n' >personas/broken.lua
printf 'return 42\n' >personas/nothing.lua
expect_exit 2 "$SPAR" lint personas scenarios
cat >"$WORK/want" <<'TXT'
personas/broken.lua:3: '}' expected (to close '{' at line 1) near <eof>
personas/nothing.lua: the script must return persona{...} or scenario{...}
scenarios/retail/late-delivery.lua:67: intents.cancel names an unknown tool 'cancel_order' (did you mean 'cancel_order_x'?)
scenarios/retail/late-delivery.lua:63: policy require_confirmation(cancel_order) names an unknown tool 'cancel_order' (did you mean 'cancel_order_x'?)
scenarios/retail/late-delivery.lua:64: policy forbid_tool(cancel_order) names an unknown tool 'cancel_order' (did you mean 'cancel_order_x'?)
scenarios/retail/no-goal.lua:1: scenario has no goal(state): every completed conversation passes
personas/typo.lua:2: attempt to call a nil value (method 'sya')
TXT
diff "$WORK/want" "$WORK/out" || fail "lint output"
pass "lint pins every problem to path:line"

# The bundled library lints clean.
cd "$SPAR_ROOT"
expect_exit 0 "$SPAR" lint personas scenarios
pass "the bundled personas and scenarios lint clean"
