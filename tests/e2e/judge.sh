#!/usr/bin/env bash
# The LLM judge against the mock server: strict JSON per checkpoint window, cached by content
# hash, repeats with agreement and flaky flags.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
expect_exit 0 "$SPAR" new scenario shop/judged
sed -i 's/  max_turns = 25,/  max_turns = 25,\n  judge = { rubric = "The agent is polite and answers what was asked." },/' scenarios/shop/judged.lua
expect_exit 0 "$SPAR" new scenario shop/unjudged

expect_exit 0 "$SPAR" run --first-persona scenarios --agent mock --judge mock --judge-repeats 3 -k 2 --out runs/a -q
r=runs/a/results.jsonl
jq -e -s '[.[] | select(.scenario == "shop/judged")] | all(.score.judgements | keys == ["15","25","3","8"])' $r >/dev/null \
  || fail "every checkpoint window of a judged scenario has a judgement"
jq -e -s '[.[] | select(.scenario == "shop/unjudged")] | all((.score | has("judgements")) | not)' $r >/dev/null \
  || fail "a scenario without a rubric is not judged"
jq -e -s '[.[] | select(.scenario == "shop/judged") | .score.judgements[]] | all((.scores | length) == 3 and .agreement == 1
          and .flaky == false and .cached == 0 and (.score | type) == "number")' $r >/dev/null \
  || fail "three agreeing judgements per window"
jq -e -s '[.[] | select(.scenario == "shop/judged")] | all(.score.checkpoints["3"].judge == .score.judgements["3"].score)' $r >/dev/null \
  || fail "the judge dimension reads the judgement"
jq -e '.judge.windows == 8 and .judge.flaky_windows == 0 and .usage.judge_requests == 24' runs/a/summary.json >/dev/null \
  || fail "summary.judge counts windows"
[ "$(wc -l <runs/judge-cache.jsonl)" -gt 0 ] || fail "the cache beside the out folder"
pass "one strict-JSON judgement per window and repeat; unjudged scenarios stay unjudged"

expect_exit 0 "$SPAR" run --first-persona scenarios --agent mock --judge mock --judge-repeats 3 -k 2 --out runs/b -q
jq -e '.judge.cached_judgements == 24 and .usage.judge_requests == 0' runs/b/summary.json >/dev/null \
  || fail "a rerun is served from the cache"
scores() { jq -c '[.scenario, .trial, (.score.judgements | select(.) | map_values(.score))]' "$1" | sort; }
diff <(scores $r) <(scores runs/b/results.jsonl) || fail "cached scores differ"
pass "a rerun costs no judge requests and scores the same"

expect_exit 0 "$SPAR" run --first-persona scenarios --agent mock --judge mock:judge_noise=0.4 --judge-repeats 3 -k 2 --out runs/c -q
jq -e '.judge.flaky_windows > 0 and .judge.mean_agreement < 1' runs/c/summary.json >/dev/null \
  || fail "a noisy judge is flagged flaky"
pass "a noisy judge's disagreement is measured and flagged"

expect_exit 2 "$SPAR" run --first-persona scenarios --agent mock --judge nonsense --out runs/d
grep -q "^spar: error: --judge: unknown agent kind 'nonsense'" "$WORK/err" || fail "bad --judge"
pass "a bad --judge spec is an input error"
