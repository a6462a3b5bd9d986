#!/usr/bin/env bash
# kill -9 mid-run, a torn last line, then --resume: nothing lost, nothing duplicated, and the
# finished run's conversations are exactly those of an uninterrupted run.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"
args=(scenarios/retail scenarios/banking --first-persona --agent mock:latency_ms=15 -k 3 --seed 21 --history "")
total=$(( $(find scenarios/retail scenarios/banking -name '[!_]*.lua' | wc -l) * 3 ))

"$SPAR" run "${args[@]}" --concurrency 4 --out "$WORK/ref" -q >/dev/null

# The run to kill plays one conversation at a time (--concurrency 1; the records do not depend
# on it): once 5 are recorded, the rest take many seconds of the mock's latency alone, so the
# kill lands mid-run however slowly this script is scheduled.
track_mocks
"$SPAR" run "${args[@]}" --concurrency 1 --out "$WORK/crash" -q >/dev/null 2>&1 &
pid=$!
n=0
while kill -0 "$pid" 2>/dev/null; do  # wait until 5 conversations are recorded (CTest's timeout bounds it)
  [ -f "$WORK/crash/results.jsonl" ] && n=$(wc -l <"$WORK/crash/results.jsonl")
  [ "$n" -ge 5 ] && break
  sleep 0.05
done
kill -9 "$pid" || fail "spar ended before the kill ($n of $total recorded)"
wait "$pid" 2>/dev/null || true
before=$(wc -l <"$WORK/crash/results.jsonl")
[ "$before" -ge 5 ] && [ "$before" -lt "$total" ] || fail "the kill should land mid-run ($before of $total recorded)"
# A crash in the middle of a write leaves half a line behind.
printf '{"scenario":"retail/address-change","trial":3,"status":"comp' >>"$WORK/crash/results.jsonl"
expect_mocks_gone
pass "killed with -9 after $before of $total conversations; no orphaned mock agent"

expect_exit 0 "$SPAR" run --allow-errors --resume "$WORK/crash" -q --history "" --concurrency 4
grep -q "dropped a torn last line" "$WORK/err" || fail "the torn line is reported"
r="$WORK/crash/results.jsonl"
[ "$(wc -l <"$r")" -eq "$total" ] || fail "expected $total records after resume, got $(wc -l <"$r")"
jq -e -s --argjson n "$total" '[.[] | [.scenario, .trial]] | unique | length == $n' "$r" >/dev/null || fail "duplicates"
# The same conversations as the uninterrupted run: same seeds, same words, same outcomes.
key() { jq -c '[.scenario, .trial, .seed, .ended, .score.pass, .turns, [.transcript[].content]]' "$1" | sort; }
diff <(key "$WORK/ref/results.jsonl") <(key "$r") >/dev/null || fail "resumed conversations differ from an uninterrupted run"
diff <(jq -S 'del(.usage.turn_latency_ms)' "$WORK/ref/summary.json") \
     <(jq -S 'del(.usage.turn_latency_ms, .dropped_torn_line)' "$WORK/crash/summary.json") >/dev/null \
  || fail "the resumed summary differs"
pass "resume finished the run: $total records, none lost or duplicated, identical to an uninterrupted run"

# Resuming a finished run plays nothing; resuming with a different seed is refused.
expect_exit 0 "$SPAR" run --allow-errors --resume "$WORK/crash" -q --history ""
[ "$(wc -l <"$r")" -eq "$total" ] || fail "a finished run stays as it is"
expect_exit 2 "$SPAR" run --first-persona scenarios/retail scenarios/banking --agent mock -k 3 --seed 22 --resume "$WORK/crash"
grep -q "resume it with the same" "$WORK/err" || fail "a resume with another seed is refused"
expect_exit 2 "$SPAR" run --resume "$WORK/nothing-here"
pass "resume is idempotent and refuses a different run"

# --retry-errors plays errored conversations again and replaces their records.
expect_exit 0 "$SPAR" run --first-persona --allow-errors scenarios/retail --agent mock:fail_rate=0.5 -k 2 --out "$WORK/flaky" -q --history ""
errs=$(jq -s '[.[] | select(.error != null)] | length' "$WORK/flaky/results.jsonl")
[ "$errs" -gt 0 ] || fail "fail_rate=0.5 should leave errored conversations to retry"
expect_exit 0 "$SPAR" run --first-persona --allow-errors scenarios/retail --agent mock -k 2 --out "$WORK/flaky" --resume "$WORK/flaky" --retry-errors -q --history ""
jq -e -s 'length == 8 and all(.error == null)' "$WORK/flaky/results.jsonl" >/dev/null \
  || fail "retry-errors replaced the $errs errored records"
pass "--retry-errors replaced $errs errored conversations"
