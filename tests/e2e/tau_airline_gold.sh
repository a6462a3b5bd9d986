#!/usr/bin/env bash
# tau-bench airline (issue 15, point 3): the gold-action agent (tests/agents/tau/agent.py gold) on
# every one of the 50 test tasks, with the scripted tau user, gets spar's verdict = tau's own
# reward for the same run (computed by tau's Python at import time:
# tests/fixtures/tau/airline/oracle.json), and every one of its tool calls answers byte for byte
# what tau's Python answered.
source "$(dirname "$0")/lib.sh"
source "$SPAR_ROOT/tests/agents/tau/suite.bash"

# The sample under --sanitize: required outputs (2, 8), writes (3, 8, 16), a transfer (13).
tau_tasks "$SPAR_ROOT/scenarios/tau-bench/airline" 2 3 8 13 16
sanitized || [ "${#TAU_TASKS[@]}" -eq 50 ] || fail "expected 50 airline tasks, found ${#TAU_TASKS[@]}"
tau_oracle_run "$SPAR_ROOT/tests/fixtures/tau/airline/oracle.json" gold gold "${TAU_TASKS[@]}"
