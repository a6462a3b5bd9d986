#!/usr/bin/env bash
# The bundled library plays every persona of a domain against every scenario of that domain
# (issue 17, point 4): each scenario lists its domain's four personas, each (scenario, persona)
# case is a real story (the persona's own confusion beats happen, its typed events are raised),
# and the sound mock agent passes every case. e2e_reference_truth holds the other agents' truths
# over the same cases. The sanitized half plays the retail domain only.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"
paths=(scenarios/); sanitized && paths=(scenarios/retail)
expect_exit 0 "$SPAR" run "${paths[@]}" --agent mock -k 1 --seed 5 --out "$WORK/lib" -q --history ""
R="$WORK/lib/results.jsonl"

# 1. The matrix is full: within a domain, every scenario is played by the same four personas.
got=$(jq -sc 'group_by(.scenario | split("/")[0]) | map({domain: (.[0].scenario | split("/")[0]),
        personas: (map(.persona) | unique | length), scenarios: (map(.scenario) | unique | length),
        cases: (map("\(.scenario)@\(.persona)") | unique | length)})
      | map(select(.personas != 4 or .cases != .scenarios * .personas))' "$R")
[ "$got" = "[]" ] || fail "a domain's matrix is not full (domain, personas, scenarios, cases): $got"
[ "$(jq -s 'map(.scenario | split("/")[0]) | unique | length' "$R")" = "$(sanitized && echo 1 || echo 4)" ] || fail "domains missing"
pass "every scenario of a domain is played by each of the domain's four personas ($(jq -s length "$R") cases)"

# 2. Each case is the persona's own story: the typed events its beats raise (personas/README.md,
# "confusion it raises") are in every one of its conversations, on every scenario.
own='{"waffler": ["correction", "intent_change", "interruption"], "self-corrector": ["correction"],
  "interrupter": ["interruption", "correction"], "vague-pronoun": ["ambiguity"], "topic-hopper": ["topic_switch"],
  "impatient-escalator": ["interruption", "topic_switch"], "over-sharer": ["ambiguity", "topic_switch"],
  "contradicter": ["contradiction"], "non-native": ["correction", "topic_switch"],
  "multi-request": ["correction", "contradiction"], "never-minder": ["ambiguity", "intent_change"],
  "returning-user": ["ambiguity"], "planner": ["topic_switch"]}'
got=$(jq -sc --argjson own "$own" 'map(select(.persona as $p | ($own[$p] // ["?"]) - ([.events[].type] | unique) | length > 0)
        | "\(.scenario)@\(.persona): \([.events[].type] | unique)")' "$R")
[ "$got" = "[]" ] || fail "cases whose persona's own events were not raised: $got"
pass "in every case the persona's own confusion beats happen (their typed events are raised)"

# 3. A sound agent passes every case: no pair asks for something the world cannot give.
got=$(jq -sc 'map(select(.score.pass != true or .error != null) | "\(.scenario)@\(.persona): \(.ended)")' "$R")
[ "$got" = "[]" ] || fail "cases the sound mock does not pass: $got"
[ "$(jq '[.per_scenario[] | .persona] | length' "$WORK/lib/summary.json")" = "$(jq -s length "$R")" ] ||
  fail "summary.json does not hold one entry per case"
pass "the sound mock agent passes every case, and the summary holds each case apart"
