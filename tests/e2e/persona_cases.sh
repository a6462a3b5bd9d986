#!/usr/bin/env bash
# Personas x scenarios downstream of the records (issue 17, point 1): a scenario played by two
# personas is two cases in summary.json, the console table, junit.xml, gates, spar diff, spar
# history and report.html's persona x scenario matrix, never one pooled task.
#
# Who passes is decided by who plays, not by the agent: the scenarios' goal is
# run.persona == "a", so persona a's trials pass and b's fail whatever the mock says. The figures
# are then recomputed from results.jsonl alone (python below) and must equal spar's.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/report_page.bash"
cd "$WORK"

# scenario DIR ID PERSONA-FIELD GOAL: a one-turn cancellation scenario.
scenario() {
  mkdir -p "$1/scenarios/shop" "$1/personas"
  for p in a b; do
    cat >"$1/personas/$p.lua" <<EOF
return persona {
  name = "$p",
  summary = "asks to cancel order 4471, then ends",
  run = function(u, facts)
    u:say("Hi, please cancel order " .. facts.order_id .. ".")
    u:stop()
  end,
}
EOF
  done
  cat >"$1/scenarios/shop/$2.lua" <<EOF
return scenario {
  id = "shop/$2",
  summary = "a cancellation",
  $3,
  system = "You are a support agent for Example Shop.",
  facts = { order_id = "4471" },
  state = { orders = { ["4471"] = { status = "open" } } },
  tools = {
    cancel_order = {
      description = "Cancel an open order.",
      parameters = { type = "object", properties = { order_id = { type = "string" } }, required = { "order_id" } },
      run = function(state, args) return { ok = true } end,
    },
  },
  goal = function(state, run) return $4 end,
  max_turns = 3,
}
EOF
}

# NEW: x played by a and b, y by a alone; 3 trials each.
scenario new x 'personas = { "a", "b" }' 'run.persona == "a"'
scenario new y 'persona = "a"' 'run.persona == "a"'
expect_exit 0 "$SPAR" run new/scenarios --agent mock -k 3 --out run --history hist.db
cp "$WORK/out" table.txt

# The figures from the records alone: the case key by the contract, pass^k per case
# (C(c,k)/C(n,k)), overall and per persona as means over cases, and the pooled figure spar must
# not give.
python3 - run/results.jsonl run/summary.json >truth.txt <<'EOF'
import json, sys
from math import comb
records = [json.loads(l) for l in open(sys.argv[1])]
summary = json.load(open(sys.argv[2]))
personas_of = {}
for r in records:
    personas_of.setdefault(r["scenario"], set()).add(r["persona"])
def key(r):
    return r["scenario"] if len(personas_of[r["scenario"]]) == 1 else r["scenario"] + "@" + r["persona"]
cases = {}
for r in records:
    cases.setdefault(key(r), []).append(bool(r["score"]["pass"]))
k = min(len(v) for v in cases.values())
hat = lambda v, j: comb(sum(v), j) / comb(len(v), j)
problems = []
def same(what, got, want):
    if abs(got - want) > 1e-6:
        problems.append(f"{what}: spar {got}, from the records {want}")
if sorted(summary["per_scenario"]) != sorted(cases):
    problems.append(f"cases: spar {sorted(summary['per_scenario'])}, from the records {sorted(cases)}")
for c, v in cases.items():
    e = summary["per_scenario"].get(c, {})
    same(f"{c} pass^{k}", e.get("pass_hat_k", {}).get(str(k), -1), hat(v, k))
    if e.get("persona") != next(r["persona"] for r in records if key(r) == c):
        problems.append(f"{c}: persona {e.get('persona')}")
for j in range(1, k + 1):
    same(f"overall pass^{j}", summary["pass_hat_k"][str(j)], sum(hat(v, j) for v in cases.values()) / len(cases))
for p in sorted({r["persona"] for r in records}):
    mine = [v for c, v in cases.items() if any(key(r) == c and r["persona"] == p for r in records)]
    kp = min(len(v) for v in mine)
    same(f"@{p} pass^{kp}", summary["per_persona"][p]["pass_hat_k"][str(kp)], sum(hat(v, kp) for v in mine) / len(mine))
# Pooling x's two personas as one task would give another number: the check above can fail.
pooled = [bool(r["score"]["pass"]) for r in records if r["scenario"] == "shop/x"]
y = cases["shop/y"]
pooled_overall = (hat(pooled, k) + hat(y, k)) / 2
if abs(pooled_overall - summary["pass_hat_k"][str(k)]) < 1e-6:
    problems.append(f"the pooled overall pass^{k} {pooled_overall} equals spar's: this run cannot tell them apart")
