#!/usr/bin/env bash
# tau-bench retail (issue 15, point 3): the gold actions with one argument of one action changed
# (a write when the task has one; chosen by the importer, seeded) get tau's reward on every task,
# and every tool call, now often an error, answers what tau's Python answered.
source "$(dirname "$0")/lib.sh"
source "$SPAR_ROOT/tests/agents/tau/suite.bash"

# The sample under --sanitize: a transfer (10, 50), required outputs (29, 40), the one payment change (40).
tau_tasks "$SPAR_ROOT/scenarios/tau-bench/retail" 5 10 29 40 50
tau_oracle_run "$SPAR_ROOT/tests/fixtures/tau/retail/oracle.json" perturb perturb "${TAU_TASKS[@]}"
