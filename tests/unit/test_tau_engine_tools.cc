// The engine features the tau-bench / tau2-bench suites need (issue 15, point 2): a tool's
// string result reaches the agent verbatim, record_state = false, and tau's loop limits
// (max_steps, tool_calls_per_message).
#include <doctest/doctest.h>
#include <httplib.h>

#include <fstream>
#include <iterator>
#include <mutex>

#include "agent/client.h"
#include "agent/fake.h"
#include "conversation/checks.h"
#include "conversation/conversation.h"
#include "persona/runtime.h"
#include "run/rescore.h"
#include "scored.h"
#include "support.h"
#include "test_agent_support.h"

using namespace spar;
using json = nlohmann::json;
using spar::test::TempDir;
using spar::test::write_file;

namespace {

// tests/fixtures/tau-engine/shop.lua, with `extra` settings after its max_turns line.
std::string shop(const std::string& extra = "") {
  std::ifstream in(std::string(SPAR_SOURCE_DIR) + "/tests/fixtures/tau-engine/shop.lua");
  REQUIRE(in);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string anchor = "  max_turns = 6,\n";
  size_t at = s.find(anchor);
  REQUIRE(at != std::string::npos);
  return s.insert(at + anchor.size(), "  " + extra + "\n");
}

conversation::Plan plan() { return conversation::Plan{"s.lua", "tau/shop", 1, 7}; }

// Plays one conversation against `client` and returns its record as a live run writes it.
json play(agent::Loop& loop, agent::AgentClient& client) {
  json record;
  conversation::Conversation conv(plan(), {}, client,
                                  [&](record::Record r, json j) { record = test::scored(std::move(r), j, "s.lua"); });
  loop.post([&] { conv.start(); });
  loop.run();
  return record;
}

struct Played {
  json record;
  std::vector<agent::Request> requests;
};

Played play_fake(agent::FakeAgent::Responder responder) {
  agent::Loop loop;
  agent::FakeAgent fake(loop, std::move(responder));
  Played out;
  out.record = play(loop, fake);
  out.requests = fake.requests();
  return out;
}

agent::ToolCall call(const std::string& id, const std::string& name, const std::string& args = R"({"order_id":"W123"})") {
  return agent::ToolCall{id, name, args};
}

bool last_is_tool(const agent::Request& r) { return !r.messages.empty() && r.messages.back().role == "tool"; }

// `spar score` on the written record: the same scenario, opened afresh, not live.
json rescore(const json& written) {
  run::ScoreSetup setup;
  setup.live = false;
  json r = run::score_one(written.get<record::Record>(), nullptr, setup, "s.lua");
  return r;
}

bool has_warning(const json& warnings, const std::string& kind) {
  for (const auto& w : warnings) {
    if (w.value("kind", "") == kind) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("tau tools: a string tool result reaches the agent as its bytes over real HTTP") {
  TempDir dir;
  write_file("s.lua", shop());
  std::mutex mu;
  std::vector<json> bodies;
  test::AgentTestServer server([&](httplib::Server& s) {
    s.Post("/v1/chat/completions", [&](const httplib::Request& req, httplib::Response& res) {
      json body = json::parse(req.body);
      size_t n;
      {
        std::lock_guard<std::mutex> lock(mu);
        bodies.push_back(body);
        n = bodies.size();
      }
      json message = {{"role", "assistant"}, {"content", "ok"}};
      const char* tools[] = {"cancel_order", "get_order", "ping"};
      if (n <= 3) {
        message["content"] = nullptr;
        message["tool_calls"] = {{{"id", "c" + std::to_string(n)}, {"type", "function"},
                                  {"function", {{"name", tools[n - 1]}, {"arguments", n == 3 ? "{}" : R"({"order_id":"W123"})"}}}}};
      }
      res.set_content(json{{"choices", {{{"message", message}}}}, {"usage", {{"prompt_tokens", 1}, {"completion_tokens", 1}}}}.dump(),
                      "application/json");
    });
  });
  auto spec = agent::parse_agent_spec("openai:model=m,base_url=" + server.base_url());
  REQUIRE(spec.ok());
  agent::FactoryOptions options;
  options.retries = 0;
  options.request_timeout_s = 60;
  auto factory = agent::make_agent_factory(*spec, options);
  REQUIRE(factory.ok());
  agent::Loop loop;
  auto client = (*factory)->make(loop);
  REQUIRE(client.ok());
  json rec = play(loop, **client);

  REQUIRE(bodies.size() >= 4);
  // What the agent read, request by request: the last message is the previous call's result.
  auto tool_content = [&](size_t i) {
    const json& last = bodies[i]["messages"].back();
    CHECK(last["role"] == "tool");
    return last["content"].get<std::string>();
  };
  CHECK(tool_content(1) == "Order #W123 cancelled");                           // a string: unquoted
  CHECK(tool_content(2) == R"({"order_id": "W123", "status": "cancelled"})");  // JSON text: as written
  CHECK(tool_content(3) == R"({"n":1,"ok":true})");                           // a table: its JSON, as before
  // The transcript's tool entries hold the same text.
  std::vector<std::string> recorded;
  for (const auto& e : rec["transcript"]) {
    if (e["role"] == "tool") recorded.push_back(e["content"]);
  }
  REQUIRE(recorded.size() == 3);
  CHECK(recorded[0] == "Order #W123 cancelled");
  CHECK(recorded[1] == R"({"order_id": "W123", "status": "cancelled"})");
  CHECK(rec["score"]["goal_met"] == true);
  // Re-scoring replays the calls over the scenario and gives the same verdict, warning nothing.
  json again = rescore(rec);
  CHECK(again["score"]["goal_met"] == true);
  CHECK(again["score"]["pass"] == rec["score"]["pass"]);
  CHECK_FALSE(has_warning(again["score"]["warnings"], "state_replay"));
}

TEST_CASE("tau tools: record_state = false leaves final_state out; spar score checks the replayed state") {
  TempDir dir;
  auto cancel_then_answer = [](const agent::Request& req) -> Result<agent::Reply> {
    agent::Reply r;
    if (req.messages.size() == 1) r.tool_calls.push_back(call("c1", "cancel_order"));
    else r.text = last_is_tool(req) ? "Cancelled." : "Bye.";
    return r;
  };
  SUBCASE("without the setting the state is recorded") {
    write_file("s.lua", shop());
    json rec = play_fake(cancel_then_answer).record;
    REQUIRE(rec.contains("final_state"));
    CHECK(rec["final_state"]["orders"]["W123"]["status"] == "cancelled");
  }
  SUBCASE("record_state = false") {
    write_file("s.lua", shop("record_state = false,"));
    json rec = play_fake(cancel_then_answer).record;
    CHECK_FALSE(rec.contains("final_state"));
    CHECK(rec["score"]["goal_met"] == true);
    CHECK(rec["score"]["pass"] == true);
    json again = rescore(rec);
    CHECK(again["score"]["goal_met"] == true);
    CHECK(again["score"]["pass"] == true);
    CHECK(again["score"]["warnings"] == rec["score"]["warnings"]);
    CHECK_FALSE(has_warning(again["score"]["warnings"], "state_replay"));
  }
  SUBCASE("the goal is still decided: an agent that never cancels fails, live and re-scored") {
    write_file("s.lua", shop("record_state = false,"));
    json rec = play_fake([](const agent::Request&) -> Result<agent::Reply> {
                 agent::Reply r;
                 r.text = "No.";
                 return r;
               }).record;
    CHECK_FALSE(rec.contains("final_state"));
    CHECK(rec["score"]["goal_met"] == false);
    CHECK(rescore(rec)["score"]["goal_met"] == false);
  }
}

TEST_CASE("tau tools: max_steps ends the conversation after N agent replies, tool-call messages included") {
  TempDir dir;
  auto noted = [](const agent::Request&) -> Result<agent::Reply> {  // an agent that only talks
    agent::Reply r;
    r.text = "Noted.";
    return r;
  };
  SUBCASE("text replies") {
    write_file("s.lua", shop("max_steps = 2,"));
    Played p = play_fake(noted);
    CHECK(p.requests.size() == 2);
    CHECK(p.record["ended"] == "max_steps");
    CHECK(p.record["turns"] == 2);
    CHECK(p.record["usage"]["agent_requests"] == 2);
    CHECK(rescore(p.record)["score"]["pass"] == p.record["score"]["pass"]);
  }
  SUBCASE("the user reads the last step's text reply and may still end the conversation (tau's loop)") {
    // max_steps = 3: the third reply is the last step; the persona, whose story ends after its
    // third message, stops on reading it (tau: the user's ###STOP### after step 30 is done,
    // with its reward), so the conversation ends persona_done, not max_steps.
    write_file("s.lua", shop("max_steps = 3,"));
    Played p = play_fake(noted);
    CHECK(p.requests.size() == 3);
    CHECK(p.record["ended"] == "persona_done");
    CHECK(p.record["turns"] == 3);
  }
  SUBCASE("a user who goes on after the last step's reply: max_steps, and the message is not sent") {
    write_file("s.lua", shop("max_steps = 2,"));
    Played p = play_fake(noted);
    CHECK(p.requests.size() == 2);
    CHECK(p.record["ended"] == "max_steps");
    CHECK(p.record["transcript"].back()["content"] == "Noted.");  // "bye" was never sent
  }
  SUBCASE("a tool-call message is a step; the conversation can end on one") {
    write_file("s.lua", shop("max_steps = 3,"));
    Played p = play_fake([](const agent::Request&) -> Result<agent::Reply> {
      agent::Reply r;
      r.tool_calls.push_back(call("c", "ping", "{}"));
      return r;
    });
    CHECK(p.requests.size() == 3);
    CHECK(p.record["ended"] == "max_steps");
    CHECK(p.record["turns"] == 1);
    CHECK(p.record["usage"]["tool_calls"] == 3);
    CHECK(p.record["final_state"]["pings"] == 3);
    // It ended on the third call's result: no assistant text was invented for the turn.
    CHECK(p.record["transcript"].back()["role"] == "tool");
    CHECK(p.record["usage"]["turn_latency_ms"].size() == 1);
    json again = rescore(p.record);
    CHECK(again["score"] == p.record["score"]);
  }
  SUBCASE("counted over the whole conversation, across turns") {
    write_file("s.lua", shop("max_steps = 3,"));
    Played p = play_fake([](const agent::Request& req) -> Result<agent::Reply> {
      agent::Reply r;
      if (req.messages.size() == 1) r.tool_calls.push_back(call("c1", "cancel_order"));
      else r.text = "Done.";
      return r;
    });
    // turn 1: a tool call and a text reply (2 steps); turn 2: one text reply (step 3).
    CHECK(p.requests.size() == 3);
    CHECK(p.record["ended"] == "max_steps");
    CHECK(p.record["turns"] == 2);
    CHECK(p.record["score"]["goal_met"] == true);
  }
  SUBCASE("without it the persona ends the conversation") {
    write_file("s.lua", shop());
    Played p = play_fake(noted);
    CHECK(p.record["ended"] == "persona_done");
    CHECK(p.requests.size() == 3);
  }
}

TEST_CASE("tau tools: tool_calls_per_message = 1 runs and records only the first call of a message") {
  TempDir dir;
  auto three_calls = [](const agent::Request& req) -> Result<agent::Reply> {
    agent::Reply r;
    if (req.messages.size() == 1) {
      r.tool_calls = {call("c1", "ping", "{}"), call("c2", "cancel_order"), call("c3", "ping", "{}")};
    } else {
      r.text = "Done.";
    }
    return r;
  };
  SUBCASE("limited") {
    write_file("s.lua", shop("tool_calls_per_message = 1,"));
    Played p = play_fake(three_calls);
    const json& t = p.record["transcript"];
    REQUIRE(t.size() >= 3);
    REQUIRE(t[1]["tool_calls"].size() == 1);
    CHECK(t[1]["tool_calls"][0]["id"] == "c1");
    CHECK(t[2]["role"] == "tool");
    CHECK(t[3]["role"] == "assistant");  // no result for the dropped calls
    CHECK(p.record["usage"]["tool_calls"] == 1);
    CHECK(p.record["final_state"]["pings"] == 1);
    CHECK(p.record["score"]["goal_met"] == false);  // cancel_order was dropped
    // The agent's history on its next request holds only the call that ran, and its result.
    REQUIRE(p.requests.size() >= 2);
    const auto& history = p.requests[1].messages;
    REQUIRE(history.size() == 3);
    CHECK(history[1].tool_calls.size() == 1);
    CHECK(history[2].role == "tool");
    CHECK(history[2].tool_call_id == "c1");
    REQUIRE(p.record["warnings"].size() == 1);
    CHECK(p.record["warnings"][0]["kind"] == "tool_calls_dropped");
    CHECK(p.record["warnings"][0]["message"].get<std::string>().find("asked for 3 tool calls") != std::string::npos);
    json again = rescore(p.record);
    CHECK(again["score"] == p.record["score"]);
  }
  SUBCASE("unlimited by default") {
    write_file("s.lua", shop());
    Played p = play_fake(three_calls);
    CHECK(p.record["transcript"][1]["tool_calls"].size() == 3);
    CHECK(p.record["usage"]["tool_calls"] == 3);
    CHECK(p.record["warnings"].empty());
    CHECK(p.record["score"]["goal_met"] == true);
  }
}

TEST_CASE("tau tools: bad loop settings are script errors at the scenario's line") {
  TempDir dir;
  const char* bad[] = {"max_steps = 0,", "max_steps = -3,", "max_steps = 2.5,", "max_steps = '30',",
                       "tool_calls_per_message = 0,", "tool_calls_per_message = true,", "max_steps = 1e9,",
                       "record_state = 'no',", "record_state = 0,", "stop_tools = 'cancel_order',",
                       "stop_tools = { 'nope' },", "stop_tools = { 3 },"};
  for (const char* b : bad) {
    CAPTURE(b);
    write_file("s.lua", shop(b));
    auto s = persona::Session::open("s.lua", {});
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().kind == ErrorKind::script);
    const std::string& m = s.error().message;
    CHECK(m.rfind("s.lua:", 0) == 0);
    std::string key = std::string(b).substr(0, std::string(b).find(' '));
    CHECK(m.find(key) != std::string::npos);
  }
  write_file("s.lua", shop("max_steps = 30, tool_calls_per_message = 1, record_state = false, stop_tools = { 'ping' },"));
  auto ok = persona::Session::open("s.lua", {});
  REQUIRE(ok.ok());
  CHECK((*ok)->info().max_steps == 30);
  CHECK((*ok)->info().tool_calls_per_message == 1);
  CHECK((*ok)->info().record_state == false);
  CHECK((*ok)->info().stop_tools == std::vector<std::string>{"ping"});
}

TEST_CASE("tau tools: a call to one of stop_tools ends the conversation (tool_stop), as tau's terminate tools") {
  TempDir dir;
  // The agent looks the order up, then cancels it, then would talk on: the cancel ends it.
  auto agent = [](const agent::Request& req) -> Result<agent::Reply> {
    agent::Reply r;
    size_t tools = 0;
    for (const auto& m : req.messages) tools += m.role == "tool";
    if (tools == 0) r.tool_calls.push_back(call("c1", "get_order"));
    else if (tools == 1) r.tool_calls.push_back(call("c2", "cancel_order"));
    else r.text = "Anything else?";
    return r;
  };
  SUBCASE("ended tool_stop after the call ran; the persona is not resumed; spar score agrees") {
    write_file("s.lua", shop("stop_tools = { 'cancel_order' },"));
    Played p = play_fake(agent);
    CHECK(p.record["ended"] == "tool_stop");
    CHECK(p.requests.size() == 2);
    CHECK(p.record["turns"] == 1);
    const json& t = p.record["transcript"];
    CHECK(t.back()["role"] == "tool");
    CHECK(t.back()["name"] == "cancel_order");
    CHECK(p.record["score"]["goal_met"] == true);  // the cancel ran before the end
    CHECK(rescore(p.record)["score"] == p.record["score"]);
  }
  SUBCASE("without stop_tools the same agent talks on") {
    write_file("s.lua", shop());
    Played p = play_fake(agent);
    CHECK(p.record["ended"] == "persona_done");
    CHECK(p.requests.size() > 2);
  }
  SUBCASE("it wins over max_steps reached by the same message") {
    write_file("s.lua", shop("stop_tools = { 'cancel_order' }, max_steps = 2,"));
    CHECK(play_fake(agent).record["ended"] == "tool_stop");
  }
}
