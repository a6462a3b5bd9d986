#!/usr/bin/env bash
# tau-bench airline (issue 15, point 3): the gold actions with one argument of one action changed
# (of a write when the task has one, within the tool's schema so that tau's tool decides; chosen
# by tools/tau-import/tau_bench_airline.py, seeded) get tau's reward on every task, and every tool
# call, now often an error, answers what tau's Python answered. On most tasks that reward is not
# the gold's: a spar that ignored the changed argument would fail here as well as in check.py.
source "$(dirname "$0")/lib.sh"
source "$SPAR_ROOT/tests/agents/tau/suite.bash"
ORACLE="$SPAR_ROOT/tests/fixtures/tau/airline/oracle.json"

# The sample under --sanitize: required outputs (2, 8), writes (3, 8, 16), a transfer (13).
tau_tasks "$SPAR_ROOT/scenarios/tau-bench/airline" 2 3 8 13 16
tau_oracle_run "$ORACLE" perturb perturb "${TAU_TASKS[@]}"

# spar's verdicts against the gold agent's reward: they must differ on most tasks.
read -r differ total < <(python3 - "$ORACLE" "$WORK/perturb/results.jsonl" <<'PY'
import json, sys
tasks = json.load(open(sys.argv[1]))["tasks"]
records = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
print(sum(r["score"]["goal_met"] != (tasks[r["scenario"]]["gold"]["reward"] == 1.0) for r in records), len(records))
PY
)
[ $((2 * differ)) -gt "$total" ] || fail "spar's verdict differs from the gold agent's on only $differ of $total tasks"
pass "spar's verdict for the perturbed agent differs from the gold agent's on $differ of $total tasks"
