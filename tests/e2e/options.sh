#!/usr/bin/env bash
# Option values are checked: NaN, infinity, negative, fractional and out-of-range numbers exit
# 2 with one line that names the option, before anything runs.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"

# command | option | bad values (the option's name must be in the one-line message)
table=(
  "run|--request-timeout|nan inf -inf -1 0 1e300"
  "run|--lua-memory|nan inf -1 0 1e300"
  "run|--step-cpu|nan inf -1 0 1e300"
  "run|--rps|nan inf -1 1e300"
  "run|--tpm|nan inf -1 1e300"
  "run|--seed|nan inf -1 1.5 1e3 18446744073709551616 99999999999999999999"
  "run|--checkpoints|nan inf -1 0 1e300 3x 2.5 8,3 3,,8 99999999999"
  "run|--judge-flaky|nan inf -0.1 1.5"
  "run|--judge-repeats|nan 0 -1 101"
  "run|--recovery-turns|nan inf -1 1001 1.5"
  "run|--max-tool-steps|nan 0 -1 1001"
  "run|--concurrency|nan inf 0 -1 100001 1.5"
  "run|--jobs|nan 0 -1 257"
  "run|--retries|nan -1 101 1.5"
  "run|--trials|nan 0 -1 1.5"
  "run|--shard|nan 0/2 3/2 -1/2 1/99999999999 1/2x"
  "report|--transcripts|nan inf -1 1.5 1e300"
  "diff|--max-drop|nan inf -0.5 1e300"
  "history|--last|nan 0 -1"
  "score|--step-cpu|nan 0 -1 3601"
  "score|--lua-memory|nan 0 65537"
)
for row in "${table[@]}"; do
  IFS='|' read -r cmd opt values <<<"$row"
  for v in $values; do
    case $cmd in
      run) args=(run scenarios/retail --agent mock --out "$WORK/o" --history "" "$opt" "$v") ;;
      report) args=(report "$WORK/none" "$opt" "$v") ;;
      diff) args=(diff "$WORK/a" "$WORK/b" "$opt" "$v") ;;
      history) args=(history --db "$WORK/h.db" "$opt" "$v") ;;
      score) args=(score "$WORK/none" "$opt" "$v") ;;
    esac
    expect_exit 2 "$SPAR" "${args[@]}"
    [ "$(wc -l <"$WORK/err")" -eq 1 ] || { cat "$WORK/err"; fail "$opt $v: expected one line"; }
    grep -qF -- "spar: error: $opt" "$WORK/err" || { cat "$WORK/err"; fail "$opt $v: the message must name $opt"; }
  done
done
[ ! -e "$WORK/o" ] || fail "a bad option value must stop spar before it writes anything"
pass "bad values of ${#table[@]} numeric options exit 2 with one line naming the option"

# Values at the edges of each range are accepted.
expect_exit 0 "$SPAR" run --first-persona scenarios/retail/address-change.lua --agent mock --out "$WORK/ok" --history "" -q \
  --seed 18446744073709551615 --checkpoints 1,3,100000 --rps 0 --tpm 0 --judge-flaky 0 --recovery-turns 0 \
  --request-timeout 86400 --step-cpu 0.5 --lua-memory 1.5 --shard 1/1
jq -e '.args.seed == 18446744073709551615 and .args.checkpoints == [1,3,100000]' "$WORK/ok/run.json" >/dev/null \
  || fail "edge values are kept as given"
pass "edge values are accepted"

# More conversations in flight than the mock agent can serve: said in terms of --concurrency.
expect_exit 2 "$SPAR" run --first-persona scenarios/retail --agent mock --concurrency 5000 --out "$WORK/c" --history ""
[ "$(wc -l <"$WORK/err")" -eq 1 ] || { cat "$WORK/err"; fail "one line"; }
grep -qF "spar: error: --concurrency 5000: the mock agent serves at most 4080 conversations in flight; give --concurrency 4080 or less" \
  "$WORK/err" || { cat "$WORK/err"; fail "an actionable --concurrency message"; }
pass "--agent mock --concurrency 5000 says how far --concurrency may go"
