# Shared helpers for the end-to-end suites. Each suite runs the real CLI ($SPAR) against the
# real mock agent in a fresh temporary folder and fails on the first broken expectation.
set -euo pipefail
: "${SPAR:?set by CTest}"
: "${SPAR_ROOT:?set by CTest}"
# scripts/test --sanitize names an unsanitized mock agent for the suites to play against (see there).
if [ -n "${SPAR_E2E_MOCK_AGENT:-}" ]; then export SPAR_MOCK_AGENT=$SPAR_E2E_MOCK_AGENT; fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# expect_exit CODE CMD...: runs CMD, stores stdout/stderr in $WORK/out and $WORK/err.
expect_exit() {
  local want=$1; shift
  set +e
  "$@" >"$WORK/out" 2>"$WORK/err" </dev/null
  local got=$?
  set -e
  [ "$got" -eq "$want" ] || { cat "$WORK/err" >&2; fail "exit $got, expected $want: $*"; }
}
