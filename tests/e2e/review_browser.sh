#!/usr/bin/env bash
# spar review in a real browser: headless Chromium driven through the DevTools Protocol by a
# Node script with no packages (review_browser.js). On a run played against the flawed mock
# agent, with "</script>" planted in a reply: keys label three items with typed rationales, a
# label without rationale is refused, the server is killed and restarted, the reloaded page
# shows the labels, and --export holds exactly them.
# REVIEW_SCREENSHOT=path also writes the page's picture (docs/review.png is made so, by hand).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/review_lib.bash"
command -v chromium >/dev/null 2>&1 || fail "chromium is not installed (apt-get install -y chromium)"
command -v node >/dev/null 2>&1 || fail "node is not installed (apt-get install -y nodejs)"
JS="$SPAR_ROOT/tests/e2e/review_browser.js"

make_review_run "$WORK/run"
# A hostile reply in the first conversation the page opens.
python3 - "$WORK/run/results.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
rec = json.loads(lines[0])
for m in rec['transcript']:
    if m.get('role') == 'assistant' and m.get('content'):
        m['content'] = '</script><script>document.title="pwned"</script><!-- ' + m['content']
        break
lines[0] = json.dumps(rec)
open(sys.argv[1], 'w').write('\n'.join(lines) + '\n')
PY
DB="$WORK/history.db"

start_review a "$WORK/run" --db "$DB" --reviewer ana
node "$JS" "$REVIEW_URL_a" label ${REVIEW_SCREENSHOT:+"$REVIEW_SCREENSHOT"} >"$WORK/label.json" || fail "labelling in the browser failed"
pass "keys p, 4, j, f with typed rationales labelled three items; Enter without a rationale was refused"

# kill -9: nothing of the labels lived in the server
kill -KILL "$REVIEW_PID_a"
wait "$REVIEW_PID_a" 2>/dev/null || true
start_review b "$WORK/run" --db "$DB" --reviewer ana
node "$JS" "$REVIEW_URL_b" check >"$WORK/check.json" || fail "reading the labels back in the browser failed"
stop_review b

first=$(jq -r .first "$WORK/label.json")
second=$(jq -r .second "$WORK/label.json")
cp=$(jq -r .checkpoint "$WORK/label.json")
jq -e --arg f "$first" --arg s "$second" --arg cp "$cp" '
  .first == $f and
  (.labels[$f] | sort) == ([["conversation", "pass", "\u201cthe agent changed both addresses and upgraded only 5230\u201d"],
                            [$cp, "0.75", "\u201cclear answers, one needless question\u201d"]] | sort) and
  .labels[$s] == [["conversation", "fail", "\u201ccalled update_address without asking the user to confirm\u201d"]]' \
  "$WORK/check.json" >/dev/null || fail "after a restart the page shows $(cat "$WORK/check.json")"
pass "after kill -9 and a restart, the reloaded page shows the three labels and their rationales"

"$SPAR" review "$WORK/run" --db "$DB" --export "$WORK/labels.jsonl" 2>/dev/null
jq -e -s --arg f "$first" --arg s "$second" --arg cp "$cp" '
  length == 3 and all(.[]; .reviewer == "ana") and
  (map([.conversation, .item, .label]) | sort) == ([[$f, "conversation", "pass"], [$f, $cp, "0.75"], [$s, "conversation", "fail"]] | sort)' \
  "$WORK/labels.jsonl" >/dev/null || fail "--export holds $(cat "$WORK/labels.jsonl")"
pass "--export holds exactly the three labels, in $WORK/labels.jsonl"

# spar calibrate on the browser's labels: its outcome kappa (and every figure of every grader
# the labels reach) equals what tests/e2e/calibrate_check.py computes from the records and the
# database alone.
python3 "$SPAR_ROOT/tests/e2e/calibrate_check.py" held "$WORK/run/results.jsonl" "$DB" >"$WORK/expected.json"
expect_exit 0 "$SPAR" calibrate "$WORK/run" --db "$DB" --json
cp "$WORK/out" "$WORK/got.json"
expect_exit 0 "$SPAR" calibrate "$WORK/run" --db "$DB"
cp "$WORK/out" "$WORK/got.txt"
python3 - "$WORK/expected.json" "$WORK/got.json" "$WORK/got.txt" <<'PY' || fail "spar calibrate on the browser's labels differs from the independent figures"
import json, sys
exp = json.load(open(sys.argv[1])); got = json.load(open(sys.argv[2])); txt = open(sys.argv[3]).read()
graders = {g["grader"]: g for g in got["graders"]}
assert "outcome" in exp and exp["outcome"]["n"] == 2, f"the two labelled conversations reach the outcome grader: {exp}"
for name, e in exp.items():
    if name.startswith("reviewers:"):
        continue
    g = graders[name]
    for k in ("n", "agreement", "kappa"):
        a, b = e[k], g[k]
        assert (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-6), f"{name}.{k}: spar {b}, expected {a}"
k = exp["outcome"]["kappa"]
want = "-" if k is None else f"{k:.3f}"
row = [l.split() for l in txt.splitlines() if l.split()[:1] == ["outcome"]]
assert row and row[0][4] == want, f"the printed outcome kappa is {row and row[0][4]}, expected {want}"
print(f"outcome kappa {want} over n=2")
PY
pass "spar calibrate prints the kappa of the browser's labels: $(python3 -c 'import json,sys; k=json.load(open(sys.argv[1]))["outcome"]["kappa"]; print("-" if k is None else "%.3f" % k)' "$WORK/expected.json") (outcome, n=2), as computed independently"
