#!/usr/bin/env bash
# Runs that cannot mix: each run has its own id in every session id (a stateful agent cannot
# carry one run into the next), one folder takes one run at a time, and --resume refuses
# other scenarios. A full disk stops the run with the reason, losing no finished result.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"

# A small scenario, and a stateful exec agent that logs every session id it is sent.
mkdir -p "$WORK/p"
(cd "$WORK/p" && "$SPAR" new scenario shop/tiny >/dev/null)
sed -i 's/u:fill_until(25)/u:fill_until(3)/; s/max_turns = 25,/max_turns = 3,/' "$WORK/p/scenarios/shop/tiny.lua"
tiny="$WORK/p/scenarios/shop/tiny.lua"
cat >"$WORK/agent.py" <<'EOF'
import json, sys
log = open(sys.argv[1], "a")
for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    log.write(req["session_id"] + "\n")
    log.flush()
    print(json.dumps({"content": "Noted. Anything else?"}), flush=True)
EOF
agent="exec:cmd=python3 $WORK/agent.py $WORK/sessions"

: >"$WORK/sessions"
expect_exit 0 "$SPAR" run --allow-errors "$tiny" --agent "$agent" -k 2 --seed 7 --out "$WORK/a" --history "" -q
sort -u "$WORK/sessions" >"$WORK/first"
: >"$WORK/sessions"
expect_exit 0 "$SPAR" run --allow-errors "$tiny" --agent "$agent" -k 2 --seed 7 --out "$WORK/b" --history "" -q
sort -u "$WORK/sessions" >"$WORK/second"
[ "$(wc -l <"$WORK/first")" -eq 2 ] || { cat "$WORK/first"; fail "one session id per conversation"; }
[ -z "$(comm -12 "$WORK/first" "$WORK/second")" ] || fail "two runs with --seed 7 sent the same session ids: $(comm -12 "$WORK/first" "$WORK/second")"
id_a=$(jq -r .run_id "$WORK/a/run.json")
[[ "$id_a" =~ ^[0-9a-f]{16}$ ]] || fail "run.json has a 16-hex run_id, got '$id_a'"
[ "$id_a" != "$(jq -r .run_id "$WORK/b/run.json")" ] || fail "two runs share a run id"
jq -e -s --arg id "$id_a" 'all(.run_id == $id)' "$WORK/a/results.jsonl" >/dev/null || fail "every record carries the run id"
grep -q -- "-$id_a\$" "$WORK/first" || fail "session ids include the run id: $(head -1 "$WORK/first")"
# The conversations themselves are the same: the seed still decides them.
conv() { jq -c '[.scenario, .trial, .seed, [.transcript[].content]]' "$1" | sort; }
diff <(conv "$WORK/a/results.jsonl") <(conv "$WORK/b/results.jsonl") >/dev/null || fail "same seed, different conversations"
pass "two runs with the same seed send different session ids, carry their run id, and play the same conversations"

# --resume keeps the run's id; a cassette recorded in one run replays in another.
head -1 "$WORK/a/results.jsonl" >"$WORK/one" && mv "$WORK/one" "$WORK/a/results.jsonl"
expect_exit 0 "$SPAR" run --allow-errors --resume "$WORK/a" -q
[ "$(jq -r .run_id "$WORK/a/run.json")" = "$id_a" ] || fail "resume changed the run id"
jq -e -s --arg id "$id_a" 'length == 2 and all(.run_id == $id)' "$WORK/a/results.jsonl" >/dev/null || fail "resumed records keep the run id"
expect_exit 0 "$SPAR" run --allow-errors "$tiny" --agent mock -k 2 --seed 3 --record "$WORK/tape.jsonl" --out "$WORK/rec" --history "" -q
expect_exit 0 "$SPAR" run --allow-errors "$tiny" --agent mock -k 2 --seed 3 --replay "$WORK/tape.jsonl" --out "$WORK/rep" --history "" -q
jq -e -s 'length == 2 and all(.error == null)' "$WORK/rep/results.jsonl" >/dev/null || fail "replay in a new run matches"
pass "resume keeps the run id; replay in another run still matches its cassette"

