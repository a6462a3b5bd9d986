#!/usr/bin/env bash
# tau2-bench retail (issue 15), offline, a third of the tasks (spar run --shard 2/3): an exec agent
# makes no call at all (the verdict tau2's reward for the untouched database),
# against an exec user model that stops after its turn. See tests/e2e/tau2_retail.lib.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tau2_retail.lib"
cd "$WORK"
tau2_verdicts noop 2/3 046 112
