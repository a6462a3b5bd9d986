# Sourced by the tau suites (tests/e2e/tau_*.sh, after lib.sh): tau_oracle_run plays one of the
# oracle agents (agent.py) over tau scenarios with the scripted tau user (user.py), then
# check.py compares every verdict and tool output with what tau's Python said (the oracle).
#
# tau_oracle_run ORACLE MODE NAME SCENARIO...: runs into $WORK/NAME, checks, and prints the
# figures with the wall time. --max-tool-steps 30: tau's loop has no per-turn round limit, only
# its 30 steps (max_steps = 30 in every tau scenario).
TAU_AGENTS="$SPAR_ROOT/tests/agents/tau"
tau_oracle_run() {
  local oracle=$1 mode=$2 name=$3 start end
  shift 3
  start=$(date +%s%N)
  expect_exit 0 "$SPAR" run "$@" --step-cpu "$TAU_STEP_CPU" \
    --agent "exec:cmd=python3 $TAU_AGENTS/agent.py $mode $oracle $WORK/$name.log" \
    --user-model "exec:cmd=python3 $TAU_AGENTS/user.py" \
    --max-tool-steps 30 -k 1 --seed 1 -j 2 --concurrency 8 --out "$WORK/$name" -q --history ""
  end=$(date +%s%N)
  touch "$WORK/$name.log"
  python3 "$TAU_AGENTS/check.py" "$oracle" "$mode" "$WORK/$name/results.jsonl" "$WORK/$name.log" --expect $# \
    >"$WORK/$name.check" 2>&1 || { cat "$WORK/$name.check" >&2; fail "$name: spar differs from tau"; }
  pass "$(head -1 "$WORK/$name.check") ($(( (end - start) / 1000000 )) ms)"
}

# tau_tasks DIR N...: sets TAU_TASKS to the task scenarios of DIR (task-NNN.lua), all of them,
# or under --sanitize (lib.sh's sanitized) the sample of task numbers N... only.
tau_tasks() {
  local dir=$1 n
  shift
  TAU_TASKS=()
  if sanitized; then
    for n in "$@"; do TAU_TASKS+=("$(printf '%s/task-%03d.lua' "$dir" "$n")"); done
  else
    TAU_TASKS=("$dir"/task-*.lua)
  fi
}

# tau_probe_tasks DIR ORACLE MIN: sets TAU_TASKS to the scenarios of DIR that play ORACLE's probe
# conversations (oracle["probes"], keyed by task: task-000, task-001, ...), all of them, or under
# --sanitize the first two and the last; fails unless there are at least MIN. Sets TAU_PROBE_CALLS
# to the number of calls in all of them.
tau_probe_tasks() {
  local dir=$1 oracle=$2 min=$3 n i numbers
  read -r n TAU_PROBE_CALLS < <(python3 -c 'import json, sys; p = json.load(open(sys.argv[1]))["probes"]
print(len(p), sum(map(len, p.values())))' "$oracle")
  [ "$n" -ge "$min" ] || fail "the oracle has $n probe conversations, expected $min"
  numbers=($(seq 0 $((n - 1))))
  sanitized && numbers=(0 1 $((n - 1)))
  TAU_TASKS=()
  for i in "${numbers[@]}"; do TAU_TASKS+=("$(printf '%s/task-%03d.lua' "$dir" "$i")"); done
}
