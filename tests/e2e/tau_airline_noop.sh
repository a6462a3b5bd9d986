#!/usr/bin/env bash
# tau-bench airline (issue 15, point 3): an agent that only talks (one text reply) gets tau's
# reward on every task: 1 only where the gold changes nothing (reads, a transfer) and needs no
# output.
source "$(dirname "$0")/lib.sh"
source "$SPAR_ROOT/tests/agents/tau/suite.bash"

# The sample under --sanitize: required outputs (2, 8), writes (3, 8, 16), a transfer (13).
tau_tasks "$SPAR_ROOT/scenarios/tau-bench/airline" 2 3 8 13 16
tau_oracle_run "$SPAR_ROOT/tests/fixtures/tau/airline/oracle.json" noop noop "${TAU_TASKS[@]}"
