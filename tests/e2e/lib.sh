# Shared helpers for the end-to-end suites. Each suite runs the real CLI ($SPAR) against the
# real mock agent in a fresh temporary folder and fails on the first broken expectation.
set -euo pipefail
: "${SPAR:?set by CTest}"
: "${SPAR_ROOT:?set by CTest}"
# scripts/test --sanitize names an unsanitized mock agent for the suites to play against (see there).
if [ -n "${SPAR_E2E_MOCK_AGENT:-}" ]; then export SPAR_MOCK_AGENT=$SPAR_E2E_MOCK_AGENT; fi
# sanitized: true in the sanitized half (scripts/test --sanitize). The same spar code runs in
# both halves; what the sanitized half adds is AddressSanitizer and UBSan on it, 5-10x slower.
# So suites whose cost is statistics at full scale (figures the normal half pins) play a
# smaller sample there, the same code paths on fewer conversations (docs/testing.md).
sanitized() { [ -n "${SPAR_E2E_SANITIZED:-}" ]; }
# The tau suites' --step-cpu: building a tau domain's database (megabytes of Lua table
# constructors in one include step) takes most of the default 1 s of CPU under ASan, so a
# suite's verdict would hang on the machine's speed. 60 s keeps the budget a runaway guard only.
TAU_STEP_CPU=60
# A missing mock agent fails the suite: nothing may pass by not running.
: "${SPAR_MOCK_AGENT:?set by CTest}"
[ -x "$SPAR_MOCK_AGENT" ] || { echo "FAIL: no spar-mock-agent at $SPAR_MOCK_AGENT" >&2; exit 1; }
WORK="$(mktemp -d)"
# At exit, a suite that passed has every results.jsonl it wrote under $WORK checked against
# docs/record.schema.json (see validate_records): every record every suite writes is a record v1.
# A file a suite tears or corrupts on purpose is named with records_unchecked.
RECORDS_UNCHECKED=()
records_unchecked() { RECORDS_UNCHECKED+=("$@"); }
# at_exit CMD: runs CMD (eval'd) at exit, before the record check; suites use it, not trap.
AT_EXIT=()
at_exit() { AT_EXIT+=("$1"); }
_spar_e2e_exit() {
  local rc=$? files=() f skip u
  for u in "${AT_EXIT[@]}"; do eval "$u" || true; done
  # (Checked in the normal half only: the sanitized build writes the same records.)
  if [ "$rc" -eq 0 ] && [ -z "${SPAR_E2E_NO_RECORD_CHECK:-}" ] && ! sanitized; then
    while IFS= read -r -d '' f; do
      skip=
      for u in "${RECORDS_UNCHECKED[@]}"; do [ "$f" -ef "$u" ] && skip=1; done
      # an empty file is a run that wrote no record (refused input); nothing to check
      [ -z "$skip" ] && [ -s "$f" ] && files+=("$f")
    done < <(find "$WORK" -name results.jsonl -type f -print0 2>/dev/null)
    if [ "${#files[@]}" -gt 0 ]; then
      if python3 "$SPAR_ROOT/tests/e2e/validate_records.py" "$SPAR_ROOT/docs/record.schema.json" "${files[@]}" >"$WORK/validate.out" 2>&1; then
        echo "ok: ${#files[@]} results.jsonl files written by this suite match docs/record.schema.json"
      else
        head -40 "$WORK/validate.out" >&2
        echo "FAIL: records written by this suite do not match docs/record.schema.json" >&2
        rc=1
      fi
    fi
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap _spar_e2e_exit EXIT

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
