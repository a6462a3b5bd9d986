#!/usr/bin/env bash
# Issue 15's engine features for tau: u:llm{system, greeting, stop} against a real HTTP user model
# (the exact request it received, the user_stop ending), u:stop(reason), and goal(state, run)
# re-scored by `spar score` to the live verdict.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

# rescored_alike RUN: `spar score` on RUN's record gives the live verdict.
rescored_alike() {
  expect_exit 0 "$SPAR" score "$1" --out "$1-again"
  [ "$(jq -c .score "$1/results.jsonl")" == "$(jq -c .score "$1-again/results.jsonl")" ] || fail "spar score changed $1's verdict"
}

SYSTEM='You are a user interacting with an agent.

Instruction: cancel order 7.
Rules:
- If the instruction goal is satisified, generate '"'"'###STOP###'"'"' as a standalone message.'
mkdir -p s
cat >s/tau.lua <<LUA
return scenario {
  id = "tau/cancel",
  system = "You are a support agent.",
  goal = function(state, run) return run.ended == "user_stop" and #run.replies >= 1 end,
  persona = persona { run = function(u)
    for _ = 1, 5 do
      u:llm{ system = [==[$SYSTEM]==], greeting = "Hi! How can I help you today?", stop = "###STOP###",
             fallback = "cancel order 7" }
    end
  end },
}
LUA

cat >user_model.py <<'PY'
"""A user model for tests/e2e/tau_engine_goal.sh: an OpenAI-compatible chat server on 127.0.0.1:0
that appends each request body to LOG (one JSON a line), answers the scripted messages in order
(the last one repeats) with usage {prompt_tokens: 11, completion_tokens: 5}, and writes its port
to PORTFILE. Usage: tau_user_model.py PORTFILE LOG MESSAGE..."""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

port_file, log, replies = sys.argv[1], sys.argv[2], sys.argv[3:]
count = 0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(log, "a") as f:
            f.write(json.dumps(json.loads(body)) + "\n")
        text = replies[min(count, len(replies) - 1)]
        count += 1
        out = json.dumps({"id": "u", "object": "chat.completion", "model": "user",
                          "choices": [{"index": 0, "finish_reason": "stop",
                                       "message": {"role": "assistant", "content": text}}],
                          "usage": {"prompt_tokens": 11, "completion_tokens": 5, "total_tokens": 16}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
PY
python3 user_model.py "$WORK/port" "$WORK/user.log" \
  "I would like to cancel order 7." "Thanks, that is all. ###STOP###" &
server=$!
at_exit "kill $server"
for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] || fail "the user model server did not start"
um="openai:model=user,base_url=http://127.0.0.1:$(cat "$WORK/port")/v1,stream=0"

expect_exit 0 "$SPAR" run s/tau.lua --agent mock --user-model "$um" -k 1 --out run -q --price prompt=1,completion=2
rec=run/results.jsonl
jq -e '.ended == "user_stop" and .turns == 1 and .user_stop.by == "user_model"
       and .user_stop.token == "###STOP###" and .user_stop.message == "Thanks, that is all. ###STOP###"
       and .usage.user_model_requests == 2' "$rec" >/dev/null || fail "the stop token ends the run as user_stop: $(cat $rec)"
jq -e '[.transcript[] | select(.role == "user") | .content] == ["I would like to cancel order 7."]
       and ([.transcript[] | select(.content | contains("###STOP###"))] | length) == 0' "$rec" >/dev/null \
  || fail "the stop message must not reach the agent"
pass "u:llm{stop=}: the user model's stop token ends the conversation as user_stop, unsent"

# The user model received tau's prompt verbatim, its history opened by the greeting.
first=$(head -1 user.log)
jq -e --arg sys "$SYSTEM" '.messages == [{"role": "system", "content": $sys},
                                          {"role": "user", "content": "Hi! How can I help you today?"}]' \
  <<<"$first" >/dev/null || fail "first user-model request: $first"
second=$(sed -n 2p user.log)
jq -e --arg sys "$SYSTEM" '.messages[0] == {"role": "system", "content": $sys}
       and .messages[1] == {"role": "user", "content": "Hi! How can I help you today?"}
       and .messages[2] == {"role": "assistant", "content": "I would like to cancel order 7."}
       and .messages[3].role == "user" and (.messages | length) == 4' <<<"$second" >/dev/null \
  || fail "second user-model request: $second"
