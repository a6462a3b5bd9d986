# report.html in headless Chromium, for the suites that check the page (sourced after lib.sh):
# render, page_ok and count.
command -v chromium >/dev/null 2>&1 \
  || fail "chromium is not installed: this suite renders report.html in headless Chromium (apt-get install -y chromium)"

# render FILE [FRAGMENT]: dumps the DOM after scripts ran to $WORK/dom, Chromium's log to $WORK/log.
render() {
  local file=$1 fragment=${2:-}
  local profile
  profile="$(mktemp -d -p "$WORK" chromium.XXXXXX)"
  set +e
  timeout 300 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 --window-size=1400,1000 --virtual-time-budget=5000 \
    --dump-dom "file://$file$fragment" >"$WORK/dom" 2>"$WORK/log" </dev/null
  local rc=$?
  set -e
  [ "$rc" -eq 0 ] || { tail -20 "$WORK/log" >&2; fail "chromium exited $rc on $file$fragment"; }
  grep -q '</html>' "$WORK/dom" || fail "no DOM dumped for $file$fragment"
}

# page_ok WHAT: the page rendered to the end, with no JS error and no console output of its own.
page_ok() {
  grep -q 'data-rendered="true"' "$WORK/dom" || fail "$1: the page's script did not finish"
  grep -q '<body data-errors=""' "$WORK/dom" \
    || fail "$1: the page recorded errors: $(grep -o 'data-errors="[^"]*"' "$WORK/dom" | head -1)"
  if grep -E 'CONSOLE[:(][0-9]+' "$WORK/log" | grep -q 'source: file://' || grep -q 'Uncaught' "$WORK/log"; then
    grep -E 'CONSOLE|Uncaught' "$WORK/log" >&2
    fail "$1: the page wrote to the console"
  fi
  grep -q 'data-resources="0"' "$WORK/dom" || fail "$1: the page fetched resources ($(grep -o 'data-resources="[^"]*"' "$WORK/dom"))"
}

# count PATTERN: how many times PATTERN occurs in the last DOM rendered.
count() { grep -o "$1" "$WORK/dom" | wc -l; }
