#!/usr/bin/env bash
# Every ```lua example in the guides runs: each block starts with a comment naming its file
# (-- personas/x.lua or -- scenarios/d/x.lua). Personas the guide shows without a scenario of
# their own run in the guide's first scenario.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

extract() {  # extract DOC: writes each ```lua block to the path named on its first line
  awk '
    /^```lua$/ { inblock = 1; file = ""; next }
    /^```$/    { if (inblock && file != "") close(file); inblock = 0; next }
    inblock && file == "" {
      if (match($0, /^-- (personas|scenarios)\/[A-Za-z0-9_\/.-]+\.lua/)) {
        file = substr($0, 4, RLENGTH - 3)
        system("mkdir -p \"$(dirname " file ")\"")
      } else { print "block without a file comment: " $0 > "/dev/stderr"; exit 1 }
    }
    inblock { print > file }
  ' "$1"
}
extract "$SPAR_ROOT/docs/personas.md"
extract "$SPAR_ROOT/docs/scenarios.md"
[ -n "$(ls personas)" ] && [ -n "$(ls scenarios/*/)" ] || fail "no examples extracted"

base=scenarios/shop/cancel-order.lua  # the persona guide's scenario hosts its other personas
for p in personas/*.lua; do
  name=$(basename "$p" .lua)
  grep -rqs "persona = \"$name\"" scenarios && continue
  sed -e "s|persona = \"[^\"]*\"|persona = \"$name\"|" -e "s|id = \"\([^\"]*\)\"|id = \"\1-$name\"|" "$base" \
    >"$(dirname "$base")/$name.lua"
done
echo "examples: $(ls personas | wc -l) personas, $(ls scenarios/*/*.lua | wc -l) scenarios"

expect_exit 0 "$SPAR" lint personas scenarios
pass "every example lints clean"

for agent in mock mock:stream=0; do
  expect_exit 0 "$SPAR" run --first-persona scenarios --agent "$agent" -k 2 --out "run-$agent" -q
  jq -e -s 'all(.[]; .error == null)' "run-$agent/results.jsonl" >/dev/null \
    || { jq -c 'select(.error != null) | .error' "run-$agent/results.jsonl"; fail "an example errored ($agent)"; }
  pass "every example runs against $agent"
done
jq -e -s '[.[] | select(.scenario == "shop/cancel-order" or .scenario == "bank/card-freeze")] | length == 4 and all(.score.pass)' \
  run-mock/results.jsonl >/dev/null || fail "the guides' complete scenarios pass against the mock agent"
jq -e -s '[.[] | select(.scenario == "bank/card-freeze")] | all(.turns == 25 and (.score.violations | length) == 0
          and (.score.checkpoints["25"].progress == 1) and ([.events[] | select(.type == "correction")] | length) == 1)' \
  run-mock/results.jsonl >/dev/null || fail "the scenario guide's example runs 25 clean turns with its correction"
jq -e -s '[.[] | select(.persona == "interrupter") | .transcript[] | select(.truncated)] | length > 0' \
  run-mock/results.jsonl >/dev/null || fail "the interrupter example cuts a streamed reply"
pass "the first example passes; the barge-in example cuts a reply"

# u:llm against a real OpenAI-compatible server: the mock agent plays the user model.
imp=$(grep -l 'persona = "improviser"' scenarios/*/*.lua)
expect_exit 0 "$SPAR" run "$imp" --agent mock --user-model mock -k 2 --out run-llm -q
jq -e -s 'all(.[]; .error == null and .usage.user_model_requests == 1
          and ([.transcript[] | select(.generated == true)] | length) == 1)' run-llm/results.jsonl >/dev/null \
  || fail "--user-model writes the u:llm turn"
gen=$(jq -r -s '.[0].transcript[] | select(.generated == true) | .content' run-llm/results.jsonl)
[ -n "$gen" ] && [ "$gen" != "It was supposed to arrive last week and it still hasn't." ] || fail "generated text is the fallback"
expect_exit 0 "$SPAR" run "$imp" --agent mock -k 1 --out run-nollm -q
jq -e -s '.[0].transcript | map(select(.content == "It was supposed to arrive last week and it still hasn'"'"'t.")) | length == 1' \
  run-nollm/results.jsonl >/dev/null || fail "without --user-model the fallback is sent"
pass "u:llm against the mock server, and its fallback"
