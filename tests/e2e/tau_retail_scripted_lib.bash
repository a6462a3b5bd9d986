# Sourced by tests/e2e/tau_retail_scripted*.sh (after lib.sh): the scripted tau retail tasks
# (scenarios/tau-bench/retail-scripted/), no user model, no LLM.
#
# scripted_tasks [intent]: sets TASKS to every scripted task (with "intent", those whose user
# changes between return and exchange), or under --sanitize to the fixed sample of 5: an
# exchange and a return with an intent change (0, 51), a modify (15), a return (48), a cancel (66).
# scripted_run NAME AGENT WANT: runs TASKS against AGENT into $WORK/NAME and checks the summary
# line of tests/agents/tau/scripted_summary.py is WANT exactly; prints it with the wall time.
SCRIPTED_DIR="$SPAR_ROOT/scenarios/tau-bench/retail-scripted"
SCRIPTED_ORACLE="$SPAR_ROOT/tests/fixtures/tau/retail/oracle.json"
POLICY_AGENT="exec:cmd=python3 $SPAR_ROOT/tests/agents/tau/retail_policy.py $SCRIPTED_ORACLE"
scripted_tasks() {
  local n f
  TASKS=()
  if sanitized; then
    for n in 000 015 048 051 066; do
      f="$SCRIPTED_DIR/task-$n.lua"
      if [ "${1:-}" != intent ] || grep -q 'change = ' "$f"; then TASKS+=("$f"); fi
    done
  elif [ "${1:-}" = intent ]; then
    mapfile -t TASKS < <(grep -l 'change = ' "$SCRIPTED_DIR"/task-*.lua)
  else
    TASKS=("$SCRIPTED_DIR"/task-*.lua)
  fi
}
scripted_run() {
  local name=$1 agent=$2 want=$3 start end got
  start=$(date +%s%N)
  expect_exit 0 "$SPAR" run "${TASKS[@]}" --agent "$agent" --step-cpu "$TAU_STEP_CPU" \
    --max-tool-steps 30 -k 1 --seed 1 -j 2 --concurrency 8 --out "$WORK/$name" -q --history ""
  end=$(date +%s%N)
  python3 "$SPAR_ROOT/tests/agents/tau/scripted_summary.py" "$WORK/$name/results.jsonl" >"$WORK/$name.summary"
  got=$(head -1 "$WORK/$name.summary")
  [ "$got" = "$want" ] || { cat "$WORK/$name.summary" >&2; fail "$name: got $got, want $want"; }
  pass "$name: $got ($(( (end - start) / 1000000 )) ms)"
}
