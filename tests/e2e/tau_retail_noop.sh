#!/usr/bin/env bash
# tau-bench retail (issue 15, point 3): an agent that only talks (one text reply) gets tau's
# reward on every task: 1 only where the task changes nothing and needs no output.
source "$(dirname "$0")/lib.sh"
source "$SPAR_ROOT/tests/agents/tau/suite.bash"

# The sample under --sanitize: a transfer (10, 50), required outputs (29, 40), the one payment change (40).
tau_tasks "$SPAR_ROOT/scenarios/tau-bench/retail" 5 10 29 40 50
tau_oracle_run "$SPAR_ROOT/tests/fixtures/tau/retail/oracle.json" noop noop "${TAU_TASKS[@]}"
