#!/usr/bin/env bash
# tau-bench airline's tools, differentially (issue 15, point 3): 348 seeded random calls (12
# batches of 29 drawn by tools/tau-import/tau_bench_airline.py: plausible and wrong ids, dates,
# cabins, passengers, payments and totals, calculator expressions, unexpected arguments) answer
# byte for byte what tau's Python answered to the same calls in the same order
# (tests/fixtures/tau/airline/oracle.json). A conversation ends at a transfer (tau's terminate
# tool) or after 28 calls (with its closing text, 29 of tau's 30 steps), so the 12 batches are 31
# conversations, each over one fresh database. Under --sanitize: the first two and the last.
source "$(dirname "$0")/lib.sh"
source "$SPAR_ROOT/tests/agents/tau/suite.bash"
ORACLE="$SPAR_ROOT/tests/fixtures/tau/airline/oracle.json"

tau_probe_tasks "$SPAR_ROOT/scenarios/tau-bench/airline" "$ORACLE" 31
[ "$TAU_PROBE_CALLS" -eq 348 ] || fail "the oracle has $TAU_PROBE_CALLS probe calls, expected 348"
tau_oracle_run "$ORACLE" probe probe "${TAU_TASKS[@]}"
sanitized || grep -q " 348/348 tool outputs byte-identical" "$WORK/probe.check" || fail "not all 348 calls compared"
