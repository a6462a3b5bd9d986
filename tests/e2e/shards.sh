#!/usr/bin/env bash
# --shard i/n slices the (scenario, trial) pairs deterministically; spar merge gives back the
# unsharded run's summary (wall-clock latency percentiles aside).
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"
# Two domains, every (scenario, persona) case: shards split cases, not scenarios. The sanitized
# half shards each scenario's own persona (a quarter of the conversations, the same code).
cast=(); sanitized && cast=(--first-persona)
args=(scenarios/retail scenarios/airline "${cast[@]}" --agent mock -k 3 --seed 9 -q --history "")
expect_exit 0 "$SPAR" run "${args[@]}" --out "$WORK/full"
for i in 1 2 3; do expect_exit 0 "$SPAR" run "${args[@]}" --shard "$i/3" --out "$WORK/s$i"; done
total=$(wc -l <"$WORK/full/results.jsonl")
sum=$(( $(wc -l <"$WORK/s1/results.jsonl") + $(wc -l <"$WORK/s2/results.jsonl") + $(wc -l <"$WORK/s3/results.jsonl") ))
[ "$sum" -eq "$total" ] || fail "shards hold $sum records, the full run $total"
for i in 1 2 3; do [ "$(wc -l <"$WORK/s$i/results.jsonl")" -eq $((total / 3)) ] || fail "shard $i is unbalanced"; done
expect_exit 0 "$SPAR" run "${args[@]}" --shard 2/3 --out "$WORK/s2again"
diff <(jq -c '[.scenario, .trial]' "$WORK/s2/results.jsonl" | sort) <(jq -c '[.scenario, .trial]' "$WORK/s2again/results.jsonl" | sort) \
  || fail "a shard is not deterministic"
pass "three balanced, deterministic shards cover the run"

expect_exit 0 "$SPAR" merge "$WORK/merged" "$WORK/s1" "$WORK/s2" "$WORK/s3"
grep -q "^merged $total of $total conversations from 3 folders" "$WORK/out" || fail "merge summary line"
diff <(jq -S 'del(.usage.turn_latency_ms)' "$WORK/full/summary.json") \
     <(jq -S 'del(.usage.turn_latency_ms)' "$WORK/merged/summary.json") || fail "merged summary differs from the unsharded run"
pass "spar merge reproduces the unsharded summary.json"

expect_exit 0 "$SPAR" merge "$WORK/partial" "$WORK/s1" "$WORK/s3"
grep -q "spar: warning: $((total / 3)) conversations are in no shard" "$WORK/err" || fail "missing shard warned"
expect_exit 2 "$SPAR" merge "$WORK/dup" "$WORK/s1" "$WORK/s2again" "$WORK/s2"
grep -q "is recorded in both" "$WORK/err" || fail "duplicate pairs refused"
expect_exit 0 "$SPAR" run --first-persona scenarios/retail --agent mock -k 3 --seed 10 --shard 1/2 --out "$WORK/other" -q --history ""
expect_exit 2 "$SPAR" merge "$WORK/mixed" "$WORK/s1" "$WORK/other"
grep -q "are shards of different runs" "$WORK/err" || fail "shards of different runs refused"
expect_exit 2 "$SPAR" run --first-persona scenarios/retail --shard 4/3 --out "$WORK/bad"
pass "merge warns on a missing shard and refuses duplicates, mixed runs and bad shards"
