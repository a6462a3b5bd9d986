#!/usr/bin/env bash
# Hostile persona and scenario scripts: each attempt fails with a clear error naming the script
# and line; a runaway script ends its own conversation as an error and the run goes on.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
mkdir -p personas scenarios/evil
cp "$SPAR_ROOT/engine/cli/templates/scenario.lua" scenarios/evil/ok.lua
sed -i 's/{{id}}/evil\/ok/; s/{{name}}/ok/' scenarios/evil/ok.lua
attack() {  # attack NAME LUA: a scenario whose inline persona runs LUA on its first step
  printf 'return scenario {\n  goal = function(state) return true end,\n  persona = persona { run = function(u)\n    u:say("hi")\n%s\n  end },\n}\n' "$2" \
    >"scenarios/evil/$1.lua"
}
attack open-file  '    local f = io.open("/etc/passwd")'
attack spawn      "    os.execute(\"touch $WORK/pwned\")"
attack bytecode   '    load(string.dump(function() end))'
attack debug      '    debug.sethook()'
attack require    '    require("os")'
attack finalizer  '    setmetatable({}, { __gc = function() os.exit(1) end })'
# CPU attacks allocate nothing (the pcall'd function is made once), so the CPU budget is the
# only way out, however slow the machine. CPU time is counted, not wall-clock time.
attack spin       '    while true do end'
attack spin-pcall $'    local f = function() while true do end end\n    while true do pcall(f) end'
r=run/results.jsonl
msg() { jq -r --arg s "evil/$1" 'select(.scenario == $s) | .error.message' "$r"; }

expect_exit 0 "$SPAR" run --first-persona --allow-errors scenarios --agent mock -k 1 --out run --step-cpu 0.2 --history "" -q
[ "$(msg open-file)" = "scenarios/evil/open-file.lua:5: undefined global 'io'" ] || fail "io: $(msg open-file)"
[ "$(msg spawn)" = "scenarios/evil/spawn.lua:5: undefined global 'os'" ] || fail "os: $(msg spawn)"
[ "$(msg bytecode)" = "scenarios/evil/bytecode.lua:5: undefined global 'load'" ] || fail "load: $(msg bytecode)"
[ "$(msg debug)" = "scenarios/evil/debug.lua:5: undefined global 'debug'" ] || fail "debug: $(msg debug)"
[ "$(msg require)" = "scenarios/evil/require.lua:5: undefined global 'require'" ] || fail "require: $(msg require)"
[ "$(msg spin)" = "scenarios/evil/spin.lua:5: CPU budget of 0.2s per step exceeded" ] || fail "spin: $(msg spin)"
[ "$(msg spin-pcall)" = "scenarios/evil/spin-pcall.lua:6: CPU budget of 0.2s per step exceeded" ] || fail "pcall: $(msg spin-pcall)"
msg finalizer | grep -q "^scenarios/evil/finalizer.lua:5: setmetatable: __gc finalizers are not allowed" || fail "gc: $(msg finalizer)"
[ ! -e "$WORK/pwned" ] || fail "a script started a process"
jq -e -s '[.[] | select(.scenario != "evil/ok")] | length == 8 and all(.error != null and .error.kind == "script")' "$r" >/dev/null \
  || fail "every attack ends its conversation as a script error"
jq -e -s '[.[] | select(.scenario == "evil/ok")] | length == 1 and .[0].error == null and .[0].score.pass' "$r" >/dev/null \
  || fail "the well-behaved scenario still runs to completion"
pass "files, processes, bytecode, debug and CPU are all refused with path:line; the run goes on"

# Memory attacks, in a run whose CPU budget (1000 s) cannot be reached first: one allocation
# far past the cap (refused at once), and a table grown 4 KiB at a time.
rm scenarios/evil/*.lua
cp "$SPAR_ROOT/engine/cli/templates/scenario.lua" scenarios/evil/ok.lua
sed -i 's/{{id}}/evil\/ok/; s/{{name}}/ok/' scenarios/evil/ok.lua
attack huge   '    local s = string.rep("x", 128 * 1024 * 1024)'
attack memory '    local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 4096) end'
expect_exit 0 "$SPAR" run --first-persona --allow-errors scenarios --agent mock -k 1 --out run --step-cpu 1000 --lua-memory 16 --history "" -q
[ "$(msg huge)" = "scenarios/evil/huge.lua:5: memory budget of 16 MiB exceeded" ] || fail "huge: $(msg huge)"
[ "$(msg memory)" = "scenarios/evil/memory.lua:5: memory budget of 16 MiB exceeded" ] || fail "memory: $(msg memory)"
jq -e -s 'length == 3 and ([.[] | select(.scenario == "evil/ok")] | length == 1 and .[0].error == null and .[0].score.pass)' \
  "$r" >/dev/null || fail "the well-behaved scenario completes beside the memory attacks"
pass "memory bombs end their own conversations with path:line; the run goes on"

# The same attacks in a scenario's own code (its tools) come back to the agent as tool errors.
cat >scenarios/evil/tool.lua <<'LUA'
return scenario {
  tools = { peek = { description = "Peek (keywords: peek)", parameters = { type = "object", properties = {} },
                     run = function(state, args) return io.open("/etc/passwd") end } },
  goal = function(state) return true end,
  persona = persona { run = function(u) u:say("please peek") u:say("yes") end },
}
LUA
expect_exit 0 "$SPAR" run --allow-errors scenarios/evil/tool.lua --agent mock -k 1 --out run2 --history "" -q
jq -e '.error == null' run2/results.jsonl >/dev/null || fail "a tool's error does not end the conversation"
# The agent did call the hostile tool, and got the sandbox's refusal back as the tool's result.
jq -e '[.transcript[] | .tool_calls // [] | .[] | select(.name == "peek")] | length >= 1' run2/results.jsonl >/dev/null \
  || fail "the agent never called the hostile tool: $(jq -c '[.transcript[] | {role, content, tool_calls}]' run2/results.jsonl)"
jq -e --arg want "scenarios/evil/tool.lua:3: undefined global 'io'" \
  '[.transcript[] | select(.role == "tool") | .content | tostring | select(contains($want))] | length >= 1' run2/results.jsonl >/dev/null \
  || fail "the tool's result is not the sandbox error: $(jq -c '[.transcript[] | select(.role == "tool")]' run2/results.jsonl)"
pass "a hostile tool becomes a tool error, not a crash"
