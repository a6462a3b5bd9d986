#!/usr/bin/env bash
# spar calibrate: a run against the mock agent with the mock judge, two reviewers' labels written
# into its history database (some agreeing with spar, some not), and the figures spar prints and
# writes with --json checked against the same statistics computed independently in python3
# (tests/e2e/calibrate_check.py); the flag, the gates holding and failing, bad input, and the
# calibration section of report.html rendered in headless Chromium.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
CHECK="$SPAR_ROOT/tests/e2e/calibrate_check.py"

expect_exit 0 "$SPAR" new scenario shop/judged
sed -i 's/  max_turns = 25,/  max_turns = 25,\n  judge = { rubric = "The agent is polite and answers what was asked." },/' scenarios/shop/judged.lua
expect_exit 0 "$SPAR" run --first-persona scenarios "$SPAR_ROOT/scenarios/retail" --agent mock:policy_slip=0.3,correction_rate=0.6 \
  --judge mock:judge_noise=0.4 -k 3 --seed 3 --out runs/a -q
[ -f runs/history.db ] || fail "spar run wrote no history database"

# Before any label: nothing to compare, and a gate on it fails (exit 1), saying why.
expect_exit 0 "$SPAR" calibrate runs/a
grep -q "^calibration: 0 labels" "$WORK/out" || fail "no labels yet: $(head -3 "$WORK/out")"
grep -q "no grader rated an item a person labelled" "$WORK/out" || fail "no comparison without labels"
expect_exit 1 "$SPAR" calibrate runs/a --gate 'outcome.kappa>=0.5'
grep -q "gate FAILED: outcome.kappa>=0.5 (outcome: no item both it and a person labelled)" "$WORK/out" \
  || fail "a gate on a grader nobody labelled: $(grep gate "$WORK/out")"
pass "no labels: no figures, and a gate cannot pass on nothing"

grep -q '"calibration":{' runs/a/report.html && fail "the live run has no labels yet: no calibration data"
python3 "$CHECK" label runs/a/results.jsonl runs/history.db
python3 "$CHECK" expect runs/a/results.jsonl runs/history.db >expected.json
expect_exit 0 "$SPAR" calibrate runs/a --json
cp "$WORK/out" got.json
expect_exit 0 "$SPAR" calibrate runs/a
cp "$WORK/out" got.txt

# Every figure of every grader python found labelled, in --json and in the printed table.
python3 - expected.json got.json got.txt <<'PY' || fail "calibrate's figures differ from the independent ones"
import json, sys
exp = json.load(open(sys.argv[1])); got = json.load(open(sys.argv[2])); txt = open(sys.argv[3]).read().splitlines()
graders = {g["grader"]: g for g in got["graders"]}
def same(a, b):
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-6)
bad = []
for name, e in exp.items():
    if name.startswith("reviewers:"):
        kind = name.split(":")[1]
        r = got["reviewers_agreement"][kind]
        p = r["pairs"][0]
        for k in ("n", "agreement", "kappa"):
            if not same(e[k], p[k]): bad.append(f"{name}.{k}: {p[k]} != {e[k]}")
        if not same(e["alpha"], r["alpha"]): bad.append(f"{name}.alpha: {r['alpha']} != {e['alpha']}")
        continue
    g = graders.get(name)
    if g is None:
        bad.append(f"{name}: missing from --json"); continue
    for k in ("n", "tied", "agreement", "kappa", "alpha"):
        if not same(e[k], g[k]): bad.append(f"{name}.{k}: {g[k]} != {e[k]}")
    row = [l.split() for l in txt if l.split()[:1] == [name]]
    if not row:
        bad.append(f"{name}: no row in the table"); continue
    fig = lambda v: "-" if v is None else f"{v:.3f}"
    want = [name, str(e["n"]), str(e["tied"]), fig(e["agreement"]), fig(e["kappa"]), fig(e["alpha"])]
    if row[0][:6] != want: bad.append(f"row {row[0]} != {want}")
