#!/usr/bin/env bash
# junit.xml, gates, spar diff, run history and progress output.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"
command -v xmllint >/dev/null || fail "xmllint is missing (Debian package libxml2-utils; scripts/test installs it)"
H="$WORK/history.db"

# A clean baseline and a run with policy slips (failures and critical violations).
expect_exit 0 "$SPAR" run --first-persona scenarios/retail --agent mock -k 3 --seed 3 --out "$WORK/base" -q --history "$H"
expect_exit 0 "$SPAR" run --first-persona scenarios/retail --agent mock:policy_slip=0.6 -k 3 --seed 3 --out "$WORK/slip" -q --history "$H"

# junit.xml: valid, one testcase per scenario, failures name trials and why.
for run in base slip; do
  xmllint --noout --schema tests/e2e/junit.xsd "$WORK/$run/junit.xml" 2>"$WORK/xml.err" \
    || { cat "$WORK/xml.err"; fail "$run/junit.xml does not validate"; }
done
n=$(find scenarios/retail -name '[!_]*.lua' | wc -l)
[ "$(grep -c '<testcase ' "$WORK/slip/junit.xml")" -eq "$n" ] || fail "one testcase per scenario"
grep -q '<testsuites name="spar" tests="'"$n"'" failures="0" errors="0"' "$WORK/base/junit.xml" || fail "clean junit"
grep -Eq '<failure message="[0-9] of 3 trials failed: trial [0-9] \(((critical|major) violation at turn [0-9]+: [^)]+|goal not met)\)' \
  "$WORK/slip/junit.xml" || { grep failure "$WORK/slip/junit.xml" | head -3; fail "failure names trials and why"; }
pass "junit.xml validates and names failed trials and why"

# Gates: exit 1 and say which; exit 0 when they hold; a bad gate is a usage error.
expect_exit 1 "$SPAR" report "$WORK/slip" --gate 'pass^1>=0.9' --gate 'quality@3>=0.1'
grep -q '^gate FAILED: pass^1>=0.9 (pass^1 = ' "$WORK/out" || fail "failed gate is named"
grep -q '^gate held: quality@3>=0.1 ' "$WORK/out" || fail "held gate is named"
expect_exit 0 "$SPAR" report "$WORK/base" --gate 'pass^3>=0.8' --gate 'violations<=0'
expect_exit 1 "$SPAR" report "$WORK/base" --gate 'pass^9>=0.5'
grep -q 'gate FAILED: pass^9>=0.5 (pass^9 was not measured in this run)' "$WORK/out" || fail "unmeasured gate fails"
expect_exit 2 "$SPAR" report "$WORK/base" --gate 'happiness>=1'
grep -q "unknown metric 'happiness'" "$WORK/err" || fail "bad gate"
expect_exit 1 "$SPAR" run --first-persona scenarios/retail/wrong-order-number.lua --agent mock:policy_slip=1 -k 2 --out "$WORK/g" -q \
  --history "" --gate 'pass^2>=0.8'
pass "gates exit 1 and name what failed"

# diff: a regression exits 1; the same run exits 0; markdown for PR comments.
expect_exit 1 "$SPAR" diff "$WORK/base" "$WORK/slip" --max-drop 0.05
grep -q '^overall  *pass^1 .* REGRESSION$' "$WORK/out" || fail "diff marks the regression"
grep -q 'regressions:$' "$WORK/out" || fail "diff lists regressions"
expect_exit 0 "$SPAR" diff "$WORK/base" "$WORK/base"
grep -q '^no regression' "$WORK/out" || fail "no regression"
expect_exit 1 "$SPAR" diff "$WORK/base" "$WORK/base" --min 'pass^1=1.01'
expect_exit 0 "$SPAR" diff "$WORK/slip" "$WORK/base" --format markdown
head -2 "$WORK/out" | grep -q '^|---|---|---:|---:|---:|---|---|$' || fail "markdown table"
pass "spar diff finds regressions, honours --min, writes markdown"

