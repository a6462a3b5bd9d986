#!/usr/bin/env bash
# The mock agent's knobs are documented where a user looks (spar run --help, docs/agents.md) and
# the three lists cannot drift from the mock's own table; a misspelt or out-of-range knob is an
# input error before any conversation starts.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

knobs_of() { grep -oE '^  [a-z_]+=' | tr -d ' =' | sort; }
"$SPAR_MOCK_AGENT" --help | sed -n '/^knobs/,$p' | knobs_of >mock.txt
[ "$(wc -l <mock.txt)" -ge 10 ] || fail "the mock's --help lists its knobs: $(cat mock.txt)"
expect_exit 0 "$SPAR" run --help
knobs_of <"$WORK/out" | grep -vx stream >run.txt
diff mock.txt run.txt >/dev/null || fail "spar run --help lists other knobs than the mock: $(diff mock.txt run.txt)"
grep -oE '^\| `[a-z_]+` \| [0-9.]+ \|' "$SPAR_ROOT/docs/agents.md" | cut -d'`' -f2 | sort >doc.txt
diff mock.txt doc.txt >/dev/null || fail "docs/agents.md's knob table differs from the mock's: $(diff mock.txt doc.txt)"
pass "spar run --help and docs/agents.md list the mock's $(wc -l <mock.txt) knobs"

mkdir -p scenarios && cp -r "$SPAR_ROOT/scenarios/retail" scenarios/ && cp -r "$SPAR_ROOT/personas" .
expect_exit 2 "$SPAR" run --first-persona scenarios/retail --agent mock:polcy_slip=0.5 --out r1 --history ""
grep -qF "spar: error: --agent mock: unknown knob 'polcy_slip' (did you mean policy_slip?)" "$WORK/err" \
  || fail "misspelt knob: $(cat "$WORK/err")"
[ ! -e r1/results.jsonl ] || fail "nothing ran"
expect_exit 2 "$SPAR" run --first-persona scenarios/retail --agent mock:policy_slip=2 --out r2 --history ""
grep -qF "bad value for policy_slip: '2' (expected a number in [0, 1])" "$WORK/err" || fail "out of range: $(cat "$WORK/err")"
expect_exit 0 "$SPAR" run --first-persona scenarios/retail/exchange-size.lua --agent mock:policy_slip=0.5,stream=0 --out r3 -q --history ""
# One of each reads as one ("1 scenarios" was a small thing a user hits at once).
grep -q '^overall (1 scenario) ' "$WORK/out" || fail "overall (1 scenario): $(cat "$WORK/out")"
grep -qE '^1 conversation: [01] passed, [01] failed$' "$WORK/out" || fail "1 conversation: $(cat "$WORK/out")"
pass "a bad knob is exit 2 before anything runs; good ones run"
