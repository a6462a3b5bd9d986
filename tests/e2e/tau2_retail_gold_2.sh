#!/usr/bin/env bash
# tau2-bench retail (issue 15), offline, a third of the tasks (spar run --shard 2/3): an exec agent
# makes the gold calls (each tool result tau2's tool message, each verdict tau2's reward: 1),
# against an exec user model that stops after its turn. See tests/e2e/tau2_retail.lib.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tau2_retail.lib"
cd "$WORK"
tau2_verdicts gold 2/3 113 005
