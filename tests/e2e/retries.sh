#!/usr/bin/env bash
# --retries and --rps against the real mock agent's chaos knobs: transient failures are retried
# (counted in usage.retries), the last error keeps its kind and says how many attempts were
# made, only the affected conversation errors, and --rps spreads the requests.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"
suite="scenarios/retail --first-persona"  # word-split where used: each retail scenario with its own persona
n=$(find scenarios/retail -name '[!_]*.lua' | wc -l)

# 15% HTTP 500s: without retries conversations fail; with 6 retries every one completes.
expect_exit 0 "$SPAR" run --allow-errors $suite --agent mock:fail_rate=0.15 -k 1 --seed 3 --retries 0 --out "$WORK/none" -q --history ""
jq -e -s 'any(.error != null and .error.kind == "http")' "$WORK/none/results.jsonl" >/dev/null \
  || fail "fail_rate=0.15 without retries should fail some conversations"
expect_exit 0 "$SPAR" run --allow-errors $suite --agent mock:fail_rate=0.15 -k 1 --seed 3 --retries 6 --out "$WORK/six" -q --history ""
r="$WORK/six/results.jsonl"
jq -e -s --argjson n "$n" 'length == $n and all(.error == null)' "$r" >/dev/null \
  || { jq -c 'select(.error != null) | .error' "$r" | head -3; fail "with --retries 6 every conversation completes"; }
retries=$(jq -s '[.[].usage.retries] | add' "$r")
[ "$retries" -gt 0 ] || fail "usage.retries counts the retries"
pass "HTTP 500s are retried ($retries retries over $n conversations)"

# Hangs, and connections reset mid-reply (streamed and not). A hang lasts an hour (the mock
# drops it when spar stops it), so the request timeout is its only way out; 5 s is far more
# than an honest reply takes, so only hangs time out, however slow the machine.
for agent in "mock:timeout_rate=0.08,hang_ms=3600000" "mock:reset_rate=0.1" "mock:reset_rate=0.1,stream=0"; do
  expect_exit 0 "$SPAR" run --allow-errors $suite --agent "$agent" -k 1 --seed 4 --retries 6 --request-timeout 5 \
    --out "$WORK/chaos" -q --history ""
  jq -e -s 'all(.error == null) and ([.[].usage.retries] | add) > 0' "$WORK/chaos/results.jsonl" >/dev/null \
    || { jq -c '.error' "$WORK/chaos/results.jsonl" | sort | uniq -c; fail "$agent: retried to completion"; }
done
pass "timeouts and resets are retried"

# Malformed replies are retried once only: any error left is a protocol error after 2 attempts.
expect_exit 0 "$SPAR" run --allow-errors $suite --agent mock:garbage_rate=0.15 -k 1 --seed 4 --retries 6 --out "$WORK/garbage" -q --history ""
jq -e -s 'all(.error == null or (.error.kind == "protocol" and (.error.message | endswith("(after 2 attempts)"))))
          and ([.[].usage.retries] | add) > 0' "$WORK/garbage/results.jsonl" >/dev/null \
  || { jq -c '.error' "$WORK/garbage/results.jsonl" | sort | uniq -c; fail "garbage is retried once"; }
pass "malformed replies are retried once"

# A server that always fails: each conversation ends in its own error, the run goes on and
# exits 0 (gates decide), and the error keeps its kind and counts the attempts.
expect_exit 0 "$SPAR" run --allow-errors $suite --agent mock:fail_rate=1 -k 1 --retries 2 --out "$WORK/down" -q --history ""
jq -e -s --argjson n "$n" 'length == $n and all(.error != null and .error.kind == "http"
          and (.error.message | test("^HTTP 500 from http://127\\.0\\.0\\.1:[0-9]+/v1/chat/completions: .*\\(after 3 attempts\\)$")))' \
  "$WORK/down/results.jsonl" >/dev/null || { head -1 "$WORK/down/results.jsonl" | jq .error; fail "the last error"; }
pass "the error after the last attempt keeps its kind and says 'after 3 attempts'"

# --rps: every request of the run, spaced at least 1/rps apart.
now() { date +%s.%N; }
start=$(now)
expect_exit 0 "$SPAR" run --first-persona --allow-errors scenarios/retail/address-change.lua --agent mock -k 2 --rps 40 --concurrency 8 \
  --out "$WORK/rps" -q --history ""
took=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
requests=$(jq -s '[.[].usage.agent_requests] | add' "$WORK/rps/results.jsonl")
min=$(awk -v n="$requests" 'BEGIN { printf "%.3f", (n - 1) / 40 }')
awk -v t="$took" -v m="$min" 'BEGIN { exit !(t >= m) }' || fail "$requests requests at --rps 40 took $took s (< $min s)"
pass "$requests requests at --rps 40 took $took s (>= $min s)"

expect_exit 2 "$SPAR" run $suite --retries -1 --out "$WORK/x"
expect_exit 2 "$SPAR" run $suite --rps -3 --out "$WORK/x"
pass "bad --retries and --rps are usage errors"
