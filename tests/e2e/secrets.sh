#!/usr/bin/env bash
# API keys never leave the process except in the Authorization header: not in results.jsonl,
# summary.json, report.html, junit.xml, run.json, the history database, a cassette, stdout or
# stderr (trace logging included), nor in error messages -- even when a server echoes the key
# back in a reply or an error body.
source "$(dirname "$0")/lib.sh"
cd "$SPAR_ROOT"
MOCK="${SPAR_MOCK_AGENT:?set by CTest}"
export OPENAI_API_KEY=sk-test-SECRET-123
export CUSTOM_AGENT_KEY=sk-custom-SECRET-456
out="$WORK/out-files"
mkdir -p "$out"

# The real mock agent, started by hand so spar talks to it as an openai endpoint with a key.
"$MOCK" --port 0 >"$WORK/mock.out" 2>"$WORK/mock.err" &
mock_pid=$!
# An echo server: answers with (200) or complains about (401, path /deny) the Authorization
# header it received, and logs it, to prove the key was sent and scrubbed on the way back.
cat >"$WORK/echo.py" <<'EOF'
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        first = req["messages"][-1]["role"] == "user"  # tool calls first, then text
        auth = self.headers.get("Authorization", "")
        with open(sys.argv[1], "a") as f: f.write(auth + "\n")
        if self.path.startswith("/deny"):
            body, status = json.dumps({"error": {"message": "invalid key " + auth}}), 401
        else:
            body, status = json.dumps({"choices": [{"message": {"role": "assistant",
                "content": "Your header was " + auth, "tool_calls": [{"id": "c1", "type": "function",
                "function": {"name": "lookup_" + auth.split()[-1], "arguments": json.dumps({"k": auth})}}]
                if first else None}}], "usage": {"prompt_tokens": 1, "completion_tokens": 1}}), 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())
    def log_message(self, *args): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print("listening on http://127.0.0.1:%d" % s.server_address[1], flush=True)
s.serve_forever()
EOF
python3 "$WORK/echo.py" "$WORK/echo-seen.log" >"$WORK/echo.out" 2>&1 &
echo_pid=$!
at_exit 'kill $mock_pid $echo_pid 2>/dev/null; wait $mock_pid $echo_pid 2>/dev/null || true'
port_of() { for _ in $(seq 600); do  # up to a minute: only a server that never starts is this slow
  p=$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\).*#\1#p' "$1"); [ -n "$p" ] && { echo "$p"; return; }; sleep 0.1
done; fail "no 'listening on' in $1"; }
mock_url="http://127.0.0.1:$(port_of "$WORK/mock.out")/v1"
echo_url="http://127.0.0.1:$(port_of "$WORK/echo.out")"

# spar_run NAME ARGS...: a run with trace logging, its output kept for the final scan.
spar_run() {
  local name=$1; shift
  set +e
  "$SPAR" --log-level trace run --allow-errors "$@" --out "$out/$name" --history "$out/history.db" >"$out/$name.stdout" 2>"$out/$name.stderr" </dev/null
  local code=$?
  set -e
  [ "$code" -eq 0 ] || { tail -5 "$out/$name.stderr"; fail "$name: exit $code"; }
}

# 1. The default OPENAI_API_KEY, streaming, recorded.
spar_run default --first-persona scenarios/retail -k 1 --agent "openai:model=mock,base_url=$mock_url,stream=1" --record "$out/default.cassette"
jq -e -s 'all(.error == null)' "$out/default/results.jsonl" >/dev/null || fail "the keyed run completes"
grep -q 'Authorization: \*\*\*' "$out/default.stderr" || fail "trace logging shows the Authorization header, redacted"
grep -q 'POST .*/chat/completions' "$out/default.stderr" || fail "trace logging shows requests"
# 2. A custom api_key_env, recorded.
spar_run custom --first-persona scenarios/retail/address-change.lua -k 1 --agent "openai:model=mock,base_url=$mock_url,api_key_env=CUSTOM_AGENT_KEY" \
  --record "$out/custom.cassette"
# 3. Unreachable endpoints, with credentials in the URL too: transport errors.
spar_run unreachable --first-persona scenarios/retail -k 1 --retries 1 --agent "openai:model=mock,base_url=http://user:pw-SECRET-789@127.0.0.1:9/v1"
jq -e -s 'all(.error != null and .error.kind == "transport")' "$out/unreachable/results.jsonl" >/dev/null \
  || fail "unreachable endpoints are transport errors"
grep -q '\*\*\*@127.0.0.1:9' "$out/unreachable/results.jsonl" || fail "URL credentials are shown as ***"
# 4. A server that echoes the key in its replies (text and tool calls) and in a 401 body.
spar_run echo --first-persona scenarios/retail/address-change.lua -k 1 --agent "openai:model=x,base_url=$echo_url/v1" --record "$out/echo.cassette"
grep -q 'Your header was Bearer \*\*\*' "$out/echo/results.jsonl" || fail "an echoed key is scrubbed from replies"
jq -e -s '[.[].transcript[] | select(.tool_calls) | .tool_calls[]] | length > 0 and all(.arguments == "{\"k\": \"Bearer ***\"}")' \
  "$out/echo/results.jsonl" >/dev/null || fail "an echoed key is scrubbed from tool-call arguments"
spar_run deny --first-persona scenarios/retail/address-change.lua -k 1 --agent "openai:model=x,base_url=$echo_url/deny,api_key_env=CUSTOM_AGENT_KEY" \
  --record "$out/deny.cassette"
jq -e -s 'all(.error != null and .error.kind == "http" and (.error.message | test("^HTTP 401 from .*invalid key Bearer \\*\\*\\*")))' \
  "$out/deny/results.jsonl" >/dev/null || { jq .error "$out/deny/results.jsonl"; fail "a 401 echoing the key"; }
grep -q "Bearer $OPENAI_API_KEY" "$WORK/echo-seen.log" && grep -q "Bearer $CUSTOM_AGENT_KEY" "$WORK/echo-seen.log" \
  || fail "the keys were sent in the Authorization header"
pass "keyed runs: default and custom key env, trace logs, unreachable, echoing servers"

# Every file spar wrote: results, summaries, reports, junit, run.json, history, cassettes, logs.
for f in results.jsonl summary.json report.html junit.xml run.json; do
  [ -s "$out/default/$f" ] || fail "expected $out/default/$f"
done
[ -s "$out/history.db" ] || fail "expected the history database"
[ -s "$out/unreachable/run.json" ] || fail "expected the run.json of the run with URL credentials"
for f in default custom echo deny; do [ "$(wc -l <"$out/$f.cassette")" -gt 1 ] || fail "empty cassette $f"; done
if grep -rla -e "$OPENAI_API_KEY" -e "$CUSTOM_AGENT_KEY" -e "SECRET-123" -e "SECRET-456" "$out"; then
  fail "an API key was written to the file(s) above"
fi
# Credentials inside a base_url come from the command line; no file keeps them, run.json
# included (a resume asks for them again), and messages read "***@".
if grep -rla -e "pw-SECRET-789" "$out"; then
  fail "URL credentials were written to the file(s) above"
fi
pass "no key in results.jsonl, summary.json, report.html, junit.xml, run.json, history, cassettes, stdout or stderr ($(find "$out" -type f | wc -l) files)"