pass "u:llm{system, greeting}: the exact system text and the greeting opening the user model's history"

jq -e '.score.goal_met == true and .score.pass == true' "$rec" >/dev/null || fail "goal(state, run) saw user_stop"
rescored_alike run
pass "goal(state, run) live and re-scored alike"

# u:stop(reason): the persona ends it on purpose.
cat >s/quit.lua <<'LUA'
return scenario {
  id = "tau/quit",
  goal = function(state, run) return run.ended == "user_stop" end,
  persona = persona { run = function(u) u:say("hello") u:stop("the agent asked for a password") u:say("never") end },
}
LUA
expect_exit 0 "$SPAR" run s/quit.lua --agent mock -k 1 --out quit -q
jq -e '.ended == "user_stop" and .turns == 1 and .user_stop == {"by": "persona", "reason": "the agent asked for a password"}
       and .score.goal_met == true' quit/results.jsonl >/dev/null || fail "u:stop(reason): $(cat quit/results.jsonl)"
rescored_alike quit
pass "u:stop(reason) ends the conversation as user_stop with its reason"

# Bad settings are script errors naming the line.
cat >s/bad.lua <<'LUA'
return scenario {
  id = "tau/bad",
  persona = persona { run = function(u)
    u:llm{ system = 5, fallback = "x" }
  end },
}
LUA
"$SPAR" run s/bad.lua --agent mock -k 1 --out bad -q >bad.out 2>&1 || true
jq -e '.ended == "script_error" and (.error.message | startswith("s/bad.lua:4: llm: system must be non-empty text"))' \
  bad/results.jsonl >/dev/null || fail "u:llm{system = 5}: $(cat bad/results.jsonl) $(cat bad.out)"
pass "a bad u:llm setting is a script error at its line"

# The user model's and the judge's tokens are recorded by role and priced like the agent's.
jq -e '.usage.user_model_prompt_tokens == 22 and .usage.user_model_completion_tokens == 10
       and (.usage.judge_prompt_tokens // 0) == 0 and .usage.prompt_tokens > 0' run/results.jsonl >/dev/null \
  || fail "the user model's tokens (11 + 5 per reply, 2 replies): $(jq -c .usage run/results.jsonl)"
jq -e --slurpfile r run/results.jsonl '.usage as $u | $r[0].usage as $t
       | $u.user_model_prompt_tokens == 22 and $u.user_model_completion_tokens == 10
       and $u.cost_usd_by_role.user_model == 0.000042
       and $u.cost_usd_by_role.agent == ((($t.prompt_tokens + 2 * $t.completion_tokens) / 1e6) * 1e6 | round / 1e6)
       and $u.cost_usd == ((($t.prompt_tokens + 2 * $t.completion_tokens + 42) / 1e6) * 1e6 | round / 1e6)' \
  run/summary.json >/dev/null || fail "the user model's tokens are priced: $(jq -c .usage run/summary.json)"
pass "the user model's tokens are recorded and priced in the summary's cost"

cat >s/judged.lua <<'LUA'
return scenario {
  id = "tau/judged",
  checkpoints = { 1 },
  judge = { rubric = "The agent is polite." },
  persona = persona { run = function(u) u:say("hello") end },
}
LUA
expect_exit 0 "$SPAR" run s/judged.lua --agent mock --judge mock -k 1 --out judged -q --price prompt=1,completion=2
jq -e '.usage.judge_requests == 1 and .usage.judge_prompt_tokens > 0 and .usage.judge_completion_tokens > 0
       and (.usage | has("user_model_prompt_tokens") | not)' judged/results.jsonl >/dev/null \
  || fail "the judge's tokens: $(jq -c .usage judged/results.jsonl)"
jq -e --slurpfile r judged/results.jsonl '.usage as $u | $r[0].usage as $t
       | $u.judge_prompt_tokens == $t.judge_prompt_tokens
       and $u.cost_usd_by_role.judge == ((($t.judge_prompt_tokens + 2 * $t.judge_completion_tokens) / 1e6) * 1e6 | round / 1e6)
       and $u.cost_usd == ((($t.prompt_tokens + 2 * $t.completion_tokens + $t.judge_prompt_tokens + 2 * $t.judge_completion_tokens) / 1e6) * 1e6 | round / 1e6)' \
  judged/summary.json >/dev/null || fail "the judge's tokens are priced: $(jq -c .usage judged/summary.json)"
pass "the judge's tokens are recorded and priced in the summary's cost"