print("\n".join(problems) if problems else f"ok k={k} overall={summary['pass_hat_k'][str(k)]} pooled={pooled_overall}")
EOF
grep -q '^ok ' truth.txt || fail "summary.json against the records: $(cat truth.txt)"
jq -e '.scenarios == 2 and .cases == 3 and .personas == 2 and .per_persona.a.cases == ["shop/x@a", "shop/y"]
       and .per_scenario["shop/x@b"].scenario == "shop/x"' run/summary.json >/dev/null \
  || fail "summary.json counts: $(jq -c '{scenarios, cases, personas, per_persona}' run/summary.json)"
pass "summary.json: pass^k per case and per persona equal the records' ($(cat truth.txt))"

grep -Eq '^shop/x@a +3 +0 +1\.000' table.txt && grep -Eq '^shop/x@b +3 +0 +0\.000' table.txt \
  && grep -q 'overall (3 cases, 2 scenarios)' table.txt && grep -Eq '^@b +1 +3 +0 +0\.000' table.txt \
  || { cat table.txt >&2; fail "the console table has a row per case and a per-persona block"; }
[ "$(grep -o '<testcase name="[^"]*"' run/junit.xml | sort | tr '\n' ' ')" \
  = '<testcase name="shop/x@a" <testcase name="shop/x@b" <testcase name="shop/y" ' ] \
  || fail "junit.xml: one testcase per case: $(grep -o '<testcase name="[^"]*"' run/junit.xml)"
xmllint --noout --schema "$SPAR_ROOT/tests/e2e/junit.xsd" run/junit.xml 2>/dev/null || fail "junit.xml does not validate"
pass "the console table and junit.xml: one row / testcase per case, a per-persona block"

# --- gates ------------------------------------------------------------------------------------
expect_exit 0 "$SPAR" report run --gate 'shop/x@a:pass^3>=1' --gate 'shop/y:pass^1>=1' --gate '@a:pass^3>=1' \
  --gate '@b:pass^1<=0' --gate 'shop/y@a:pass^1>=1'
expect_exit 1 "$SPAR" report run --gate 'shop/x@b:pass^1>=0.5'
grep -q 'gate FAILED: shop/x@b:pass^1>=0.5 (shop/x@b:pass^1 = 0, needs >= 0.5)' "$WORK/out" || fail "case gate: $(cat "$WORK/out")"
expect_exit 1 "$SPAR" report run --gate 'shop/x:pass^1>=0'
grep -q 'shop/x is played by 2 personas in this run, one case each: shop/x@a, shop/x@b' "$WORK/out" \
  || fail "a scenario of two cases: $(grep gate "$WORK/out")"
expect_exit 1 "$SPAR" report run --gate '@bb:pass^1>=0'
grep -q '@bb is not in this run; did you mean @b' "$WORK/out" || fail "a misspelt persona: $(grep gate "$WORK/out")"
expect_exit 2 "$SPAR" report run --gate '@a:quality@3>=0.5'
grep -q "not measured per persona" "$WORK/err" || fail "a figure a persona scope lacks: $(cat "$WORK/err")"
pass "gates scoped to a case, a one-case scenario, a pair and a persona; a missing scope names the nearest"

# --- spar history keys by case ----------------------------------------------------------------
expect_exit 2 "$SPAR" history --db hist.db --scenario shop/x
grep -q "it was played by several personas, recorded as: shop/x@a, shop/x@b" "$WORK/err" || fail "history: $(cat "$WORK/err")"
expect_exit 0 "$SPAR" history --db hist.db --scenario shop/x@b
[ "$(grep -cE '^ +[0-9]+ ' "$WORK/out")" -eq 1 ] || fail "history: shop/x@b is one run's case: $(cat "$WORK/out")"
expect_exit 0 "$SPAR" history --db hist.db --scenario @b --metric pass^1
grep -Eq '^ +1 .* 0\.000 ' "$WORK/out" || fail "history: @b's pass^1: $(cat "$WORK/out")"
pass "spar history records each case and persona; a scenario of several cases lists them"

# --- spar diff: cases matched by (scenario, persona) ------------------------------------------
# BASE played x with a alone: its case "shop/x" is NEW's "shop/x@a"; x@b is new, not a regression.
scenario base x 'persona = "a"' 'run.persona == "a"'
scenario base y 'persona = "a"' 'run.persona == "a"'
expect_exit 0 "$SPAR" run base/scenarios --agent mock -k 3 --out base -q --history ""
expect_exit 0 "$SPAR" diff base run
grep -q 'same scenario and persona: shop/x -> shop/x@a' "$WORK/out" && grep -q 'new case: shop/x@b' "$WORK/out" \
  && grep -q 'no regression' "$WORK/out" && grep -Eq '^shop/x@a +pass\^1 +1\.000 +1\.000' "$WORK/out" \
  || { cat "$WORK/out" >&2; fail "diff: x with a alone against x@a and x@b"; }
expect_exit 0 "$SPAR" diff run base
grep -q 'removed case: shop/x@b' "$WORK/out" && grep -q 'no regression' "$WORK/out" \
  || { cat "$WORK/out" >&2; fail "diff: a case only in BASE is removed, not a regression"; }
# BASE played x with b, whose trials passed there: NEW's x@b fails every trial, a regression of
# that case (matched with x@a instead, there would be none).
scenario other x 'persona = "b"' 'true'
expect_exit 0 "$SPAR" run other/scenarios --agent mock -k 3 --out other -q --history ""
expect_exit 1 "$SPAR" diff other run
grep -q 'shop/x@b pass^1: 1.000 -> 0.000' "$WORK/out" && grep -q 'new case: shop/x@a' "$WORK/out" \
  || { cat "$WORK/out" >&2; fail "diff: x played by b against x@b"; }
pass "spar diff matches cases by (scenario, persona); cases on one side only are listed, never regressions"

# --- report.html: the persona x scenario matrix ------------------------------------------------
cp run/report.html probe.html
cat >>probe.html <<'EOF'
<script>
(function () {
  var out = [];
  var rows = Array.prototype.map.call(document.querySelectorAll('#persona-matrix tbody tr'), function (tr) { return tr.getAttribute('data-persona'); });
  if (rows.join(',') !== 'a,b') out.push('rows ' + rows.join(','));
  var cols = Array.prototype.map.call(document.querySelectorAll('#persona-matrix [data-scenario-column]'), function (th) { return th.getAttribute('data-scenario-column'); });
  if (cols.join(',') !== 'shop/x,shop/y') out.push('columns ' + cols.join(','));
  var cells = {};
  Array.prototype.forEach.call(document.querySelectorAll('#persona-matrix td[data-case]'), function (td) { cells[td.getAttribute('data-case')] = td.getAttribute('data-value'); });
  out.push('cells ' + Object.keys(cells).sort().map(function (k) { return k + '=' + cells[k]; }).join(' '));
  out.push('empty ' + Array.prototype.map.call(document.querySelectorAll('#persona-matrix td.empty'), function (td) { return td.getAttribute('data-pair'); }).join(','));
  out.push('means ' + Array.prototype.map.call(document.querySelectorAll('#persona-matrix td[data-mean]'), function (td) { return td.getAttribute('data-mean') + '=' + td.textContent; }).join(' '));
  document.querySelector('#persona-matrix td[data-case="shop/x@b"]').click();
  var shown = Array.prototype.map.call(document.querySelectorAll('#conversation-list tbody tr[data-index] td.sc'), function (td) { return td.textContent; });
  out.push('click ' + shown.length + ' ' + shown.filter(function (s) { return s === 'shop/x@b'; }).length);
  document.body.setAttribute('data-probe', out.join(';'));
})();
</script>
EOF
render "$PWD/probe.html"
page_ok "persona matrix"
probe=$(grep -o 'data-probe="[^"]*"' "$WORK/dom") || fail "the probe script did not run"
want='data-probe="cells shop/x@a=1 shop/x@b=0 shop/y=1;empty b shop/y;means row=1.000 row=0.000 column=0.500 column=1.000 all=0.667;click 3 3"'
[ "$probe" = "$want" ] || fail "the matrix: $probe, expected $want"
[ "$(count 'data-scenario="[^"]*"')" -eq 3 ] || fail "the scenario table has a row per case"
# One persona playing every scenario: no per-persona figures, no matrix.
render "$PWD/base/report.html"
page_ok "one persona"
grep -q 'id="persona-matrix"' "$WORK/dom" && fail "a run of one persona draws a persona matrix"
pass "report.html: the persona x scenario matrix (cells, blanks, means, a cell opens its case's conversations)"
