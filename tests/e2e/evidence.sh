#!/usr/bin/env bash
# Evidence before words (issue 14, point 1): every verdict names what decided it, scenario
# bindings reach the record, the summary shows the mix, gates read it, and an agent that only
# agrees earns no recovery or retention credit whatever the personas say.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"
AGENTS="$SPAR_ROOT/tests/agents"

# a. A bound correction: the scenario's fields table reaches events[].args; every event, probe
#    and violation verdict has decided_by; the summary and the terminal show the mix.
expect_exit 0 "$SPAR" run --first-persona scenarios/retail/wrong-order-number.lua --agent mock -k 2 --seed 5 --out "$WORK/a" --history ""
jq -e -s '[.[].events[] | select(.type == "correction" and .field == "order number")] | length > 0 and
          all(.args == ["order_id"])' "$WORK/a/results.jsonl" >/dev/null \
  || fail "the order-number corrections carry the scenario's binding: $(jq -c '[.events[] | {type, field, args}]' "$WORK/a/results.jsonl" | head -2)"
jq -e -s 'all(.[] | .score.events[]; (.decided_by | IN("action", "state", "judge", "text", "unscored")) and
                               ((.decided_by == "unscored") == (.recovered == null)) and
                               ((.decided_by == "unscored") == has("unscored")))
          and all(.[] | .score.probes[]; (.decided_by | IN("text", "unscored")) and ((.decided_by == "unscored") == (.answered == null)))
          and all(.[] | .score.violations[]; .decided_by == (if .action == "tool_call" then "action" else "text" end))' \
  "$WORK/a/results.jsonl" >/dev/null || fail "every verdict names what decided it"
jq -e '(.evidence.events | keys) == ["action", "judge", "state", "text", "unscored"] and .evidence.events.action > 0
       and (.recovery.by_evidence.action.scored > 0) and (.unread | type) == "number"
       and (.per_scenario["retail/wrong-order-number"].unread | type) == "number"' "$WORK/a/summary.json" >/dev/null \
  || fail "summary.json has the evidence mix: $(jq -c '{evidence, by: .recovery.by_evidence, unread}' "$WORK/a/summary.json")"
grep -qE '^evidence: action [0-9]+' "$WORK/err" "$WORK/out" 2>/dev/null || fail "the terminal prints the evidence line"
pass "bound events, decided_by on every verdict, the evidence mix in summary.json and on the terminal"

# b. Gates on the evidence keys: evidence.unscored <= 1 always holds; evidence.action > 1 never can.
expect_exit 0 "$SPAR" report "$WORK/a" --gate "evidence.unscored<=1" --gate "recovery.action>=0"
expect_exit 1 "$SPAR" report "$WORK/a" --gate "evidence.action>1"
grep -q "evidence.action" "$WORK/err" "$WORK/out" || fail "the failed gate names evidence.action"
pass "--gate evidence.action / evidence.unscored / recovery.action"

# c. spar score --scenario re-binds from the scenario as it is now: without its fields table the
#    events lose their args (and are scored by inferred arguments).
cp -r scenarios "$WORK/unbound"
sed -i '/^  fields = /d' "$WORK/unbound/retail/wrong-order-number.lua"
expect_exit 0 "$SPAR" score "$WORK/a" --out "$WORK/c" --scenario "$WORK/unbound"
jq -e -s 'all(.[] | .events[]; has("args") | not)' "$WORK/c/results.jsonl" >/dev/null || fail "re-scoring dropped the stale bindings"
expect_exit 0 "$SPAR" score "$WORK/c" --out "$WORK/c2" --scenario scenarios
jq -e -s '[.[].events[] | select(.field == "order number")] | all(.args == ["order_id"])' "$WORK/c2/results.jsonl" >/dev/null \
  || fail "re-scoring with the bundled scenario bound them again"
pass "spar score --scenario recomputes events[].args from the scenario"

# d. A fields table of the wrong shape is one clear path:line error, exit 2.
mkdir -p "$WORK/bad"
cp scenarios/retail/wrong-order-number.lua "$WORK/bad/s.lua" && cp scenarios/retail/_shop.lua "$WORK/bad/"
mkdir -p "$WORK/bad/personas" && cp personas/*.lua "$WORK/bad/personas/"
sed -i 's/^  fields = .*/  fields = { ["order number"] = "order_id" },/' "$WORK/bad/s.lua"
expect_exit 2 "$SPAR" run "$WORK/bad/s.lua" --agent mock -k 1 --out "$WORK/d" --history ""
grep -qE 's\.lua:[0-9]+: .*fields must map event fields to lists of tool arguments' "$WORK/err" \
  || fail "a bad fields table is a path:line error: $(head -3 "$WORK/err")"
sed -i 's/^  fields = .*/  fields = { ["order number"] = { "no_such_tool.order_id" } },/' "$WORK/bad/s.lua"
"$SPAR" lint "$WORK/bad/s.lua" >"$WORK/lint.out" 2>&1 || true
grep -q "fields.order number names an unknown tool 'no_such_tool'" "$WORK/lint.out" || fail "lint names the unknown tool: $(head -3 "$WORK/lint.out")"
pass "fields validation and lint"

# e. The agreer (tests/agents/agreer.py: never calls a tool, agrees with everything) earns no
#    recovery by text and no retention credit over the bundled library.
expect_exit 0 "$SPAR" run --first-persona scenarios/ --agent "exec:cmd=python3 $AGENTS/agreer.py" -k 1 --seed 3 --out "$WORK/e" -q --history ""
jq -e -s '[.[].score.events[] | select(.recovered == true)] | length == 0' "$WORK/e/results.jsonl" >/dev/null \
  || fail "the agreer recovered: $(jq -c -s '[.[] | . as $r | range(0; .events | length) as $i | select($r.score.events[$i].recovered == true) | {type: $r.events[$i].type, v: $r.score.events[$i]}] | .[0:3]' "$WORK/e/results.jsonl")"
jq -e -s '[.[].score.probes[] | select(.answered == true)] | length == 0' "$WORK/e/results.jsonl" >/dev/null \
  || fail "the agreer answered a retention probe"
pass "the agreer earns no recovery and no retention credit"
