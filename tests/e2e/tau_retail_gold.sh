#!/usr/bin/env bash
# tau-bench retail (issue 15, point 3): the gold-action agent on every one of the 115 test tasks,
# with the scripted tau user, gets spar's verdict = tau's own reward for the same run (computed
# by tau's Python at import time: tests/fixtures/tau/retail/oracle.json), and every one of its
# tool calls answers byte for byte what tau's Python answered.
source "$(dirname "$0")/lib.sh"
source "$SPAR_ROOT/tests/agents/tau/suite.bash"

# The sample under --sanitize: a transfer (10, 50), required outputs (29, 40), the one payment change (40).
tau_tasks "$SPAR_ROOT/scenarios/tau-bench/retail" 5 10 29 40 50
sanitized || [ "${#TAU_TASKS[@]}" -eq 115 ] || fail "expected 115 retail tasks, found ${#TAU_TASKS[@]}"
tau_oracle_run "$SPAR_ROOT/tests/fixtures/tau/retail/oracle.json" gold gold "${TAU_TASKS[@]}"
