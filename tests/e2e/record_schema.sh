#!/usr/bin/env bash
# docs/record.schema.json is the record v1 contract (docs/record.md), checked with a real
# validator (python3-jsonschema, Draft 2020-12): every record the import suites write, a
# hand-written played record with verdicts, and each way a record can break the contract.
source "$(dirname "$0")/lib.sh"
FIX="$SPAR_ROOT/tests/fixtures/import"

python3 -c 'import jsonschema' || fail "python3-jsonschema is missing (scripts/bootstrap --test installs it)"

# Records that spar import writes.
expect_exit 0 "$SPAR" import "$FIX/orders.jsonl" --format openai --out "$WORK/openai"
expect_exit 0 "$SPAR" import "$FIX/plain.json" --format messages --out "$WORK/plain"
validate_records "$WORK/openai/results.jsonl" "$WORK/plain/results.jsonl"
# A played record with its verdicts (the example of docs/record.md).
validate_records "$FIX/record-v1-played.jsonl"
pass "imported records and a played record with verdicts validate"

# The check can fail: each change below breaks the contract and must be caught.
broken() {  # broken WHAT JQ-FILTER FILE
  jq -c "$2" "$3" >"$WORK/broken.jsonl"
  if python3 "$SPAR_ROOT/tests/e2e/validate_records.py" "$SPAR_ROOT/docs/record.schema.json" "$WORK/broken.jsonl" \
       >"$WORK/broken.out" 2>&1; then
    fail "the schema accepts a record with $1"
  fi
}
played="$FIX/record-v1-played.jsonl"
imported="$WORK/openai/results.jsonl"
broken "no schema_version" 'del(.schema_version)' "$played"
broken "schema_version 2" '.schema_version = 2' "$played"
broken "a verdict among the observations" '.pass = true' "$played"
broken "the old status field" '.status = "completed"' "$played"
broken "a recovery verdict in a raised event" '.events[0].recovered = true' "$played"
broken "a retention verdict in a raised probe" '.probes[0].answered = true' "$played"
broken "an unknown ended" '.ended = "completed"' "$played"
broken "an error without ended agent_error" '.error = {"kind": "http", "message": "HTTP 500"}' "$played"
broken "ended agent_error without an error" '.ended = "agent_error"' "$played"
broken "a run id that is not 16 hex" '.run_id = "run-1"' "$played"
broken "trial 0" '.trial = 0' "$played"
broken "a transcript role that does not exist" '.transcript[0].role = "bot"' "$played"
broken "tool-call arguments as an object" '.transcript[1].tool_calls[0].arguments = {}' "$played"
broken "usage without judge_requests" 'del(.usage.judge_requests)' "$played"
broken "a policy_error warning among the observations" '.warnings[0].kind = "policy_error"' "$played"
broken "score.events not as long as events" '.score.events = []' "$played"
broken "an unknown decided_by" '.score.decided_by = "vibes"' "$played"
broken "a scorer without options" 'del(.score.scorer.options)' "$played"
broken "an import with a seed" '.seed = 7' "$imported"
broken "an import with a final state" '.final_state = {}' "$imported"
broken "an import that says how it ended" '.ended = "persona_done"' "$imported"
broken "an import without its source file" 'del(.source.file)' "$imported"
broken "a label reward above 1" '.label = {"source": "tau-bench", "reward": 2, "pass": true}' "$imported"
pass "the schema refuses each broken record"

# Every record of a real run of the bundled library against the mock.
check_live_run_records() {
  expect_exit 0 "$SPAR" run --first-persona "$SPAR_ROOT/scenarios" --agent mock -k 1 --out "$WORK/live" -q --history ""
  validate_records "$WORK/live/results.jsonl"
  pass "every record of a live run of the bundled library validates"
}
check_live_run_records

# Every suite's exit hook (lib.sh) checks all the results.jsonl it left under $WORK; a suite that
# passed but wrote a broken record fails, and records_unchecked exempts one named file.
mkdir -p "$WORK/hook"
cat >"$WORK/hook/suite.sh" <<'SUITE'
source "$SPAR_ROOT/tests/e2e/lib.sh"
mkdir -p "$WORK/a" "$WORK/b"
echo '{"scenario":"x","trial":1}' >"$WORK/a/results.jsonl"
echo '{"scenario":"x","trial":1}' >"$WORK/b/results.jsonl"
[ -n "${EXEMPT_A:-}" ] && records_unchecked "$WORK/a/results.jsonl"
[ -n "${EXEMPT_B:-}" ] && records_unchecked "$WORK/b/results.jsonl"
true
SUITE
set +e
TMPDIR="$WORK/hook" EXEMPT_A=1 SPAR_E2E_SANITIZED= bash "$WORK/hook/suite.sh" >"$WORK/hook/out" 2>"$WORK/hook/err"
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "a suite that wrote a broken record passed"
grep -q "/b/results.jsonl:1: " "$WORK/hook/err" || { cat "$WORK/hook/err"; fail "the hook names the broken file"; }
grep -q "/a/results.jsonl" "$WORK/hook/err" && fail "the hook checked an exempted file"
expect_exit 0 env TMPDIR="$WORK/hook" EXEMPT_A=1 EXEMPT_B=1 SPAR_E2E_SANITIZED= bash "$WORK/hook/suite.sh"
pass "each suite's exit hook fails it on a broken record it wrote, and honours records_unchecked"