# the exercise must exercise something: disagreement on several graders, and a kappa below 1
for name in ("outcome", "recovery:text", "judge"):
    if name not in exp: bad.append(f"{name}: python found nothing labelled")
if not any(e["kappa"] is not None and e["kappa"] < 0.9 for e in exp.values()): bad.append("no grader disagrees")
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
pass "agreement, kappa, alpha, n and ties match the independent computation (json and table)"

# Flagged: exactly the graders whose kappa is below the threshold (or undefined); python leaves
# the policy graders to the next check.
for t in 0.6 0.8; do
  expect_exit 0 "$SPAR" calibrate runs/a --json --threshold $t
  want=$(jq -r --argjson t $t 'to_entries | map(select((.key | startswith("reviewers:")) | not)
           | select(.value.n > 0 and (.value.kappa == null or .value.kappa < $t)) | .key) | sort | join(",")' expected.json)
  got=$(jq -r '[.graders[] | select(.flagged) | .grader | select(startswith("policy") | not)] | sort | join(",")' "$WORK/out")
  [ -n "$want" ] && [ "$got" = "$want" ] || fail "flagged at $t: '$got', expected '$want'"
done
expect_exit 0 "$SPAR" calibrate runs/a --threshold 0.6
grep -E "^recovery:text .*FLAGGED: kappa below 0.6" "$WORK/out" >/dev/null || fail "the table flags recovery:text"
grep -E "^outcome .*FLAGGED" "$WORK/out" >/dev/null && fail "outcome (kappa 0.76) is not flagged at 0.6"
pass "a grader below the threshold is flagged, one above is not"

# The disagreements carry both rationales: spar's violation message and the reviewers' reasons.
jq -e '[.graders[] | select(.grader | startswith("policy:")) | select(.family | not)] | length == 1 and (.[0] |
        .n == 1 and .agreement == 0 and .flagged and .disagreements[0].value == "violated"
        and (.disagreements[0].rationale | test("called"))
        and ([.disagreements[0].humans[].rationale] | sort == ["ana: the user had said yes", "ben: the user had said yes"]))' got.json >/dev/null \
  || fail "the policy disagreement with both rationales"
grep -q "ben said not_violated: ben: the user had said yes" got.txt || fail "the printed disagreement names the reviewer's rationale"
jq -e '[.graders[] | select(.grader == "outcome") | .disagreements[] | select(.distance == 1)] | length == 1' got.json >/dev/null \
  || fail "outcome's worst disagreement: the conversation both reviewers flipped"
pass "the worst disagreements, with spar's and the reviewers' rationales"

# Gates: held, failed, an unknown grader, a malformed key.
k=$(jq -r '.outcome.kappa' expected.json)
expect_exit 0 "$SPAR" calibrate runs/a --gate "outcome.kappa>=$(python3 -c "print(round($k - 0.01, 4))")" --gate 'judge.n>=5'
grep -q "gate held: outcome.kappa>=" "$WORK/out" || fail "gate held"
expect_exit 1 "$SPAR" calibrate runs/a --gate "outcome.kappa>=$(python3 -c "print(round($k + 0.01, 4))")" --gate 'judge.n>=5'
grep -q "gate FAILED: outcome.kappa>=" "$WORK/out" || fail "gate failed"
grep -q "gate held: judge.n>=5" "$WORK/out" || fail "the other gate still held"
expect_exit 1 "$SPAR" calibrate runs/a --gate 'judge:gpt-9.kappa>=0.1'
grep -q "judge:gpt-9: no such grader in these records" "$WORK/out" || fail "unknown grader"
expect_exit 1 "$SPAR" calibrate runs/a --json --gate 'judge:mock:judge_noise=0.4.agreement>=0.99'
jq -e '.gates[0].held == false' "$WORK/out" >/dev/null || fail "--json carries the gate verdicts"
grep -q "gate FAILED: judge:mock:judge_noise=0.4.agreement>=0.99" "$WORK/err" || fail "--json: gate lines on stderr"
expect_exit 2 "$SPAR" calibrate runs/a --gate 'judge.kapa>=0.6'
grep -q "spar: error: --gate: bad gate 'judge.kapa>=0.6'" "$WORK/err" || fail "bad gate key"
expect_exit 2 "$SPAR" calibrate runs/nothing-here
grep -q "^spar: error: .*runs/nothing-here/results.jsonl" "$WORK/err" || fail "a missing run folder: $(cat "$WORK/err")"
pass "gates hold and fail like spar run's; unknown graders fail, malformed keys are usage errors"