# History: both runs recorded; trends per metric and per scenario.
expect_exit 0 "$SPAR" history --db "$H"
[ "$(grep -cE '^ +[0-9]+  20[0-9]{2}-' "$WORK/out")" -eq 2 ] || fail "two runs in history"
grep -q '^trend  pass^1 -' "$WORK/out" || fail "trend shows the drop"
expect_exit 0 "$SPAR" history --db "$H" --scenario retail/address-change --metric quality@8
grep -q 'quality@8' "$WORK/out" || fail "per scenario metric"
# Each row leads back to its run: run id (run.json's), the agent as given, the out folder.
base_id=$(jq -r .run_id "$WORK/base/run.json")
grep -qE "^ +1  20[0-9-]+T[0-9:]+Z  $base_id +[0-9]+ +0 .* mock +$WORK/base\$" "$WORK/out" \
  || fail "history row 1 names run id $base_id, agent mock and folder $WORK/base: $(cat "$WORK/out")"
grep -qE " mock:policy_slip=0.6 +$WORK/slip\$" "$WORK/out" || fail "history row 2 names its agent and folder"
# A misspelt scenario or a metric no run recorded is an input error, not a table of dashes.
expect_exit 2 "$SPAR" history --db "$H" --scenario retail/adress-change
grep -q "no run recorded scenario 'retail/adress-change'; did you mean: retail/address-change" "$WORK/err" \
  || fail "unknown scenario: did you mean"
expect_exit 2 "$SPAR" history --db "$H" --metric quality@99
grep -q "none of the last 2 runs recorded quality@99" "$WORK/err" || fail "unrecorded metric"
# A database an older spar wrote (runs without run_uid/agent_spec) gains the columns on open;
# its old rows show "-" and the agent it recorded.
python3 - "$WORK/old.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, recorded_at TEXT NOT NULL, out_dir TEXT, agent TEXT,
  seed INTEGER, trials INTEGER, conversations INTEGER, completed INTEGER, errors INTEGER, summary TEXT NOT NULL);
CREATE TABLE metrics (run_id INTEGER NOT NULL REFERENCES runs(id), scenario TEXT NOT NULL, metric TEXT NOT NULL,
  value REAL, PRIMARY KEY (run_id, scenario, metric));
INSERT INTO runs VALUES (1, '2026-01-01T00:00:00Z', 'runs/old', 'mock (old)', 1, 1, 2, 2, 0, '{}');
INSERT INTO metrics VALUES (1, '', 'pass^1', 0.5);
""")
db.commit()
PY
expect_exit 0 "$SPAR" run --first-persona scenarios/retail/exchange-size.lua --agent mock --out "$WORK/new" -q --history "$WORK/old.db"
expect_exit 0 "$SPAR" history --db "$WORK/old.db"
grep -qE '^ +1  2026-01-01T00:00:00Z  - +2 +0 +0.500 .* mock \(old\) +runs/old$' "$WORK/out" || fail "old row: $(cat "$WORK/out")"
grep -qE "^ +2  .* mock +$WORK/new\$" "$WORK/out" || fail "new row in the migrated database"
pass "history records runs and shows trends"

# Progress: plain lines without a terminal, a live line with an ETA on one.
expect_exit 0 "$SPAR" run --first-persona scenarios/retail/wrong-order-number.lua --agent mock -k 2 --out "$WORK/p" --history ""
grep -q '^\[2/2\] retail/wrong-order-number #[12] pass (25 turns)$' "$WORK/err" || fail "plain progress lines"
command -v script >/dev/null || fail "script is missing (Debian package bsdutils; scripts/test installs it)"
script -qec "$SPAR run --first-persona scenarios/retail/wrong-order-number.lua --agent mock -k 2 --out $WORK/p2 --history ''" \
  /dev/null >"$WORK/tty" </dev/null
grep -q 'ETA' "$WORK/tty" && grep -q $'\r' "$WORK/tty" || fail "live progress line on a terminal"
pass "progress: plain lines, and a live line with an ETA on a terminal"
