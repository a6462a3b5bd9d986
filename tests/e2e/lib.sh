# Shared helpers for the end-to-end suites. Each suite runs the real CLI ($SPAR) against the
# real mock agent in a fresh temporary folder and fails on the first broken expectation.
set -euo pipefail
: "${SPAR:?set by CTest}"
: "${SPAR_ROOT:?set by CTest}"
# scripts/test --sanitize names an unsanitized mock agent for the suites to play against (see there).
if [ -n "${SPAR_E2E_MOCK_AGENT:-}" ]; then export SPAR_MOCK_AGENT=$SPAR_E2E_MOCK_AGENT; fi
# A missing mock agent fails the suite: nothing may pass by not running.
: "${SPAR_MOCK_AGENT:?set by CTest}"
[ -x "$SPAR_MOCK_AGENT" ] || { echo "FAIL: no spar-mock-agent at $SPAR_MOCK_AGENT" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# track_mocks: from here on, spar starts the mock agent through a wrapper that notes its pid
# (exec keeps it) in $WORK/mock.pids, so a suite can check on exactly its own mock agents.
track_mocks() {
  local real=$SPAR_MOCK_AGENT
  printf '#!/bin/sh\necho $$ >>"%s"\nexec "%s" "$@"\n' "$WORK/mock.pids" "$real" >"$WORK/mock-wrapper"
  chmod +x "$WORK/mock-wrapper"
  export SPAR_MOCK_AGENT="$WORK/mock-wrapper"
}

# expect_mocks_gone: at least one tracked mock agent was started, and each one exits (a zombie
# counts as gone). Waits up to a minute per process: only a mock that outlives spar is slower.
expect_mocks_gone() {
  [ -s "$WORK/mock.pids" ] || fail "no mock agent was started"
  local pid state
  for pid in $(cat "$WORK/mock.pids"); do
    for _ in $(seq 600); do
      state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
      case "$state" in "" | Z*) continue 2 ;; esac
      sleep 0.1
    done
    fail "spar-mock-agent $pid outlived spar"
  done
}

# expect_exit CODE CMD...: runs CMD, stores stdout/stderr in $WORK/out and $WORK/err.
expect_exit() {
  local want=$1; shift
  set +e
  "$@" >"$WORK/out" 2>"$WORK/err" </dev/null
  local got=$?
  set -e
  [ "$got" -eq "$want" ] || { cat "$WORK/err" >&2; fail "exit $got, expected $want: $*"; }
}

# validate_records FILE...: every record in each results.jsonl is a record v1 by
# docs/record.schema.json (checked with python3-jsonschema, see docs/record.md); a broken record
# fails the suite, naming file:line and the field.
validate_records() {
  python3 "$SPAR_ROOT/tests/e2e/validate_records.py" "$SPAR_ROOT/docs/record.schema.json" "$@" >"$WORK/validate.out" 2>&1 || {
    head -40 "$WORK/validate.out" >&2
    fail "records do not match docs/record.schema.json: $*"
  }
}
