#!/usr/bin/env bash
# report.html in a real browser: a run with failures, violations and errors, rendered by headless
# Chromium from a file:// URL with no network. The page records its own JS errors in
# body[data-errors]; Chromium's console log catches anything else. Also: a results.jsonl whose
# records carry only scenario/trial/status/pass, "</script>" inside the data, and clicks on the
# sortable table and the conversation filter (through a probe script appended to a copy).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/report_page.bash"
cd "$WORK"

# no_network_refs FILE: nothing in the page points at the network (src/href/url()/@import).
no_network_refs() {
  if grep -Eio "(src|href|action|xlink:href)[[:space:]]*=[[:space:]]*[\"']?[[:space:]]*(https?:)?//[^\"' >]*" "$1" \
     || grep -Eio "url\([[:space:]]*[\"']?(https?:)?//|@import" "$1"; then
    fail "$1 references the network"
  fi
}

# --- a run with failures, policy violations, unrecovered events and infrastructure errors ------
expect_exit 0 "$SPAR" run --first-persona --allow-errors "$SPAR_ROOT/scenarios" --agent mock:fatigue=0.05,policy_slip=0.1 -k 3 --out run -q
[ -f run/report.html ] || fail "spar run writes report.html next to summary.json"
no_network_refs run/report.html
pass "spar run writes a self-contained report.html"
# Infrastructure errors, for certain: a fourth trial of one scenario against an always-failing
# agent, appended, then `spar report` redraws the page.
expect_exit 0 "$SPAR" run --first-persona --allow-errors "$SPAR_ROOT/scenarios/retail/exchange-size.lua" --agent mock:fail_rate=1 --out errs -q
jq -c '.trial = 4' errs/results.jsonl >>run/results.jsonl
expect_exit 0 "$SPAR" report run
R=run/results.jsonl
jq -e -s 'any(.[]; .error != null) and any(.[]; .error == null and .score.pass == false)
          and any(.[]; (.score.violations | length) > 0)' $R >/dev/null || fail "the run should hold errors, failures and violations"

# The completed conversation with the most to show (violations, unrecovered events, cut-off
# replies, probes), opened by its #conv=N (N is the line in results.jsonl, whose order varies with
# concurrency); every badge must match the record.
i=$(jq -s 'to_entries | map(select(.value.error == null) | {key, score: ([
          ((.value.score.violations | length) > 0), any(.value.score.events[]; .recovered == false),
          any(.value.transcript[]; .truncated == true), ((.value.probes | length) > 0)] | map(select(.)) | length)})
        | max_by(.score) | .key' $R)
jq -e -s ".[$i] | (.score.violations | length) > 0 and any(.score.events[]; .recovered == false)" $R >/dev/null \
  || fail "no conversation has both a violation and an unrecovered event (did the mock's knobs change?)"
render "$PWD/run/report.html" "#conv=$i"
page_ok "report"
for dim in $(jq -r '[.checkpoints[] | select(.) | to_entries[] | select(.value) | .key] | unique | .[]' run/summary.json); do
  grep -q "<svg class=\"chart\" data-chart=\"$dim\"" "$WORK/dom" || fail "no degradation chart for $dim"
done
grep -q 'data-chart="judge"' "$WORK/dom" && fail "a dimension without data (judge) is drawn"
grep -q 'data-chart="passk"' "$WORK/dom" || fail "no pass^k chart"
[ "$(grep -o 'data-chart="passk".*</svg>' "$WORK/dom" | grep -o '<polyline' | head -2 | wc -l)" -eq 2 ] \
  || fail "the pass^k chart draws pass^k and pass@k"
