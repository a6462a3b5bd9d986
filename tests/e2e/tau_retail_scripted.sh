#!/usr/bin/env bash
# tau-bench retail with scripted users (issue 15, point 4): no user model, no LLM. The scripted
# persona (scenarios/tau-bench/retail-scripted/_scripted.lua) names another of the user's
# orders first and corrects it, and on some tasks switches between return and exchange. The
# gold-policy reference agent (tests/agents/tau/retail_policy.py) passes every task on tau's
# reward and recovers from every event, decided by its calls; spar's mock agent, which cannot
# perform these tau writes, passes none. The flaws are tau_retail_scripted_flaws.sh.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tau_retail_scripted_lib.bash"

scripted_tasks
sanitized || [ "${#TASKS[@]}" -eq 25 ] || fail "expected 25 scripted tasks, found ${#TASKS[@]}"
N=${#TASKS[@]}
scripted_tasks intent
I=${#TASKS[@]}
scripted_tasks

scripted_run reference "$POLICY_AGENT" \
  "conversations=$N pass=$N reward=$N correction_recovered=$N/$N intent_recovered=$I/$I confirm_violated=0 ended_ok=$N evidence_orders=0 evidence_names_gold=0"
# spar's mock agent performs none of the writes tau's gold asks for: tau's reward is 0 on every
# task, each naming the gold order record that stayed as it was; it calls no write tool, so no
# intent change is recovered, and no call or reply names an order id, so the corrections are
# unscored (no credit).
scripted_run mock mock \
  "conversations=$N pass=0 reward=0 correction_recovered=0/$N intent_recovered=0/$I confirm_violated=0 ended_ok=$N evidence_orders=$N evidence_names_gold=$N"
