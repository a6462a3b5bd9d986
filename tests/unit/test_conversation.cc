#include <doctest/doctest.h>

#include "agent/fake.h"
#include "conversation/conversation.h"
#include "support.h"
#include "scored.h"

using namespace spar;
using json = nlohmann::json;
using spar::test::TempDir;
using spar::test::write_file;

namespace {

const char* kScenario = R"(return scenario {
  id = "retail/cancel",
  system = "You are a support agent. Cancel orders on request.",
  facts = { order = "4471" },
  state = { orders = { ["4471"] = { status = "open" } } },
  tools = {
    cancel_order = {
      description = "Cancel an order.",
      parameters = { type = "object", properties = { order_id = { type = "string" } }, required = { "order_id" } },
      run = function(state, args)
        state.orders[args.order_id].status = "cancelled"
        return { ok = true }
      end,
    },
  },
  goal = function(state) return state.orders["4471"].status == "cancelled" end,
  max_turns = 5,
  persona = persona { run = function(u, facts)
    local r = u:say("Please cancel order " .. facts.order)
    if r:called("cancel_order") then u:say("Thanks: " .. r.text) end
    u:say("bye")
  end },
}
)";

// Runs one conversation against a fake agent to completion and returns its record.
json run_one(agent::FakeAgent::Responder responder, conversation::Options options = {}) {
  agent::Loop loop;
  agent::FakeAgent fake(loop, std::move(responder));
  json record;
  conversation::Plan plan{"s.lua", "retail/cancel", 1, 99};
  conversation::Conversation conv(plan, options, fake, [&](record::Record r, json j) { record = test::scored(std::move(r), j, "s.lua"); });
  loop.post([&] { conv.start(); });
  loop.run();
  return record;
}

bool last_is_tool(const agent::Request& r) { return !r.messages.empty() && r.messages.back().role == "tool"; }

}  // namespace

TEST_CASE("conversation: tool calls run over the scenario state until the agent answers in text") {
  TempDir dir;
  write_file("s.lua", kScenario);
  std::vector<agent::Request> seen;
  json rec = run_one([&](const agent::Request& req) -> Result<agent::Reply> {
    seen.push_back(req);
    agent::Reply r;
    if (seen.size() == 1) {
      r.tool_calls.push_back({"call_1", "cancel_order", R"({"order_id":"4471"})"});
    } else if (last_is_tool(req)) {
      r.text = "Order 4471 is cancelled.";
    } else {
      r.text = "You're welcome.";
    }
    r.usage = {10, 5};
    return r;
  });

  // The agent received the system prompt first, then the history.
  REQUIRE(seen.size() == 4);
  CHECK(seen[0].messages[0].role == "system");
  CHECK(seen[0].messages[0].content == "You are a support agent. Cancel orders on request.");
  CHECK(seen[0].messages[1].content == "Please cancel order 4471");
  CHECK(seen[0].tools.size() == 1);
  CHECK(seen[0].seed == 99);
  // The tool result went back to the agent with the call's id.
  const auto& tool_msg = seen[1].messages.back();
  CHECK(tool_msg.role == "tool");
  CHECK(tool_msg.tool_call_id == "call_1");
  CHECK(json::parse(tool_msg.content) == json{{"ok", true}});

  CHECK(rec["error"].is_null());
  CHECK(rec["turns"] == 3);
  CHECK(rec["score"]["goal_met"] == true);
  CHECK(rec["score"]["pass"] == true);
  CHECK(rec["ended"] == "persona_done");
  CHECK(rec["final_state"]["orders"]["4471"]["status"] == "cancelled");
  CHECK(rec["usage"]["agent_requests"] == 4);
  CHECK(rec["usage"]["tool_calls"] == 1);
  CHECK(rec["usage"]["prompt_tokens"] == 40);
  CHECK(rec["usage"]["turn_latency_ms"].size() == 3);
  // The persona saw the tool call and the text of turn 1.
  CHECK(rec["transcript"][4]["content"] == "Thanks: Order 4471 is cancelled.");
  CHECK(rec["transcript"][1]["tool_calls"][0]["name"] == "cancel_order");
  CHECK(rec["transcript"][2]["role"] == "tool");
}

TEST_CASE("conversation: the tool-call loop is bounded per turn") {
  TempDir dir;
  write_file("s.lua", kScenario);
  conversation::Options options;
  options.max_tool_steps = 3;
  int calls = 0;
  json rec = run_one(
      [&](const agent::Request&) -> Result<agent::Reply> {
        ++calls;
        agent::Reply r;
        r.tool_calls.push_back({"c", "nonexistent", "{}"});
        return r;
      },
      options);
  CHECK(rec["error"].is_null());
  CHECK(rec["warnings"][0]["kind"] == "tool_loop");
  CHECK(rec["usage"]["tool_errors"] == 3 * 2);  // two turns, three rounds each
  CHECK(calls == 6);
  CHECK(rec["score"]["pass"] == false);
}

TEST_CASE("conversation: an agent error ends it as status error with the error kind") {
  TempDir dir;
  write_file("s.lua", kScenario);
  json rec = run_one([](const agent::Request&) -> Result<agent::Reply> {
    return make_error(spar::ErrorKind::http, "HTTP 503 from http://127.0.0.1:1/v1/chat/completions");
  });
  CHECK(rec["error"].is_object());
  CHECK(rec["score"]["pass"] == false);
  CHECK(rec["error"]["kind"] == "http");
  CHECK(rec["turns"] == 0);
  CHECK(rec["transcript"].size() == 1);  // the user's message is kept
}

TEST_CASE("conversation: max_turns ends the conversation") {
  TempDir dir;
  write_file("s.lua", R"(return scenario { max_turns = 4, persona = persona { run = function(u)
    while true do u:say("more") end end } })");
  json rec = run_one([](const agent::Request&) -> Result<agent::Reply> {
    agent::Reply r;
    r.text = "ok";
    return r;
  });
  CHECK(rec["error"].is_null());
  CHECK(rec["turns"] == 4);
  CHECK(rec["ended"] == "max_turns");
  CHECK(rec["score"]["pass"] == true);  // no goal declared
}

TEST_CASE("conversation: a persona script error is recorded with its path and line") {
  TempDir dir;
  write_file("s.lua", "return scenario { persona = persona { run = function(u)\n  u:say('a')\n  u:nonsense()\nend } }\n");
  json rec = run_one([](const agent::Request&) -> Result<agent::Reply> { return agent::Reply{}; });
  CHECK(rec["error"].is_object());
  CHECK(rec["error"]["kind"] == "script");
  CHECK(rec["error"]["message"] == "s.lua:3: attempt to call a nil value (method 'nonsense')");
}
