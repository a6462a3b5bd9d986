#!/usr/bin/env bash
# Bad input exits 2 with one clear line, and writes nothing misleading.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"

one_line() {  # the error output is exactly one line and contains the text
  [ "$(wc -l <"$WORK/err")" -eq 1 ] || { cat "$WORK/err"; fail "expected one line on stderr"; }
  grep -qF -- "$1" "$WORK/err" || { cat "$WORK/err"; fail "expected '$1'"; }
}

expect_exit 2 "$SPAR" run --first-persona scenarios/ --agent nonsense --out "$WORK/o"
one_line "spar: error: unknown agent kind 'nonsense' (expected mock, openai, http or exec)"
pass "unknown agent kind"

expect_exit 2 "$SPAR" run "$WORK/nowhere" --out "$WORK/o"
one_line "spar: error: $WORK/nowhere: no such scenario file or folder"
pass "missing scenario path"

mkdir -p "$WORK/s/personas" "$WORK/s/scenarios"
printf 'return scenario {\n  persona = "p",\n  max_turns = = 3,\n}\n' >"$WORK/s/scenarios/broken.lua"
(cd "$WORK/s" && expect_exit 2 "$SPAR" run --first-persona scenarios --out o)
one_line "spar: error: scenarios/broken.lua:3: unexpected symbol near '='"
[ ! -e "$WORK/s/o/results.jsonl" ] || fail "a broken scenario must stop the run before it starts"
pass "Lua syntax error"

for k in 0 -1 abc; do
  expect_exit 2 "$SPAR" run --first-persona scenarios/ -k "$k" --out "$WORK/o"
  one_line "spar: error: "
done
pass "bad -k"

expect_exit 2 "$SPAR" run --first-persona scenarios/ --agent openai --out "$WORK/o"
one_line "spar: error: "
pass "openai without a model"

expect_exit 2 "$SPAR" report "$WORK/nowhere"
one_line "spar: error: $WORK/nowhere/results.jsonl: cannot read results"
mkdir -p "$WORK/r"
printf '%s\n' '{"scenario":"a","trial":1,"status":"completed","pass":true}' 'not json' \
  '{"scenario":"a","trial":2,"status":"completed","pass":true}' >"$WORK/r/results.jsonl"
records_unchecked "$WORK/r/results.jsonl"  # broken on purpose
expect_exit 2 "$SPAR" report "$WORK/r"
one_line "spar: error: $WORK/r/results.jsonl:2: malformed record: not a JSON object"
pass "malformed results"

expect_exit 2 "$SPAR" frobnicate
one_line "spar: error: "
pass "unknown command"
