#!/usr/bin/env bash
# Personas × scenarios (issue 17, point 1), the run's side: a scenario that lists two personas is
# played by each, every trial; records, run.json, progress, seeds, --resume and shards know each
# (scenario, persona) case apart; `--persona NAME|GLOB` plays a persona library against
# scenarios, lists every pair it cannot play, and refuses a name that matches nothing (exit 2).
source "$(dirname "$0")/lib.sh"
cd "$WORK"
mkdir -p scenarios personas

# An agent that cancels the first four-digit number of the user's first message, then answers.
cat >agent.py <<'PY'
import json, re, sys
for line in sys.stdin:
    req = json.loads(line)
    msgs = req["messages"]
    first = next(m["content"] for m in msgs if m["role"] == "user")
    called = any(m["role"] == "tool" for m in msgs)
    m = re.search(r"\b\d{4}\b", first)
    if not called and m and req.get("tools"):
        args = json.dumps({"order_id": m.group(0)})
        out = {"content": None, "tool_calls": [{"id": "c1", "type": "function",
                                                "function": {"name": "cancel_order", "arguments": args}}]}
    else:
        out = {"content": "Done. Anything else?"}
    print(json.dumps(out), flush=True)
PY
AGENT="exec:cmd=python3 $WORK/agent.py"

cat >personas/asker.lua <<'LUA'
return persona {
  name = "asker",
  needs = { "story.request" },
  run = function(u, facts)
    u:say(facts.story.request)
    u:say("Thanks.")
  end,
}
LUA
# polite opens with a greeting its facts must give, and (by its overlay) the wrong order.
cat >personas/polite.lua <<'LUA'
return persona {
  name = "polite",
  needs = { "story.request", "story.greeting" },
  run = function(u, facts)
    u:say(facts.story.greeting .. " " .. facts.story.request)
    u:say("Thank you kindly.")
  end,
}
LUA
cat >personas/loner.lua <<'LUA'
return persona { name = "loner", needs = { "story.alone" }, run = function(u) u:say("hm") end }
LUA
cat >scenarios/two.lua <<'LUA'
return scenario {
  id = "two",
  system = "You are a support agent.",
  personas = { "asker", "polite" },
  facts = { story = { request = "Please cancel order 4471." } },
  persona_facts = { polite = { story = { greeting = "Good morning!", request = "Please cancel order 4417." } } },
  state = { orders = { ["4471"] = { status = "open" }, ["4417"] = { status = "open" } } },
  tools = {
    cancel_order = {
      description = "Cancel an order.",
      parameters = { type = "object", properties = { order_id = { type = "string" } }, required = { "order_id" } },
      run = function(state, args)
        local o = state.orders[args.order_id]
        if not o then return { ok = false, error = "no such order" } end
        o.status = "cancelled"
        return { ok = true }
      end,
    },
  },
  goal = function(state) return state.orders["4471"].status == "cancelled" and state.orders["4417"].status == "open" end,
  max_turns = 4,
}
LUA
sed -e 's/id = "two"/id = "one"/' -e 's/personas = { "asker", "polite" }/persona = "asker"/' -e '/persona_facts/d' \
  scenarios/two.lua >scenarios/one.lua

# Each listed persona plays every trial: 3 trials x (2 + 1) cases.
expect_exit 0 "$SPAR" run scenarios --agent "$AGENT" -k 3 --seed 4 --out "$WORK/a" --history ""
cp err a.err  # expect_exit keeps stderr in $WORK/err
[ "$(jq -s 'length' a/results.jsonl)" = 9 ] || fail "expected 9 records, got $(jq -s length a/results.jsonl)"
got=$(jq -sc 'group_by([.scenario, .persona]) | map({k: "\(.[0].scenario)/\(.[0].persona)", n: length, pass: (map(.score.pass) | all)})' a/results.jsonl)
[ "$got" = '[{"k":"one/asker","n":3,"pass":true},{"k":"two/asker","n":3,"pass":true},{"k":"two/polite","n":3,"pass":false}]' ] ||
  fail "records by (scenario, persona): $got"
pass "two personas play scenario two, every trial, each with its own facts (polite's overlay: the wrong order)"
[ "$(jq -c .scenarios a/run.json)" = '["one","two@asker","two@polite"]' ] || fail "run.json scenarios: $(jq -c .scenarios a/run.json)"
grep -q '^\[[0-9]*/9\] two@polite #2 FAIL' a.err || fail "progress does not name the case: $(cat a.err)"
grep -q '^\[[0-9]*/9\] one #1 pass' a.err || fail "a scenario one persona plays is named by its id: $(cat a.err)"
pass "run.json and the progress lines name each case: the id, or id@persona where several personas play"
[ "$(jq -s '[.[] | select(.scenario == "two" and .trial == 1) | .seed] | unique | length' a/results.jsonl)" = 2 ] ||
  fail "two's personas share a seed"
"$SPAR" run scenarios/one.lua --agent "$AGENT" -k 3 --seed 4 --out "$WORK/alone" -q --history "" >/dev/null
[ "$(jq -sc 'map(select(.scenario == "one")) | sort_by(.trial) | map(.seed)' a/results.jsonl)" = \
  "$(jq -sc 'sort_by(.trial) | map(.seed)' alone/results.jsonl)" ] || fail "one's seeds changed beside a two-persona scenario"
pass "each case has its own seeds; a scenario one persona plays keeps its seeds"

