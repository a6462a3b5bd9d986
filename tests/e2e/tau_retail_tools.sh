#!/usr/bin/env bash
# tau-bench retail's tools, differentially (issue 15, point 3): 448 calls answer byte for byte
# what tau's Python answered to the same calls in the same order, 28 per conversation over one
# fresh database each (drawn by tools/tau-import/tau_bench_retail.py into
# tests/fixtures/tau/retail/oracle.json): 336 seeded random calls of every tool (valid and
# invalid ids, wrong statuses, bad and foreign payment methods, other products' items, duplicate
# items, uneven lists, calculator expressions), then fixed ones: ~90 calculator expressions
# (Python's arithmetic, -0.0, inf, and its ZeroDivision, Overflow, Type and Syntax errors), and
# every tool with an argument it does not take, and with `data`. Under --sanitize: the first
# two conversations and the last (the fixed calls end with a transfer).
source "$(dirname "$0")/lib.sh"
source "$SPAR_ROOT/tests/agents/tau/suite.bash"
ORACLE="$SPAR_ROOT/tests/fixtures/tau/retail/oracle.json"

tau_probe_tasks "$SPAR_ROOT/scenarios/tau-bench/retail" "$ORACLE" 16
tau_oracle_run "$ORACLE" probe probe "${TAU_TASKS[@]}"
