#!/usr/bin/env bash
# The layering is a build fact: CMakeLists.txt declares one library per engine folder with its
# edges (build/layering.txt), and tests/layering/check.py holds every #include in engine/ and the
# table in docs/architecture.md against them. Then the check must catch each kind of breach.
source "$(dirname "$0")/lib.sh"
LAYERS="$(dirname "$SPAR")/layering.txt"
CHECK="$SPAR_ROOT/tests/layering/check.py"
[ -s "$LAYERS" ] || fail "no $LAYERS: CMakeLists.txt writes it"

expect_exit 0 python3 "$CHECK" "$LAYERS" "$SPAR_ROOT/engine" "$SPAR_ROOT/docs/architecture.md"
pass "engine/ keeps the edges CMakeLists.txt declares, and docs/architecture.md lists them"

# breach NAME FOLDER LINE EXPECTED: a copy of engine/ with LINE in FOLDER/probe.cc fails the
# check with one path:line: message naming EXPECTED.
breach() {
  local name=$1 folder=$2 line=$3 expected=$4
  rm -rf "$WORK/engine" && cp -r "$SPAR_ROOT/engine" "$WORK/engine"
  printf '// probe\n%s\n' "$line" >"$WORK/engine/$folder/probe.cc"
  expect_exit 1 python3 "$CHECK" "$LAYERS" "$WORK/engine"
  grep -qF "$WORK/engine/$folder/probe.cc:2: " "$WORK/err" || { cat "$WORK/err" >&2; fail "$name: no path:line"; }
  grep -qF "$expected" "$WORK/err" || { cat "$WORK/err" >&2; fail "$name: not named: $expected"; }
  pass "$name"
}
breach "score/ cannot include Lua" score '#include <lua.h>' "does not link PkgConfig::LUA"
breach "score/ cannot include libcurl" score '#include <curl/curl.h>' "does not link PkgConfig::CURL"
breach "score/ cannot include SQLite" score '#include <sqlite3.h>' "does not link PkgConfig::SQLITE"
breach "score/ cannot include cpp-httplib" score '#  include "httplib.h"' "does not link PkgConfig::HTTPLIB"
breach "score/ cannot include the persona runtime" score '#include "persona/runtime.h"' \
  "spar_score does not depend on spar_persona"
breach "report/ cannot include the agent" report '#include "agent/client.h"' \
  "spar_report does not depend on spar_agent"
breach "conversation/ cannot link Lua through persona's private edge" conversation '#include <lauxlib.h>' \
  "does not link PkgConfig::LUA"

# A folder without a library, and a table that drifted from CMakeLists.txt.
rm -rf "$WORK/engine" && cp -r "$SPAR_ROOT/engine" "$WORK/engine" && mkdir "$WORK/engine/extra"
expect_exit 1 python3 "$CHECK" "$LAYERS" "$WORK/engine"
grep -qF "engine folder 'extra' has no library" "$WORK/err" || fail "a folder without a library passed"
sed 's/^| `spar_score` | `base`/| `spar_score` | `base`, `persona`/' "$SPAR_ROOT/docs/architecture.md" >"$WORK/arch.md"
cmp -s "$WORK/arch.md" "$SPAR_ROOT/docs/architecture.md" && fail "the probe did not change the table"
expect_exit 1 python3 "$CHECK" "$LAYERS" "$SPAR_ROOT/engine" "$WORK/arch.md"
grep -qF "spar_score depends on ['base', 'record'] in CMakeLists.txt, the table says ['base', 'persona', 'record']" "$WORK/err" || { cat "$WORK/err" >&2; fail "a drifted table passed"; }
pass "a folder without a library and a drifted table fail the check"
