#!/usr/bin/env bash
# spar score --judge: re-scoring judges the recorded checkpoint windows (only the judge is
# contacted), through the same judge cache and the same window judging as a live run.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
expect_exit 0 "$SPAR" new scenario shop/judged
sed -i 's/  max_turns = 25,/  max_turns = 25,\n  judge = { rubric = "The agent is polite and answers what was asked." },/' scenarios/shop/judged.lua
expect_exit 0 "$SPAR" new scenario shop/unjudged

# A run without a judge: no judgements, no judge dimension.
expect_exit 0 "$SPAR" run --first-persona scenarios --agent mock -k 2 --seed 7 --out runs/plain -q
jq -e -s 'all(.score | has("judgements") | not)' runs/plain/results.jsonl >/dev/null || fail "no judge, no judgements"
jq -e '(.judge // {}) | (.windows // 0) == 0' runs/plain/summary.json >/dev/null || fail "no judge in the summary"

# Re-scored with the judge: every reached window of the judged scenario is judged.
expect_exit 0 "$SPAR" score runs/plain --out runs/judged --judge mock --judge-repeats 2 --judge-cache cache.jsonl
r=runs/judged/results.jsonl
grep -q "judged 8 windows (16 judge requests" "$WORK/out" || fail "the judge was asked once per window and repeat: $(cat "$WORK/out")"
jq -e -s '[.[] | select(.scenario == "shop/judged")] | length == 2 and all(.score.judgements | keys == ["15","25","3","8"])' $r >/dev/null \
  || fail "every checkpoint window of the judged scenario has a judgement"
jq -e -s '[.[] | select(.scenario == "shop/unjudged")] | all(.score | has("judgements") | not)' $r >/dev/null \
  || fail "a scenario without a rubric is not judged"
jq -e -s '[.[] | select(.scenario == "shop/judged")] | all(.score.scorer.options.judge == "mock"
          and (.score.checkpoints["3"].judge | type) == "number"
          and .score.checkpoints["3"].judge == .score.judgements["3"].score
          and (.score.judgements[] | .cached == 0 and (.scores | length) == 2))' $r >/dev/null \
  || fail "the judge dimension reads the new judgements"
jq -e '.judge.windows == 8' runs/judged/summary.json >/dev/null || fail "summary.json counts the judged windows"
pass "spar score --judge adds judgements and the judge dimension to a run made without a judge"

# Again with the same cache: every judgement is a cache hit, no judge request is sent.
expect_exit 0 "$SPAR" score runs/judged --judge mock --judge-repeats 2 --judge-cache cache.jsonl
grep -q "judged 8 windows (0 judge requests" "$WORK/out" || fail "a second re-score asks the judge again"
jq -e -s '[.[] | select(.scenario == "shop/judged") | .score.judgements[]] | length == 8 and all(.cached == 2)' $r >/dev/null \
  || fail "the judgements come from the cache"
pass "a second re-score with the same cache makes no judge request"

# A live run with the judge, sharing the cache: same verdicts as the re-scored run.
expect_exit 0 "$SPAR" run --first-persona scenarios --agent mock -k 2 --seed 7 --judge mock --judge-repeats 2 --judge-cache cache.jsonl \
  --out runs/live -q
jq -e '.usage.judge_requests == 0' runs/live/summary.json >/dev/null || fail "the live run hits the re-score's cache entries"
verdicts() { jq -c '[.scenario, .trial, .score.pass, .score.judgements, .score.checkpoints, .score.final_quality]' "$1" | sort; }
diff <(verdicts runs/live/results.jsonl) <(verdicts $r) || fail "live and re-scored verdicts differ"
pass "live-with-judge and re-scored-with-judge verdicts agree"

expect_exit 2 "$SPAR" score runs/plain --judge nonsense
grep -q "^spar: error: --judge: unknown agent kind 'nonsense'" "$WORK/err" || fail "bad --judge: $(cat "$WORK/err")"
pass "a bad --judge spec is an input error"
