#!/usr/bin/env bash
# Scripts that try to crash, hang or escape spar, inside a real run and a real lint: each one
# ends its own conversation as a script error with path:line (or is refused by lint), the
# well-behaved scenario next to them still passes, and the run finishes.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
mkdir -p personas scenarios/evil
cp "$SPAR_ROOT/engine/cli/templates/scenario.lua" scenarios/evil/ok.lua
sed -i 's/{{id}}/evil\/ok/; s/{{name}}/ok/' scenarios/evil/ok.lua
attack() {  # attack NAME LUA: a scenario whose inline persona runs LUA on its first step (line 5)
  printf 'return scenario {\n  goal = function(state) return true end,\n  persona = persona { run = function(u)\n    u:say("hi")\n%s\n  end },\n}\n' "$2" \
    >"scenarios/evil/$1.lua"
}
attack long-error   '    error(string.rep("x", 60000))'
attack raw-yield    '    coroutine.yield{ op = "say", text = "x", events = { { type = "intent_change", from = {}, to = 5 } } }'
attack bad-intent   '    u:change_intent{ from = {}, to = 5, text = "x" }'
attack tostring     '    error(setmetatable({}, { __tostring = function() error("again") end }))'
attack close-memory '    local x <close> = setmetatable({}, { __close = function() local s = string.rep("x", 512 << 20) end })
    error("boom")'
attack rep          '    string.rep("", math.maxinteger)
    table.move({}, 1, math.maxinteger, 1, {})'
attack tamper       '    string.find = function() return nil end'
mkdir -p elsewhere
printf 'return persona { run = function(u) u:say("hi") end }\n' >elsewhere/secret.lua
printf 'return scenario {\n  goal = function(state) return true end,\n  persona = "../../elsewhere/secret",\n}\n' >elsewhere/escape.lua

expect_exit 0 "$SPAR" run --first-persona --allow-errors scenarios --agent mock -k 1 --out run --step-cpu 0.5 --lua-memory 16 --history "" -q
r=run/results.jsonl
msg() { jq -r --arg s "evil/$1" 'select(.scenario == $s) | .error.message' $r; }
msg long-error | grep -q '^scenarios/evil/long-error.lua:5: xxxx*\.\.\. (60033 bytes in all)$' || fail "long error: $(msg long-error | cut -c1-200)"
[ "$(msg raw-yield)" = "scenarios/evil/raw-yield.lua:5: coroutine.yield: each event.from has the wrong type (use the u: primitives)" ] \
  || fail "raw yield: $(msg raw-yield)"
[ "$(msg bad-intent)" = "scenarios/evil/bad-intent.lua:5: change_intent: from must be a string" ] || fail "intent: $(msg bad-intent)"
[ "$(msg tostring)" = "scenarios/evil/tostring.lua:5: (an error object of type table that cannot be shown)" ] || fail "tostring: $(msg tostring)"
[ "$(msg close-memory)" = "scenarios/evil/close-memory.lua:6: boom" ] || fail "close: $(msg close-memory)"
[ "$(msg rep)" = "scenarios/evil/rep.lua:6: table.move: a range of more than 1048576 elements (the memory budget's worth)" ] \
  || fail "rep: $(msg rep)"
[ "$(msg tamper)" = "scenarios/evil/tamper.lua:5: cannot change string.find: the string library is read-only" ] || fail "tamper: $(msg tamper)"
jq -e -s '[.[] | select(.scenario != "evil/ok")] | length == 7 and all(.error != null and .error.kind == "script")' $r >/dev/null \
  || fail "every attack ends its own conversation as a script error"
jq -e -s '[.[] | select(.scenario == "evil/ok")] | .[0].error == null and .[0].score.pass' $r >/dev/null \
  || fail "the well-behaved scenario still runs to completion"
pass "long errors, raw yields, bad fields, hostile error objects, __close, C loops and tampering stay one conversation's error"

# A persona name that climbs out of the personas folder is refused before any file is read.
cp -r personas elsewhere/
expect_exit 2 "$SPAR" run elsewhere/escape.lua --agent mock -k 1 --out run4 --history "" -q
grep -q "^spar: error: elsewhere/escape.lua:1: persona '../../elsewhere/secret' must be a name in the personas folder" "$WORK/err" \
  || fail "escape: $(cat "$WORK/err")"
pass "a persona outside the personas folder is refused with one line, exit 2"

# spar lint meets the same scripts: it reports each one and finishes.
expect_exit 2 "$SPAR" lint scenarios
grep -q "^scenarios/evil/close-memory.lua:6: boom$" "$WORK/out" || fail "lint: __close: $(cat "$WORK/out")"
grep -q "^scenarios/evil/tostring.lua:5: (an error object" "$WORK/out" || fail "lint: tostring"
grep -q "^scenarios/evil/rep.lua:6: table.move: a range of more than" "$WORK/out" || fail "lint: C loops"
grep -q "problems, [0-9]* warnings$" "$WORK/err" || fail "lint summary: $(cat "$WORK/err")"
pass "spar lint reports each hostile script and finishes"

# The __close handler wants a 512 MiB string; under the memory budget (64 MiB
# for lint, 16 for the run) the process stays far below that.
peak_kib() {  # peak_kib CMD...: the largest resident size of CMD, in KiB
  python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
lint_peak=$(peak_kib "$SPAR" lint scenarios/evil/close-memory.lua)
[ "$lint_peak" -lt 300000 ] || fail "lint: a __close handler ran past the memory budget (peak $lint_peak KiB)"
run_peak=$(peak_kib "$SPAR" run scenarios/evil/close-memory.lua --agent mock -k 1 --out run3 --lua-memory 16 --history "" -q)
[ "$run_peak" -lt 300000 ] || fail "run: a __close handler ran past the memory budget (peak $run_peak KiB)"
pass "__close handlers stay under the memory budget in lint and run (peaks $lint_peak, $run_peak KiB)"