want=$(jq '.per_scenario | length' run/summary.json)
got=$(count 'data-scenario="[^"]*"')
[ "$got" -eq "$want" ] || fail "the scenario table has $got rows, expected $want"
grep -q 'id="recovery-table"' "$WORK/dom" || fail "no recovery-by-type table"
grep -q 'id="violations-table"' "$WORK/dom" || fail "no violations-by-rule table"
grep -q 'id="usage"' "$WORK/dom" || fail "no usage panel"
grep -Eq 'id="conversation" data-record="[0-9]+"' "$WORK/dom" || fail "the transcript viewer rendered no conversation"
[ "$(count 'class="msg user')" -gt 0 ] && [ "$(count 'class="msg assistant')" -gt 0 ] || fail "no chat messages"
[ "$(count '<tr class="click[^"]*" data-index="')" -eq "$(wc -l <$R)" ] || fail "the conversation list has one row per record"
pass "charts per dimension with data, pass^k, one table row per scenario, a conversation shown"
grep -q "id=\"conversation\" data-record=\"$i\"" "$WORK/dom" || fail "#conv=$i did not open conversation $i"
nv=$(jq -s ".[$i].score.violations | length" $R)
[ "$(count 'data-note="violation"')" -eq "$nv" ] || fail "conversation $i: expected $nv violation badges"
[ "$(count 'data-recovered="false"')" -eq "$(jq -s "[.[$i].score.events[] | select(.recovered == false)] | length" $R)" ] \
  || fail "conversation $i: unrecovered events are not all marked"
[ "$(count 'data-note="cut"')" -eq "$(jq -s "[.[$i].transcript[] | select(.truncated == true)] | length" $R)" ] \
  || fail "conversation $i: cut-off replies are not all marked"
[ "$(count 'data-note="tool-call"')" -eq "$(jq -s "[.[$i].transcript[] | .tool_calls // [] | .[]] | length" $R)" ] \
  || fail "conversation $i: tool calls are not all shown"
[ "$(count 'data-note="probe"')" -eq "$(jq -s ".[$i].probes | length" $R)" ] || fail "conversation $i: probes"
[ "$(count 'class="turn[^"]*" data-turn=')" -eq "$(jq -s ".[$i].turns" $R)" ] || fail "conversation $i: one block per turn"
[ "$(count 'class="cp" data-checkpoint=')" -gt 0 ] || fail "conversation $i: no checkpoint dividers"
pass "the transcript viewer marks violations, unrecovered events, cut-off replies, tool calls, probes, checkpoints"

# --- interaction: sort the scenario table, filter the conversation list ------------------------
cp run/report.html probe.html
cat >>probe.html <<'EOF'
<script>
(function () {
  var out = [];
  out.push(document.querySelector('#conversation[data-record] .msg') ? '' : 'no conversation open by default');
  function col(key) {
    var ths = Array.prototype.slice.call(document.querySelectorAll('#scenario-table thead th'));
    var idx = ths.findIndex(function (th) { return th.getAttribute('data-key') === key; });
    return Array.prototype.map.call(document.querySelectorAll('#scenario-table tbody tr'), function (tr) {
      var t = tr.children[idx].textContent.trim().split(' ')[0];
      return /^[0-9.]+$/.test(t) ? Number(t) : null;
    });
  }
  function check(key, dir) {
    var v = col(key), seenNull = false;
    for (var i = 0; i < v.length; i++) {
      if (v[i] === null) { seenNull = true; continue; }
      if (seenNull) return key + ' ' + dir + ': null before a number';
      if (i && v[i - 1] !== null && (dir === 'desc' ? v[i] > v[i - 1] : v[i] < v[i - 1])) return key + ' ' + dir + ': out of order ' + v.join(',');
    }
    return '';
  }
  var th = document.querySelector('#scenario-table th[data-key="pk"]');
  th.click(); out.push(th.getAttribute('aria-sort') === 'descending' ? check('pk', 'desc') : 'first click is not descending');
  th.click(); out.push(th.getAttribute('aria-sort') === 'ascending' ? check('pk', 'asc') : 'second click is not ascending');
  var sel = document.querySelector('#conversations select[aria-label="outcome"]');
  sel.value = 'failures'; sel.dispatchEvent(new Event('change'));
  out.push('failures=' + document.querySelectorAll('#conversation-list tbody tr[data-index]').length);
  var row = document.querySelector('#scenario-table tbody tr[data-scenario]');
  row.click();
  var sc = row.getAttribute('data-scenario');
  var shown = Array.prototype.map.call(document.querySelectorAll('#conversation-list tbody tr[data-index] td.sc'), function (td) { return td.textContent; });
  out.push(shown.every(function (s) { return s === sc; }) ? '' : 'scenario filter shows other scenarios');
  var scSel = document.querySelector('#conversations select[aria-label="scenario"]');
  scSel.value = ''; scSel.dispatchEvent(new Event('change'));
  sel.value = 'error'; sel.dispatchEvent(new Event('change'));
  var first = document.querySelector('#conversation-list tbody tr[data-index]');
  if (!first) out.push('no error record listed'); else first.click();
  out.push(document.querySelector('#conversation .errbox[data-note="error"]') ? '' : 'an error record does not show its error');
  out.push(document.querySelector('#conversation [data-note="ended-with-error"]') ? '' : 'an error record does not mark where it stopped');
  document.body.setAttribute('data-probe', out.filter(Boolean).join(';'));
})();
</script>
EOF
render "$PWD/probe.html"
page_ok "probe"
failures=$(jq -s '[.[] | select(.score.pass != true)] | length' $R)
probe=$(grep -o 'data-probe="[^"]*"' "$WORK/dom") || fail "the probe script did not run"
[ "$probe" = "data-probe=\"failures=$failures\"" ] || fail "interaction: $probe (expected failures=$failures)"
pass "the scenario table sorts both ways with nulls last; the list filters; an error record shows its error"

# --- minimal records, and "</script>" inside the data ------------------------------------------
mkdir -p min
records_unchecked min/results.jsonl  # hand-written v0 minimum, not a record spar wrote
cat >min/results.jsonl <<'EOF'
{"scenario":"shop/a","trial":1,"status":"completed","pass":true}
{"scenario":"shop/a","trial":2,"status":"completed","pass":false}
{"scenario":"shop/b","trial":1,"status":"error","pass":false}
{"scenario":"shop/b","trial":2,"status":"completed","pass":true,"persona":"</script><script>document.title='pwned'</script><!--<script>"}
EOF
expect_exit 0 "$SPAR" report min
[ -f min/report.html ] || fail "spar report writes report.html"
grep -q '</script><script>document.title' min/report.html && fail "</script> inside the data reaches the page raw"
no_network_refs min/report.html
render "$PWD/min/report.html" "#conv=3"
page_ok "minimal report"
grep -q '<title>spar report</title>' "$WORK/dom" || fail "the data broke out of its script element"
grep -q '&lt;/script&gt;&lt;script&gt;document.title' "$WORK/dom" || fail "the persona with </script> is shown as text"
# shop/b's two trials have two personas (none, and the hostile name): two cases of it, three rows.
[ "$(count 'data-scenario="[^"]*"')" -eq 3 ] || fail "minimal: three case rows (shop/a, and shop/b by each persona)"
grep -q 'data-nodata="curves"' "$WORK/dom" || fail "minimal: the degradation section says no data"
grep -q 'data-chart="passk"' "$WORK/dom" || fail "minimal: pass^k is still drawn"
pass "records with only scenario/trial/status/pass render; '</script>' in the data stays inert"