# One run per folder: while something holds OUT/run.lock, spar refuses (and writes nothing).
mkdir -p "$WORK/busy"
expect_exit 2 flock "$WORK/busy/run.lock" "$SPAR" run "$tiny" --agent mock --out "$WORK/busy" --history ""
[ "$(wc -l <"$WORK/err")" -eq 1 ] || { cat "$WORK/err"; fail "one line"; }
grep -qF "spar: error: $WORK/busy: another spar run is using this folder" "$WORK/err" || { cat "$WORK/err"; fail "names the folder"; }
[ ! -e "$WORK/busy/results.jsonl" ] || fail "a refused run wrote results"
expect_exit 2 flock "$WORK/a/run.lock" "$SPAR" run --resume "$WORK/a"
grep -qF "$WORK/a: another spar run is using this folder" "$WORK/err" || { cat "$WORK/err"; fail "resume takes the lock too"; }
jq -e -s 'length == 2' "$WORK/a/results.jsonl" >/dev/null || fail "the refused resume left the results alone"
expect_exit 0 "$SPAR" run --allow-errors "$tiny" --agent mock --out "$WORK/busy" --history "" -q
pass "a second spar run on a locked folder exits 2 naming it; the lock goes with its holder"

# --resume with other scenarios than the run's is refused, not mixed.
expect_exit 2 "$SPAR" run --first-persona scenarios/retail --agent mock -k 2 --seed 7 --resume "$WORK/a"
[ "$(wc -l <"$WORK/err")" -eq 1 ] || { cat "$WORK/err"; fail "one line"; }
grep -qF "spar: error: $WORK/a: was run on other scenarios" "$WORK/err" || { cat "$WORK/err"; fail "other scenarios refused"; }
expect_exit 2 "$SPAR" run --first-persona "$tiny" scenarios/retail --agent mock -k 2 --seed 7 --resume "$WORK/a"
grep -qF "was run on other scenarios" "$WORK/err" || { cat "$WORK/err"; fail "extra scenarios refused"; }
jq -e -s 'length == 2 and all(.scenario == "shop/tiny")' "$WORK/a/results.jsonl" >/dev/null || fail "nothing mixed in"
expect_exit 0 "$SPAR" run --allow-errors "$tiny" --agent "$agent" -k 2 --seed 7 --resume "$WORK/a" --history "" -q
pass "--resume with other scenario paths exits 2; with the same paths it is accepted"

# A full disk: results.jsonl on /dev/full stops the run with the reason, exit 2.
mkdir -p "$WORK/full"
ln -s /dev/full "$WORK/full/results.jsonl"
expect_exit 2 "$SPAR" run --first-persona scenarios/retail --agent mock -k 2 --out "$WORK/full" --history "" -q
[ "$(wc -l <"$WORK/err")" -eq 1 ] || { cat "$WORK/err"; fail "one line"; }
grep -qF "spar: error: $WORK/full/results.jsonl: No space left on device" "$WORK/err" || { cat "$WORK/err"; fail "the reason"; }
[ ! -e "$WORK/full/summary.json" ] || fail "no summary of a run that could not record"
pass "results.jsonl on a full disk: exit 2 with 'No space left on device'"

# A file size limit hit mid-run (SIGXFSZ ignored, so the write fails with EFBIG): the records
# written before it stay intact, and --resume finishes the run.
set +e
(ulimit -f 40; exec "$SPAR" run --first-persona scenarios/retail --agent mock -k 4 --concurrency 1 -j 1 --out "$WORK/big" --history "" -q) \
  >/dev/null 2>"$WORK/err"
