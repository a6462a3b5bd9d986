#!/usr/bin/env bash
# tau2-bench retail (issue 15), offline, a third of the tasks (spar run --shard 2/3): an exec agent
# makes the gold calls with one argument changed (tau2's reward for that),
# against an exec user model that stops after its turn. See tests/e2e/tau2_retail.lib.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tau2_retail.lib"
cd "$WORK"
tau2_verdicts perturbed 2/3 012 101