# --resume plays exactly what is missing, by (scenario, persona, trial).
jq -c 'select((.persona == "polite" and .trial == 2) | not)' a/results.jsonl >a/kept && mv a/kept a/results.jsonl
expect_exit 0 "$SPAR" run --resume "$WORK/a" -q
[ "$(jq -sc 'map("\(.scenario)@\(.persona)#\(.trial)") | unique | length' a/results.jsonl)" = 9 ] || fail "resume did not complete the cases"
[ "$(jq -s 'length' a/results.jsonl)" = 9 ] || fail "resume played more than the missing conversation"
pass "--resume plays only the missing (scenario, persona, trial): polite #2"

# Shards split the cases and merge back whole.
for i in 1 2; do
  expect_exit 0 "$SPAR" run scenarios --agent "$AGENT" -k 3 --seed 4 --shard "$i/2" --out "$WORK/s$i" -q --history "" --allow-errors
done
expect_exit 0 "$SPAR" merge "$WORK/m" "$WORK/s1" "$WORK/s2"
[ "$(jq -s 'length' m/results.jsonl)" = 9 ] || fail "merged shards hold $(jq -s length m/results.jsonl) records"
pass "shards of a two-persona run merge into every case"

# --persona: the library against the scenarios, whatever they list; unplayable pairs are listed.
expect_exit 0 "$SPAR" run scenarios --persona '*' --agent "$AGENT" -k 1 --seed 4 --out "$WORK/p" -q --history "" --allow-errors
cp err p.err
[ "$(jq -c .scenarios p/run.json)" = '["one","two@asker","two@polite"]' ] || fail "--persona '*' cases: $(jq -c .scenarios p/run.json)"
grep -q "^not played: one with persona loner: scenarios/one.lua:1: persona 'loner' needs facts.story.alone" p.err ||
  fail "an unplayable pair is not listed: $(cat p.err)"
grep -q "^not played: one with persona polite: .*needs facts.story.greeting" p.err || fail "one x polite not listed: $(cat p.err)"
[ "$(jq '.skipped | length' p/run.json)" = 3 ] || fail "run.json skipped: $(jq -c .skipped p/run.json)"
expect_exit 0 "$SPAR" run scenarios/two.lua --persona 'pol*' --agent "$AGENT" -k 1 --seed 4 --out "$WORK/q" -q --history "" --allow-errors
[ "$(jq -c '[.scenario, .persona]' q/results.jsonl)" = '["two","polite"]' ] || fail "--persona 'pol*' on two"
[ "$(jq -c .scenarios q/run.json)" = '["two"]' ] || fail "one persona playing two: keyed by its id"
pass "--persona GLOB plays the matching library personas; every pair it cannot play is listed on stderr and in run.json"
expect_exit 2 "$SPAR" run scenarios --persona polit --agent "$AGENT" --out "$WORK/x" -q --history ""
grep -q "^spar: error: --persona polit: no persona has that name in the persona folder (did you mean polite?)" err || fail "$(cat err)"
expect_exit 2 "$SPAR" run scenarios --persona loner --agent "$AGENT" --out "$WORK/x" -q --history ""
grep -q "^spar: error: --persona loner: no scenario can be played by it" err || fail "$(cat err)"
pass "a --persona that names or fits nothing is exit 2, with a did-you-mean"

# A listed persona whose needs the facts do not meet: spar run and spar lint refuse it (exit 2).
sed -e '/persona_facts/d' scenarios/two.lua >bad.lua
mkdir -p badrun/scenarios && cp bad.lua badrun/scenarios/ && cp -r personas badrun/
expect_exit 2 "$SPAR" run badrun/scenarios --agent "$AGENT" --out "$WORK/x" -q --history ""
grep -q "badrun/scenarios/bad.lua:1: persona 'polite' needs facts.story.greeting, which this scenario does not give" err ||
  fail "$(cat err)"
expect_exit 2 "$SPAR" lint badrun/scenarios
grep -q "persona 'polite' needs facts.story.greeting" out err || fail "lint: $(cat out err)"
expect_exit 0 "$SPAR" lint scenarios
grep -q "scenarios/two.lua: dry run with asker: " out err && grep -q "scenarios/two.lua: dry run with polite: " out err ||
  fail "lint does not dry-run each listed persona: $(cat out err)"
pass "spar run and spar lint refuse a listed persona whose needs are unmet; lint dry-runs every listed persona"

# --first-persona: each scenario with the first persona it lists, keyed (and seeded) by its id.
expect_exit 0 "$SPAR" run scenarios --first-persona --agent "$AGENT" -k 3 --seed 4 --out "$WORK/f" -q --history ""
[ "$(jq -sc 'map("\(.scenario)@\(.persona)") | unique' f/results.jsonl)" = '["one@asker","two@asker"]' ] ||
  fail "--first-persona played $(jq -sc 'map("\(.scenario)@\(.persona)") | unique' f/results.jsonl)"
[ "$(jq -c .scenarios f/run.json)" = '["one","two"]' ] || fail "--first-persona cases: $(jq -c .scenarios f/run.json)"
expect_exit 2 "$SPAR" run scenarios --first-persona --persona asker --agent "$AGENT" --out "$WORK/x" -q --history ""
grep -q "give one" err || fail "$(cat err)"
pass "--first-persona plays each scenario's first persona alone, keyed by the scenario id; with --persona it is exit 2"