rc=$?
set -e
[ "$rc" -eq 2 ] || { cat "$WORK/err"; fail "exit $rc at the size limit, expected 2"; }
grep -qF "$WORK/big/results.jsonl: File too large" "$WORK/err" || { cat "$WORK/err"; fail "the reason at the size limit"; }
kept=$(jq -R 'fromjson? | select(.scenario)' "$WORK/big/results.jsonl" | jq -s length)
[ "$kept" -ge 1 ] && [ "$kept" -lt 16 ] || fail "the limit should land mid-run ($kept records)"
expect_exit 0 "$SPAR" run --allow-errors --resume "$WORK/big" -q
jq -e -s 'length == 16 and ([.[] | [.scenario, .trial]] | unique | length) == 16' "$WORK/big/results.jsonl" >/dev/null \
  || fail "resume after the size limit finishes the run with every record once"
pass "at a file size limit: exit 2 with the reason, $kept records kept, --resume finished the run"

# summary.json on a full disk: spar report names it.
mkdir -p "$WORK/rep2" && cp "$WORK/a/results.jsonl" "$WORK/rep2/"
ln -s /dev/full "$WORK/rep2/summary.json.tmp"
expect_exit 2 "$SPAR" report "$WORK/rep2"
grep -qF "spar: error: $WORK/rep2/summary.json: No space left on device" "$WORK/err" || { cat "$WORK/err"; fail "summary on a full disk"; }
pass "summary.json on a full disk: exit 2 with the reason"

# spar report over a record nested 200,000 deep: exit 2 naming the line, no stack overflow.
mkdir -p "$WORK/deep"
{ head -1 "$WORK/a/results.jsonl"
  python3 -c 'print("{\"scenario\":\"shop/tiny\",\"trial\":9,\"a\":" + "[" * 200000 + "]" * 200000 + "}")'
} >"$WORK/deep/results.jsonl"
records_unchecked "$WORK/deep/results.jsonl"  # malformed on purpose
expect_exit 2 "$SPAR" report "$WORK/deep"
[ "$(wc -l <"$WORK/err")" -eq 1 ] || { cat "$WORK/err"; fail "one line"; }
grep -qF "spar: error: $WORK/deep/results.jsonl:2: malformed record: nested deeper than 512 levels" "$WORK/err" \
  || { cat "$WORK/err"; fail "a too-deep record names its line"; }
pass "spar report over a record nested 200,000 deep exits 2 naming line 2"

# Script error text reaches the terminal with its control characters escaped; the record
# keeps the real text.
mkdir -p "$WORK/esc/scenarios"
sed 's/u:fill_until(3)/error("\\27]0;pwned\\7\\27[2J gone")/' "$tiny" >"$WORK/esc/scenarios/esc.lua"
grep -q 'pwned' "$WORK/esc/scenarios/esc.lua" || fail "test setup: no error in the persona"
expect_exit 0 "$SPAR" run --allow-errors "$WORK/esc/scenarios/esc.lua" --agent mock --out "$WORK/esc/o" --history ""
grep -qF 'shop/tiny #1 ERROR (' "$WORK/err" || { cat "$WORK/err"; fail "the progress line shows the error"; }
grep -qF '\x1b]0;pwned\x07\x1b[2J gone' "$WORK/err" || { cat "$WORK/err"; fail "escaped on the progress line"; }
! grep -q $'\x1b\|\x07' "$WORK/err" || fail "a raw control character reached stderr"
jq -e -s '.[0].error.message | contains("\u001b]0;pwned\u0007")' "$WORK/esc/o/results.jsonl" >/dev/null \
  || fail "the record keeps the real text"
printf 'error("\\27[31mred\\r\\nspoofed: ok")\n' >"$WORK/esc/scenarios/bad.lua"
expect_exit 2 "$SPAR" run "$WORK/esc/scenarios/bad.lua" --agent mock --out "$WORK/esc/o2" --history ""
[ "$(wc -l <"$WORK/err")" -eq 1 ] || { cat "$WORK/err"; fail "one line, even with CR LF in the message"; }
grep -qF 'bad.lua:1: \x1b[31mred\x0d\x0aspoofed: ok' "$WORK/err" || { cat "$WORK/err"; fail "escaped script error"; }
pass "script error text is escaped on stderr and the progress line, and kept in the record"
