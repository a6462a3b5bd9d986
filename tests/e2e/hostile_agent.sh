#!/usr/bin/env bash
# Hostile exec agents inside real runs: no process of an exec agent's tree (a grandchild it
# forked included) outlives spar, however spar ends -- a normal exit, SIGTERM, kill -9, a crash;
# and a reply past --max-reply-bytes is that conversation's protocol error, nothing more.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"

"$SPAR" run --help >"$WORK/help" 2>&1 || true
grep -q -- '--max-reply-bytes' "$WORK/help" || fail "spar run --help shows --max-reply-bytes"

# The agent forks a grandchild (sleep) before exec'ing python; both pids go to $1. With
# HANG=1 it never answers, so spar is still waiting when it is stopped.
cat >"$WORK/agent.py" <<'EOF'
import json, os, sys
with open(sys.argv[1], "a") as f: f.write("%d\n" % os.getpid())
for line in sys.stdin:
    if os.environ.get("HANG") == "1":
        sys.stdin.read()  # never answers
    print(json.dumps({"content": "Noted."}), flush=True)
EOF
agent() { echo "exec:cmd=sleep 300 & echo \$! >>$1; exec python3 $WORK/agent.py $1"; }

# alive PID: the process exists and is not a zombie waiting for its reaper.
alive() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }
# wait_for_pids FILE: until FILE holds both pids (the grandchild's and the agent's).
wait_for_pids() {
  for _ in $(seq 600); do [ -f "$1" ] && [ "$(wc -l <"$1")" -ge 2 ] && return; sleep 0.05; done
  fail "the exec agent never started ($1)"
}
# expect_gone FILE WHAT: every pid in FILE ends (polled, bounded), else the test fails.
expect_gone() {
  local pid
  for pid in $(cat "$1"); do
    for _ in $(seq 600); do alive "$pid" || continue 2; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
    fail "$2: process $pid of the exec agent's tree outlived spar"
  done
}
cleanup_pids() { cat "$WORK"/*.pids 2>/dev/null | xargs -r kill -9 2>/dev/null || true; }
at_exit cleanup_pids

# 1. A normal end of the run.
expect_exit 0 "$SPAR" run --first-persona --allow-errors scenarios/retail/address-change.lua -k 1 -j 1 --history "" --out "$WORK/normal" -q \
  --agent "$(agent "$WORK/normal.pids")"
wait_for_pids "$WORK/normal.pids"
expect_gone "$WORK/normal.pids" "a normal exit"
pass "normal exit: the agent and its grandchild are gone"

# 2-4. spar stopped mid-request by SIGTERM, SIGKILL and SIGSEGV (a crash).
for sig in TERM KILL SEGV; do
  HANG=1 "$SPAR" run --first-persona scenarios/retail/address-change.lua -k 1 -j 1 --history "" --out "$WORK/$sig" -q \
    --request-timeout 600 --agent "$(agent "$WORK/$sig.pids")" >/dev/null 2>&1 </dev/null &
  spar_pid=$!
  wait_for_pids "$WORK/$sig.pids"
  kill -"$sig" "$spar_pid"
  wait "$spar_pid" 2>/dev/null || true
  expect_gone "$WORK/$sig.pids" "SIG$sig"
  pass "SIG$sig: the agent and its grandchild are gone"
done

# A reply past the cap: a protocol error of its conversation; the run finishes.
cat >"$WORK/big.py" <<'EOF'
import json, sys
for line in sys.stdin:
    req = json.loads(line)
    big = req["session_id"].startswith("retail/address-change")
    print(json.dumps({"content": "x" * (2 << 20) if big else "Noted."}), flush=True)
EOF
expect_exit 0 "$SPAR" run --first-persona --allow-errors scenarios/retail -k 1 -j 1 --history "" --out "$WORK/big" -q --max-reply-bytes 1048576 \
  --retries 0 --agent "exec:cmd=python3 $WORK/big.py"
jq -e -s '[.[] | select(.scenario == "retail/address-change")] | length == 1 and all(.error != null and .error.kind == "protocol"
  and (.error.message | test("longer than 1048576 bytes")))' "$WORK/big/results.jsonl" >/dev/null \
  || { jq -c '{scenario, status, error}' "$WORK/big/results.jsonl"; fail "the oversized reply is a protocol error"; }
jq -e -s '[.[] | select(.scenario != "retail/address-change")] | length > 0 and all(.error == null)' \
  "$WORK/big/results.jsonl" >/dev/null || fail "the other conversations are unharmed"
pass "a reply past --max-reply-bytes fails its own conversation only"

# URL credentials without a scheme are masked in run.json and report.html too, and a resume
# asks for the spec again instead of using the masked one.
expect_exit 0 "$SPAR" run --first-persona --allow-errors scenarios/retail/address-change.lua -k 1 --history "" --out "$WORK/creds" -q --retries 0 \
  --agent "openai:model=m,base_url=user:pw-SECRET-42@127.0.0.1:9/v1"
grep -q '\*\*\*@127.0.0.1:9' "$WORK/creds/run.json" || fail "run.json shows the credentials as ***@"
if grep -rl "pw-SECRET-42" "$WORK/creds"; then fail "scheme-less URL credentials were written to the file(s) above"; fi
rm "$WORK/creds/results.jsonl"
expect_exit 2 "$SPAR" run --resume "$WORK/creds" -q
grep -q "had URL credentials, which spar does not store" "$WORK/err" || { cat "$WORK/err"; fail "resume asks for the spec again"; }
pass "scheme-less URL credentials are masked everywhere; resume asks for them again"