# report.html: the calibration section, rendered.
command -v chromium >/dev/null 2>&1 || fail "chromium is not installed (apt-get install -y chromium)"
expect_exit 0 "$SPAR" report runs/a
profile="$(mktemp -d -p "$WORK" chromium.XXXXXX)"
timeout 300 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$profile" --window-size=1400,1000 \
  --virtual-time-budget=5000 --dump-dom "file://$WORK/runs/a/report.html" >dom.html 2>chromium.log </dev/null \
  || fail "chromium failed on report.html"
grep -q 'data-rendered="true"' dom.html || fail "the page did not finish rendering"
grep -q '<body data-errors=""' dom.html || fail "the page recorded errors: $(grep -o 'data-errors="[^"]*"' dom.html)"
python3 - dom.html expected.json <<'PY' || fail "report.html's calibration section"
import html.parser, json, sys
exp = json.load(open(sys.argv[2]))
class P(html.parser.HTMLParser):
    rows, cur, cell, table = {}, None, None, None
    def handle_starttag(self, tag, a):
        a = dict(a)
        if tag == "table": self.table = a.get("id")
        if tag == "tr" and self.table == "calibration-table" and "data-grader" in a:
            self.cur = a["data-grader"]; self.rows[self.cur] = {"flagged": a["data-flagged"], "cells": []}
        if tag == "td" and self.cur: self.cell = ""
    def handle_data(self, d):
        if self.cell is not None: self.cell += d
    def handle_endtag(self, tag):
        if tag == "td" and self.cur and self.cell is not None: self.rows[self.cur]["cells"].append(self.cell); self.cell = None
        if tag == "tr": self.cur = None
        if tag == "table": self.table = None
p = P(); p.feed(open(sys.argv[1]).read())
bad = []
fig = lambda v: "\u2014" if v is None else f"{v:.3f}"
for name, e in exp.items():
    if name.startswith("reviewers:"): continue
    row = p.rows.get(name)
    if not row: bad.append(f"no row for {name}"); continue
    c = row["cells"]
    if c[1:6] != [str(e["n"]), str(e["tied"]), fig(e["agreement"]), fig(e["kappa"]), fig(e["alpha"])]:
        bad.append(f"{name}: {c}")
    if row["flagged"] != ("true" if e["n"] and (e["kappa"] is None or e["kappa"] < 0.6) else "false"):
        bad.append(f"{name}: flagged {row['flagged']}")
page = open(sys.argv[1]).read()
for needle in ('id="calibration-disagreements"', 'id="calibration-reviewers"', "ben: the user had said yes"):
    if needle not in page: bad.append("missing " + needle)
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
# Without the labels' database, no section; the live run (here a resumed one, same run id) reads
# the labels from its --history database as spar report does.
expect_exit 0 "$SPAR" report runs/a --history ""
grep -q '"calibration":{' runs/a/report.html && fail "--history '': no calibration data"
expect_exit 0 "$SPAR" run --resume runs/a -q
grep -q '"calibration":{' runs/a/report.html || fail "the live run's report.html has the calibration data"
pass "report.html shows the same figures, the flags and the disagreements once the run has labels"
