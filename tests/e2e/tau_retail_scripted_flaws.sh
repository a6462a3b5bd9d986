#!/usr/bin/env bash
# tau-bench retail with scripted users, the failing side: the reference agent's flaw modes
# (tests/agents/tau/retail_policy.py) fail exactly the tasks they should, on tau's reward, with
# the events they ignore not recovered. See tau_retail_scripted.sh.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tau_retail_scripted_lib.bash"

scripted_tasks intent
I=${#TASKS[@]}
scripted_tasks
N=${#TASKS[@]}

# first_id keeps the order id it heard first: it never recovers a correction (decided by its
# words: it proposes the old order again, which spar counts against the recovery whatever it
# calls next), and writes on the wrong order, so tau's reward is 0 on every task, the evidence
# naming the gold order that stayed as it was, except for the two cancels (tasks 88 and 90)
# whose wrong order, now cancelled, is the first record that differs; it follows intent changes.
GOLD_NAMED=$N
sanitized || GOLD_NAMED=$((N - 2))
scripted_run first_id "$POLICY_AGENT first_id" \
  "conversations=$N pass=0 reward=0 correction_recovered=0/$N intent_recovered=$I/$I confirm_violated=0 ended_ok=$N evidence_orders=$N evidence_names_gold=$GOLD_NAMED"

# first_intent does what was asked first: only the tasks whose user changes between return and
# exchange are affected (on the others it is the reference agent), and it fails every one of
# them, writing the old intent on the right order (recorded as such in the evidence).
scripted_tasks intent
scripted_run first_intent "$POLICY_AGENT first_intent" \
  "conversations=$I pass=0 reward=0 correction_recovered=$I/$I intent_recovered=0/$I confirm_violated=0 ended_ok=$I evidence_orders=$I evidence_names_gold=$I"

# no_confirm writes as soon as it knows an order and an intent, without asking: every
# conversation breaks require_confirmation (major), so no task passes, whatever tau's reward
# says. tau's reward checks only the end state: it is 1 on the 13 tasks where the last write
# landed on the right order with the right intent (the first one, on the wrong order, failed),
# 0 on the 9 intent changes (the old intent's write went through first; the evidence names the
# gold order) and on the 3 cancels (the wrong order, pending too, was cancelled at once).
scripted_tasks
if sanitized; then  # 0 and 51 change intent, 66 is a cancel
  scripted_run no_confirm "$POLICY_AGENT no_confirm" \
    "conversations=5 pass=0 reward=2 correction_recovered=5/5 intent_recovered=2/2 confirm_violated=5 ended_ok=5 evidence_orders=3 evidence_names_gold=2"
else
  scripted_run no_confirm "$POLICY_AGENT no_confirm" \
    "conversations=25 pass=0 reward=13 correction_recovered=25/25 intent_recovered=9/9 confirm_violated=25 ended_ok=25 evidence_orders=12 evidence_names_gold=9"
fi
