#!/usr/bin/env bash
# Reference agents with known truth (tests/agents/) against the bundled library: the personas
# must understand a correct agent that words things its own way, and must not be fooled by
# one that only agrees.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"
AGENTS="$SPAR_ROOT/tests/agents"
run() {  # run NAME "AGENT_SCRIPT [ARGS]" SEED: the library, k=2, summary at $WORK/NAME/summary.json
  expect_exit 0 "$SPAR" run --first-persona scenarios/ --agent "exec:cmd=python3 $AGENTS/$2" -k 2 --seed "$3" \
    --out "$WORK/$1" -q --history ""
}
replies() { jq -r '.transcript[] | select(.role == "assistant") | .content // ""' "$WORK/$1/results.jsonl"; }

# The paraphraser makes the mock's correct moves in its own words: it passes every scenario,
# pass^2 = 1 under two seeds (sanitized: one), with no errors.
seeds=(3 11); sanitized && seeds=(3)
for seed in "${seeds[@]}"; do
  run "para$seed" paraphraser.py "$seed"
  jq -e '.errors == 0 and .scenarios == 16 and .pass_hat_k["2"] == 1' "$WORK/para$seed/summary.json" >/dev/null \
    || fail "paraphraser (seed $seed): $(jq -c '{errors, pass_hat_k, failing: [.per_scenario | to_entries[] | select(.value.pass_hat_k["2"] != 1) | .key]}' "$WORK/para$seed/summary.json")"
  # It really does word things differently: none of the mock's stock phrases reach the user,
  # and at least five phrasings of a confirmation do.
  ! replies "para$seed" | grep -q -e "Shall I go ahead" -e "Just to confirm" -e "Could you tell me" \
    || fail "paraphraser (seed $seed) let the mock's own phrasing through"
  n=$(replies "para$seed" | grep -oE "Would you like me to proceed\?|Is that correct\?|Do you want me to do that now\?|Can you confirm that's right\?|Should I submit it\?|Are you happy for me to do that\?" | sort -u | wc -l)
  [ "$n" -ge 5 ] || fail "paraphraser (seed $seed) used only $n confirmation phrasings"
  pass "paraphraser, seed $seed: every scenario passes at pass^2 = 1 ($n confirmation phrasings)"
done
# A persona that understood every turn raised no 'unread' event.
u=$(jq -s '[.[].events[] | select(.type == "unread")] | length' "$WORK/para3/results.jsonl")
[ "$u" -eq 0 ] || fail "the personas could not read $u of the paraphraser's turns"
pass "the personas read every paraphraser turn"

# The agreer never acts: no conversation passes, and the personas say so by marking the turns
# they could not read.
run agree agreer.py 3
jq -e '.errors == 0 and .pass_hat_k["1"] == 0' "$WORK/agree/summary.json" >/dev/null \
  || fail "agreer passed something: $(jq -c '{errors, pass_hat_k}' "$WORK/agree/summary.json")"
u=$(jq -s '[.[].events[] | select(.type == "unread")] | length' "$WORK/agree/results.jsonl")
[ "$u" -gt 0 ] || fail "the personas raised no unread event against the agreer"
pass "agreer: no scenario passes ($u unread turns)"

# The correction-ignorer words things like the paraphraser but keeps the first value it heard.
# Every bundled story corrects a value the goal depends on, and a persona says yes only to a
# proposal naming the corrected value: it passes none, and no correction counts as recovered.
run ignore "paraphraser.py correction_rate=0" 3
jq -e '.errors == 0 and .pass_hat_k["1"] == 0 and .recovery.correction.rate == 0' "$WORK/ignore/summary.json" >/dev/null \
  || fail "correction-ignorer: $(jq -c '{errors, pass_hat_k, correction: .recovery.correction}' "$WORK/ignore/summary.json")"
pass "correction-ignorer: no scenario passes, correction recovery 0"
