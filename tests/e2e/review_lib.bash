# Helpers shared by review_api.sh and review_browser.sh (sourced after lib.sh).

# make_review_run DIR: a small run with failures, violations and unrecovered events, played
# against the flawed mock agent (4 conversations of one retail scenario).
make_review_run() {
  "$SPAR" run --first-persona scenarios/retail/address-change.lua --agent mock:fatigue=0.05,correction_rate=0.9,policy_slip=0.3 \
    -k 4 --seed 3 --out "$1" --history '' >"$WORK/run.out" 2>&1 || [ $? -eq 1 ] || { cat "$WORK/run.out" >&2; fail "spar run failed"; }
  [ -s "$1/results.jsonl" ] || fail "no results.jsonl in $1"
}

# start_review NAME ARGS...: starts `spar review ARGS...` in the background and waits for its
# "review: http://127.0.0.1:PORT/" line; sets REVIEW_PID_<NAME> and REVIEW_URL_<NAME>.
start_review() {
  local name=$1; shift
  "$SPAR" review "$@" >"$WORK/review-$name.out" 2>"$WORK/review-$name.err" &
  local pid=$! url=""
  at_exit "kill $pid 2>/dev/null"
  # bounded wait for the line spar flushes as soon as it listens (not a timing assertion)
  for _ in $(seq 600); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$WORK/review-$name.out" 2>/dev/null | head -1 || true)
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/review-$name.err" >&2; fail "spar review $* exited before listening"; }
    sleep 0.1
  done
  [ -n "$url" ] || fail "spar review $* printed no URL"
  printf -v "REVIEW_PID_$name" '%s' "$pid"
  printf -v "REVIEW_URL_$name" '%s' "$url"
}

# stop_review NAME: SIGTERM, then the server must exit 0.
stop_review() {
  local pid_var="REVIEW_PID_$1"
  local pid=${!pid_var}
  kill -TERM "$pid"
  local rc=0
  wait "$pid" || rc=$?
  [ "$rc" -eq 0 ] || fail "spar review ($1) exited $rc on SIGTERM: $(cat "$WORK/review-$1.err")"
}
