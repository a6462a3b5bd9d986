#!/usr/bin/env bash
# --record / --replay: a whole suite recorded against the mock agent (with a judge and a user
# model) replays to identical results with no network, no mock process and no socket; a
# replay that misses fails clearly.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"
cas="$WORK/cassette.jsonl"
# Each run has its own run_id (in every record and session id); the conversations are the same.
strip() { jq -cS 'del(.duration_ms, .usage.turn_latency_ms, .run_id)' "$1" | sort; }

# A judged scenario whose persona asks the user model for one message, beside the library.
mkdir -p "$WORK/extra"
(cd "$WORK/extra" && "$SPAR" new scenario shop/judged >/dev/null)
sed -i 's/  max_turns = 25,/  max_turns = 25,\n  judge = { rubric = "The agent is polite and answers what was asked." },/' \
  "$WORK/extra/scenarios/shop/judged.lua"
sed -i 's/      u:fill_until(25)/      u:llm{ instructions = "Ask when the refund arrives.", fallback = "When do I get my money?" }\n      u:fill_until(25)/' \
  "$WORK/extra/scenarios/shop/judged.lua"
grep -q 'u:llm' "$WORK/extra/scenarios/shop/judged.lua" || fail "test setup: no u:llm in the judged scenario"
suite=(scenarios "$WORK/extra/scenarios" --first-persona)  # each scenario with its own persona
models=(--agent mock --judge mock --user-model mock)

expect_exit 0 "$SPAR" run "${suite[@]}" "${models[@]}" -k 2 --seed 5 --record "$cas" \
  --judge-cache "$WORK/rec-judge.jsonl" --out "$WORK/rec" --history ""
rec="$WORK/rec/results.jsonl"
jq -e -s 'all(.[]; .error == null)' "$rec" >/dev/null || fail "the recorded run completes"
jq -e -s '[.[] | select(.scenario == "shop/judged")] | length == 2 and all(.usage.user_model_requests == 1
          and (.score.judgements | length) == 4)' "$rec" >/dev/null || fail "the judged scenario used the user model and the judge"
head -1 "$cas" | jq -e '.spar_cassette == 1' >/dev/null || fail "cassette header"
for role in agent user judge; do
  jq -e -s --arg r "$role" '[.[] | select(.role == $r)] | length > 0' <(tail -n +2 "$cas") >/dev/null \
    || fail "no $role exchanges in the cassette"
done
exchanges=$(($(wc -l <"$cas") - 1))
pass "recorded $exchanges agent, user-model and judge exchanges"

# Replay: a tripwire stands in for spar-mock-agent, and the network namespace (when we may
# make one) has no usable interface: any process start or connection would show.
cat >"$WORK/tripwire" <<EOF
#!/bin/sh
touch "$WORK/tripwire-fired"
exit 1
EOF
chmod +x "$WORK/tripwire"
isolate=()
if unshare -rn true 2>/dev/null; then isolate=(unshare -rn); elif unshare -n true 2>/dev/null; then isolate=(unshare -n); fi
set +e
SPAR_MOCK_AGENT="$WORK/tripwire" strace -f -qq -e trace=socket,connect,execve -o "$WORK/strace" true 2>/dev/null
have_strace=$?
set -e
run_replay() {
  if [ "$have_strace" -eq 0 ]; then
    # (LeakSanitizer cannot run under ptrace: an ASan build checks leaks in the other suites.)
    SPAR_MOCK_AGENT="$WORK/tripwire" ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "${isolate[@]}" \
      strace -f -qq -e trace=socket,connect,execve -o "$WORK/strace" "$SPAR" "$@"
  else
    SPAR_MOCK_AGENT="$WORK/tripwire" "${isolate[@]}" "$SPAR" "$@"
  fi
}
expect_exit 0 run_replay run "${suite[@]}" "${models[@]}" -k 2 --seed 5 --replay "$cas" \
  --judge-cache "$WORK/rep-judge.jsonl" --out "$WORK/rep" --history ""
[ ! -e "$WORK/tripwire-fired" ] || fail "replay started the mock agent"
diff <(strip "$rec") <(strip "$WORK/rep/results.jsonl") >"$WORK/diff" || { head -c 2000 "$WORK/diff"; fail "replayed results differ"; }
jq -e -s 'all(.[]; .usage.retries == 0)' "$WORK/rep/results.jsonl" >/dev/null || fail "usage.retries replayed"
if [ "$have_strace" -eq 0 ]; then
  # libcurl's own wake-up pair is AF_UNIX; nothing may reach for an inet socket or a child.
  ! grep -E 'socket\(AF_INET|connect\(.*AF_INET' "$WORK/strace" >/dev/null || { grep AF_INET "$WORK/strace" | head -3; fail "replay opened a network socket"; }
  [ "$(grep -c 'execve(' "$WORK/strace")" -eq 1 ] || { grep execve "$WORK/strace"; fail "replay started a process"; }
fi
pass "replay gives identical results.jsonl with no process, no network socket${isolate[*]:+, under ${isolate[*]}}"

# The same cassette serves an openai spec pointing nowhere only if the model identity matches:
# here it does not, so the run misses -- clearly, with exit 2 and a hint.
expect_exit 2 "$SPAR" run --first-persona scenarios/retail --agent mock -k 1 --seed 6 --replay "$cas" --out "$WORK/miss" --history ""
jq -e -s 'length == 4 and all(.error != null and .error.kind == "replay_miss")' "$WORK/miss/results.jsonl" >/dev/null \
  || fail "misses are replay_miss errors"
jq -r -s '.[0].error.message' "$WORK/miss/results.jsonl" | grep -Eq '^no recorded agent reply for scenario retail/[a-z-]+, trial 1 \(request [0-9a-f]{12}\) in .*cassette.jsonl' \
  || fail "the miss names the scenario, trial and request: $(jq -r -s '.[0].error.message' "$WORK/miss/results.jsonl")"
grep -q "^spar: 4 conversation(s) asked for exchanges that .* does not hold (error kind replay_miss); record the cassette again with --record$" "$WORK/err" \
  || { cat "$WORK/err"; fail "one-line hint on a miss"; }
[ -s "$WORK/miss/summary.json" ] || fail "a missing run still writes its summary"
expect_exit 2 "$SPAR" run --first-persona scenarios/retail --agent "openai:model=x,base_url=http://127.0.0.1:9/v1" --replay "$cas" \
  --out "$WORK/miss2" --history ""
jq -e -s 'all(.error.kind == "replay_miss")' "$WORK/miss2/results.jsonl" >/dev/null || fail "another model misses"
pass "a replay miss is an error per conversation, exit 2, with a one-line hint"

# Input errors.
expect_exit 2 "$SPAR" run --first-persona scenarios/retail --replay "$WORK/none.jsonl" --out "$WORK/x" --history ""
grep -q "none.jsonl: cannot read the cassette" "$WORK/err" || fail "a missing cassette"
echo '{"scenario": "x"}' >"$WORK/bad.jsonl"
expect_exit 2 "$SPAR" run --first-persona scenarios/retail --replay "$WORK/bad.jsonl" --out "$WORK/x" --history ""
grep -q "bad.jsonl:1: not a spar cassette" "$WORK/err" || fail "not a cassette"
expect_exit 2 "$SPAR" run --first-persona scenarios/retail --record "$WORK/a" --replay "$cas" --out "$WORK/x" --history ""
pass "bad cassettes and --record with --replay are input errors"
