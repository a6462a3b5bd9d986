#!/usr/bin/env bash
# spar review's JSON API, through python's urllib: bad JSON, unknown conversations and items,
# a missing rationale (HTTP 400 with label_problem's text), two reviewers labelling the same
# items at once, labels surviving a restart, --export / --import (path:line errors, nothing
# half-imported), --sample's picks and order, hostile records, SIGTERM, 127.0.0.1 only.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/review_lib.bash"

make_review_run "$WORK/run"
DB="$WORK/history.db"
N=$(wc -l <"$WORK/run/results.jsonl")

# No reviewer: a clear error, exit 2.
expect_exit 2 env -u USER "$SPAR" review "$WORK/run" --db "$DB"
grep -q 'pass --reviewer NAME' "$WORK/err" || fail "no reviewer: $(cat "$WORK/err")"
expect_exit 2 "$SPAR" review "$WORK/nothing-here" --db "$DB" --reviewer ana
pass "spar review refuses a missing reviewer and a missing folder (exit 2)"

start_review ana "$WORK/run" --db "$DB" --reviewer ana
start_review ben "$WORK/run" --db "$DB" --reviewer ben
case "$REVIEW_URL_ana" in http://127.0.0.1:*) ;; *) fail "not on 127.0.0.1: $REVIEW_URL_ana" ;; esac
port=${REVIEW_URL_ana##*:}; port=${port%/}
if ss -ltn 2>/dev/null | grep -q "0.0.0.0:$port "; then fail "spar review listens beyond 127.0.0.1"; fi
# A port in use is an error, not a second server sharing it (httplib's default SO_REUSEPORT).
expect_exit 2 timeout 60 "$SPAR" review "$WORK/run" --db "$DB" --reviewer cy --port "$port"
grep -q "cannot listen on 127.0.0.1:$port (is the port in use?)" "$WORK/err" || fail "port in use: $(cat "$WORK/err")"
pass "a --port in use is refused (exit 2)"

cat >"$WORK/api.py" <<'PY'
import json, sys, threading, urllib.request, urllib.error
ana, ben, n = sys.argv[1], sys.argv[2], int(sys.argv[3])

def call(base, method, path, body=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path.lstrip('/'), data=data, method=method,
                                 headers={'Content-Type': 'application/json'} if data is not None else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()

def ok(cond, what):
    if not cond:
        print('FAIL: ' + what, file=sys.stderr); sys.exit(1)

st, page = call(ana, 'GET', '/')
ok(st == 200 and b'<title>spar review</title>' in page, 'GET / serves the page')
ok(b'function renderTranscript' in page, "the page carries report.html's transcript renderer")
ok(b'SPAR_INCLUDE' not in page, 'every include was spliced')

st, body = call(ana, 'GET', '/api/session')
s = json.loads(body)
ok(st == 200 and s['reviewer'] == 'ana' and len(s['conversations']) == n, 'session lists every conversation')
c0 = s['conversations'][0]
st, body = call(ana, 'GET', '/api/conversation/0')
conv = json.loads(body)
ok(st == 200 and conv['key'] == c0['key'] and conv['record']['scenario'] == 'retail/address-change', 'conversation 0')
items = [i['item'] for i in conv['items']]
ok(items[0] == 'conversation' and any(i.startswith('checkpoint:') for i in items), 'items: %r' % items)
policies = [i for i in items if i.startswith('policy:')]
ok(len(policies) >= 6 and 'policy:require_confirmation(update_address)' in policies,
   'declared policies from the scenario file: %r' % policies)
ok(conv['policy_note'] == '', 'the scenario was found: ' + conv['policy_note'])

st, body = call(ana, 'GET', '/api/conversation/%d' % n)
ok(st == 404 and 'no conversation' in json.loads(body)['error'], 'unknown index: 404')

base = {'run_id': conv['run_id'], 'conversation': conv['key'], 'item': 'conversation', 'label': 'pass'}
st, body = call(ana, 'POST', '/api/label', raw=b'{"run_id": ')
ok(st == 400 and json.loads(body)['error'] == 'the body is not a JSON object', 'bad JSON: 400')
st, body = call(ana, 'POST', '/api/label', raw=b'[1,2]')
ok(st == 400, 'a JSON array: 400')
st, body = call(ana, 'POST', '/api/label', dict(base, rationale=''))
ok(st == 400 and json.loads(body)['error'] == 'a label needs a rationale', 'missing rationale: 400 %s' % body)
st, body = call(ana, 'POST', '/api/label', dict(base, rationale='   \n'))
ok(st == 400 and json.loads(body)['error'] == 'a label needs a rationale', 'blank rationale: 400')
st, body = call(ana, 'POST', '/api/label', {k: v for k, v in base.items() if k != 'label'} | {'rationale': 'x'})
ok(st == 400 and "takes pass or fail" in json.loads(body)['error'], 'missing label value: 400 %s' % body)
st, body = call(ana, 'POST', '/api/label', dict(base, conversation='nope#9', rationale='x'))
ok(st == 404 and "no conversation 'nope#9'" in json.loads(body)['error'], 'unknown conversation: 404 %s' % body)
st, body = call(ana, 'POST', '/api/label', dict(base, item='event:999', label='recovered', rationale='x'))
ok(st == 400 and "has no item 'event:999'" in json.loads(body)['error'], 'unknown item: 400 %s' % body)
st, body = call(ana, 'POST', '/api/label', dict(base, rationale=7))
ok(st == 400 and "'rationale' must be a string" in json.loads(body)['error'], 'a number as rationale: 400')
st, body = call(ana, 'GET', '/api/session')
ok(all(c['mine'] == 0 for c in json.loads(body)['conversations']), 'no refused label was stored')

# Two reviewers at once, through their own servers, on every conversation's items.
work = []
for i in range(n):
    c = json.loads(call(ana, 'GET', '/api/conversation/%d' % i)[1])
    for it in c['items']:
        value = {'conversation': 'fail', 'event': 'recovered', 'checkpoint': '0.5', 'policy': 'not_violated'}[it['kind']]
        work.append({'run_id': c['run_id'], 'conversation': c['key'], 'item': it['item'], 'label': value})
errors = []
def label_all(url, who):
    for w in work:
        st, body = call(url, 'POST', '/api/label', dict(w, rationale=who + ' read ' + w['item']))
        if st != 200: errors.append((who, st, body))
threads = [threading.Thread(target=label_all, args=(u, w)) for u, w in ((ana, 'ana'), (ben, 'ben'))]
for t in threads: t.start()
for t in threads: t.join()
ok(not errors, 'concurrent reviewers: %r' % errors[:3])
s = json.loads(call(ana, 'GET', '/api/session')[1])
ok(sum(c['mine'] for c in s['conversations']) == len(work), 'ana sees all her labels')
ok(sum(c['others'] for c in s['conversations']) == len(work), "ana sees ben's labels as others'")
c = json.loads(call(ben, 'GET', '/api/conversation/0')[1])
ok(len(c['labels']) == 2 * len([w for w in work if w['conversation'] == c['key']]), 'both reviewers on one conversation')
print(len(work))
PY
items=$(python3 "$WORK/api.py" "$REVIEW_URL_ana" "$REVIEW_URL_ben" "$N") || fail "API checks failed"
pass "API: 400 on bad JSON / missing rationale / unknown item, 404 on unknown conversation; two reviewers labelled $items items each at once"

stop_review ana
stop_review ben
pass "spar review exits 0 on SIGTERM"

# Export: exactly the stored labels, as label_to_json lines; they survive the restart.
expect_exit 0 "$SPAR" review "$WORK/run" --db "$DB" --export "$WORK/labels.jsonl"
[ "$(wc -l <"$WORK/labels.jsonl")" -eq $((2 * items)) ] || fail "export holds $(wc -l <"$WORK/labels.jsonl") lines, want $((2 * items))"
jq -e -s 'all(.[]; (keys == ["conversation","item","label","rationale","reviewer","run_id","time"]) and (.rationale | length > 0))' \
  "$WORK/labels.jsonl" >/dev/null || fail "export lines are not labels"
"$SPAR" review "$WORK/run" --db "$DB" --export - >"$WORK/labels-stdout.jsonl"
cmp -s "$WORK/labels.jsonl" "$WORK/labels-stdout.jsonl" || fail "--export - differs from --export FILE"
pass "--export writes every label of the run as a JSON line (file or stdout)"

# Import into a fresh database: the same labels back.
DB2="$WORK/other.db"
expect_exit 0 "$SPAR" review "$WORK/run" --db "$DB2" --import "$WORK/labels.jsonl"
"$SPAR" review "$WORK/run" --db "$DB2" --export - >"$WORK/labels-again.jsonl"
cmp -s "$WORK/labels.jsonl" "$WORK/labels-again.jsonl" || fail "export -> import -> export changed the labels"
# A bad line: path:line, exit 2, nothing imported.
DB3="$WORK/third.db"
{ sed -n 1,2p "$WORK/labels.jsonl"; sed -n 3p "$WORK/labels.jsonl" | jq -c '.rationale = ""'; } >"$WORK/bad.jsonl"
expect_exit 2 "$SPAR" review "$WORK/run" --db "$DB3" --import "$WORK/bad.jsonl"
grep -q "bad.jsonl:3: a label needs a rationale" "$WORK/err" || fail "bad import line: $(cat "$WORK/err")"
{ sed -n 1p "$WORK/labels.jsonl"; echo '{not json'; } >"$WORK/bad2.jsonl"
expect_exit 2 "$SPAR" review "$WORK/run" --db "$DB3" --import "$WORK/bad2.jsonl"
grep -q "bad2.jsonl:2: not JSON" "$WORK/err" || fail "not JSON: $(cat "$WORK/err")"
sed -n 1p "$WORK/labels.jsonl" | jq -c '.conversation = "elsewhere#1"' >"$WORK/bad3.jsonl"
expect_exit 2 "$SPAR" review "$WORK/run" --db "$DB3" --import "$WORK/bad3.jsonl"
grep -q "bad3.jsonl:1: no conversation 'elsewhere#1'" "$WORK/err" || fail "foreign conversation: $(cat "$WORK/err")"
[ -z "$("$SPAR" review "$WORK/run" --db "$DB3" --export -)" ] || fail "a refused import stored labels"
pass "--import reads --export's lines back; a bad line is path:line, exit 2, and nothing is imported"

# --sample: the picks with their reasons, the same for the same seed, and the page serves them in order.
start_review s1 "$WORK/run" --db "$DB" --reviewer ana --sample 2 --seed 5
grep -q '^sample: 2 of 4 conversations (seed 5)$' "$WORK/review-s1.out" || fail "sample header: $(cat "$WORK/review-s1.out")"
picked=$(grep -E '^ +[0-9]+\. ' "$WORK/review-s1.out" | awk '{print $2}')
[ "$(echo "$picked" | wc -l)" -eq 2 ] || fail "two picks expected: $picked"
served=$(python3 -c 'import json,sys,urllib.request; print("\n".join(c["key"] for c in json.load(urllib.request.urlopen(sys.argv[1] + "api/session"))["conversations"]))' "$REVIEW_URL_s1")
[ "$picked" = "$served" ] || fail "the page serves $served, the sample printed $picked"
stop_review s1
start_review s2 "$WORK/run" --db "$DB" --reviewer ana --sample 2 --seed 5
cmp -s <(grep -v '^review:' "$WORK/review-s1.out") <(grep -v '^review:' "$WORK/review-s2.out") || fail "the same seed picked differently"
stop_review s2
pass "--sample 2 prints each pick with its reason, the same for the same seed, and serves only them, in order"

# Hostile records: "</script>" in replies, a huge transcript, invalid UTF-8.
python3 - "$WORK/run/results.jsonl" "$WORK/hostile" <<'PY'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
rec = json.loads(open(src).readline())
rec['trial'] = 1
rec['transcript'][1]['content'] = '</script><script>document.title="pwned"</script><!-- ' + 'x' * 3000000
with open(out + '/results.jsonl', 'wb') as f:
    f.write(json.dumps(rec).encode().replace(b'"pwned"', b'"pwned\\u00e9"') + b'\n')
PY
start_review h "$WORK/hostile" --db "$DB" --reviewer ana
python3 - "$REVIEW_URL_h" <<'PY' || fail "a hostile record broke the API"
import json, sys, urllib.request
c = json.load(urllib.request.urlopen(sys.argv[1] + 'api/conversation/0'))
assert '</script><script>' in c['record']['transcript'][1]['content']
assert len(c['record']['transcript'][1]['content']) > 3000000
PY
stop_review h
pass "a huge transcript with </script> in a reply is served intact as JSON"

# spar import's output: unscored records whose scenario file is nowhere; the page says so.
expect_exit 0 "$SPAR" import "$SPAR_ROOT/tests/fixtures/import/orders.jsonl" --format openai --out "$WORK/imp"
start_review imp "$WORK/imp" --db "$DB" --reviewer ana
python3 - "$REVIEW_URL_imp" <<'PY' || fail "reviewing an import failed"
import json, sys, urllib.request
base = sys.argv[1]
s = json.load(urllib.request.urlopen(base + 'api/session'))
assert len(s['conversations']) == 3, s
c = json.load(urllib.request.urlopen(base + 'api/conversation/0'))
assert [i['item'] for i in c['items']] == ['conversation'], c['items']
assert c['items'][0]['spar']['label'] is None, 'an unscored import has no verdict of spar'
assert 'not reachable' in c['policy_note'] and 'cannot be labelled' in c['policy_note'], c['policy_note']
body = json.dumps({'run_id': c['run_id'], 'conversation': c['key'], 'item': 'conversation', 'label': 'fail',
                   'rationale': 'cancelled the order the customer corrected away from'}).encode()
r = urllib.request.urlopen(urllib.request.Request(base + 'api/label', data=body, method='POST',
                                                  headers={'Content-Type': 'application/json'}))
assert r.status == 200
PY
stop_review imp
pass "an import's records can be labelled; the page says the scenario's rules could not be found"
