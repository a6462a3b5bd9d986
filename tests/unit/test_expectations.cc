// r:expect{}: the matcher both ways (base/expect.h), the verdicts score/ draws from a transcript,
// and the whole path from a persona's r:expect to score.expectations through a real Conversation.
#include <doctest/doctest.h>

#include <string>

#include "agent/fake.h"
#include "base/expect.h"
#include "conversation/conversation.h"
#include "record/record.h"
#include "score/expectations.h"
#include "support.h"
#include "scored.h"

using namespace spar;
using json = nlohmann::json;
using spar::test::TempDir;
using spar::test::write_file;

namespace {

json calls(std::initializer_list<std::pair<const char*, const char*>> list) {
  json out = json::array();
  for (auto [name, args] : list) out.push_back({{"name", name}, {"arguments", args}});
  return out;
}

bool met(const char* spec, std::string_view text, const json& c = json::array()) {
  return expect_check(json::parse(spec), text, c).met;
}

}  // namespace

TEST_CASE("expect: contains is a case-insensitive substring, every word of the list") {
  CHECK(met(R"({"contains":["4471"]})", "Order 4471 is on its way."));
  CHECK(met(R"({"contains":["ORDER 4471","way"]})", "order 4471 is on its way."));
  CHECK_FALSE(met(R"({"contains":["4471"]})", "Order 4417 is on its way."));
  CHECK_FALSE(met(R"({"contains":["4471","refund"]})", "Order 4471 is on its way."));
  ExpectOutcome o = expect_check(json::parse(R"({"contains":["4471"]})"), "Order 4417 is on its way.", json::array());
  CHECK(o.message == R"(expected the reply to contain "4471"; it said: "Order 4417 is on its way.")");
}

TEST_CASE("expect: not_contains fails on any of its words, case-insensitively") {
  CHECK(met(R"({"not_contains":["4417"]})", "Order 4471 is on its way."));
  CHECK_FALSE(met(R"({"not_contains":["refund","ON ITS WAY"]})", "Order 4471 is on its way."));
  ExpectOutcome o = expect_check(json::parse(R"({"not_contains":["way"]})"), "on its way", json::array());
  CHECK(o.message == R"(expected the reply not to contain "way"; it said: "on its way")");
}

TEST_CASE("expect: matches is an ECMAScript search, case-sensitive; bad or exponential patterns are refused") {
  CHECK(met(R"({"matches":"\\b44[0-9]{2}\\b"})", "order 4471."));
  CHECK_FALSE(met(R"({"matches":"\\b44[0-9]{2}\\b"})", "order 44710."));
  CHECK_FALSE(met(R"({"matches":"Order"})", "order 4471"));
  CHECK(expect_regex_problem("(a+)+b").empty());
  CHECK(expect_regex_problem("([a-z").find("not an ECMAScript regular expression") != std::string::npos);
  CHECK(expect_regex_problem("(a)\\1").find("not an ECMAScript regular expression") != std::string::npos);  // back-reference
  CHECK(expect_regex_problem(std::string(kExpectRegexBytes + 1, 'a')).find("longer than 256 bytes") != std::string::npos);
  ExpectOutcome bad = expect_check(json::parse(R"({"matches":"([a-z"})"), "x", json::array());
  CHECK_FALSE(bad.met);
  // A long text is walked once (polynomial mode), not recursed through per character.
  std::string big(kExpectRegexTextBytes * 4, 'a');
  CHECK_FALSE(met(R"({"matches":"(a+)+b"})", big));
  CHECK(expect_check(json::parse(R"({"matches":"b"})"), big, json::array()).message.find("first 32768 bytes") != std::string::npos);
  // Bounded repetitions multiply the states a walk carries: a pattern that expands past the
  // limit is refused before it runs; one inside it is fine.
  CHECK(expect_regex_problem("(.{1000}){90}").find("repeats too much") != std::string::npos);
  CHECK(expect_regex_problem("[a-z]{20}(x{10}){50}").find("repeats too much") != std::string::npos);
  CHECK(expect_regex_problem("(.{20}){20}b").empty());
  CHECK(expect_regex_problem("[{]{3}\\{5}").empty());
  // The search wraps the pattern; a pattern that is not one on its own cannot break out of it.
  CHECK(expect_regex_problem("a)|(b").find("not an ECMAScript regular expression") != std::string::npos);
  CHECK(met(R"({"matches":"^order"})", "order 4471"));
  CHECK_FALSE(met(R"({"matches":"^4471"})", "order 4471"));
  CHECK(met(R"({"matches":"4471$"})", "order 4471"));
}

TEST_CASE("expect: called and args look at the turn's tool calls") {
  json c = calls({{"lookup_order", R"({"order_id":"4417"})"}, {"start_return", R"({"order_id":4471,"items":["mug"],"refund":{"to":"card"}})"}});
  CHECK(met(R"({"called":"lookup_order"})", "", c));
  CHECK_FALSE(met(R"({"called":"cancel_order"})", "", c));
  CHECK_FALSE(met(R"({"called":"cancel_order"})", "", json::array()));
  // Scalars compare as text ("4471" == 4471); tables as JSON.
  CHECK(met(R"({"args":{"order_id":"4471"}})", "", c));
  CHECK(met(R"({"called":"start_return","args":{"order_id":4471.0,"items":["mug"],"refund":{"to":"card"}}})", "", c));
  CHECK_FALSE(met(R"({"called":"lookup_order","args":{"order_id":"4471"}})", "", c));  // 4471 went to another tool
  CHECK_FALSE(met(R"({"args":{"order_id":"4471","items":["cup"]}})", "", c));
  CHECK_FALSE(met(R"({"args":{"missing":"x"}})", "", c));
  CHECK_FALSE(met(R"({"args":{"order_id":"4471"}})", "", calls({{"start_return", "not json"}})));
  ExpectOutcome o = expect_check(json::parse(R"({"called":"cancel_order"})"), "", c);
  CHECK(o.message.rfind("expected a call to cancel_order; its tool calls: lookup_order {\"order_id\":\"4417\"}", 0) == 0);
  CHECK(expect_check(json::parse(R"({"called":"x"})"), "", json::array()).message == "expected a call to x; it called no tool");
}

TEST_CASE("score_expectations: all the agent's text and calls of the turn, a message naming turn and line") {
  json transcript = json::parse(R"([
    {"turn":1,"role":"user","content":"where is 4471?"},
    {"turn":1,"role":"assistant","content":"Let me look that up.","tool_calls":[{"id":"c1","name":"lookup_order","arguments":"{\"order_id\":\"4471\"}"}]},
    {"turn":1,"role":"tool","tool_call_id":"c1","name":"lookup_order","content":"{}"},
    {"turn":1,"role":"assistant","content":"It ships tomorrow."},
    {"turn":2,"role":"user","content":"thanks"},
    {"turn":2,"role":"assistant","content":"You're welcome, order 4471."}])");
  CHECK(score::agent_text_of_turn(transcript, 1) == "Let me look that up.\nIt ships tomorrow.");
  json x = json::parse(R"([{"turn":1,"line":"p.lua:7","contains":["look that up","tomorrow"],"called":"lookup_order","args":{"order_id":"4471"}},
                           {"turn":2,"line":"p.lua:9","called":"lookup_order"},
                           {"turn":1,"not_contains":["4471"]}])");
  json v = score::score_expectations(transcript, x);
  REQUIRE(v.size() == 3);
  CHECK(v[0]["met"] == true);
  CHECK(v[0]["message"].get<std::string>().rfind("turn 1 (p.lua:7): met: ", 0) == 0);
  CHECK(v[1]["met"] == false);
  CHECK(v[1]["message"] == "turn 2 (p.lua:9): expected a call to lookup_order; it called no tool");
  CHECK(v[2]["met"] == true);  // 4471 was only in the tool call, not in the text
}

namespace {

const char* kScenario = R"(return scenario {
  id = "retail/where",
  facts = { order = "4471" },
  state = { looked = false },
  tools = {
    lookup_order = {
      description = "Look an order up.",
      parameters = { type = "object", properties = { order_id = { type = "string" } }, required = { "order_id" } },
      run = function(state, args) state.looked = true; return { status = "shipped" } end,
    },
  },
  goal = function(state) return state.looked end,
  max_turns = 6,
  persona = persona { run = function(u, facts)
    local r = u:say("Where is order " .. facts.order .. "?")
BODY
  end },
}
)";

// An agent that looks the order up on the first message, then says where it is.
Result<agent::Reply> where_agent(const agent::Request& req) {
  agent::Reply r;
  if (req.messages.back().role == "user" && req.messages.back().content.find("Where is") != std::string::npos) {
    r.tool_calls.push_back({"c1", "lookup_order", R"({"order_id":"4471"})"});
    r.text = "Checking.";
  } else {
    r.text = "Order 4471 has shipped.";
  }
  return r;
}

json run_with(const std::string& body) {
  std::string s = kScenario;
  s.replace(s.find("BODY\n"), 5, body);
  write_file("s.lua", s);
  agent::Loop loop;
  agent::FakeAgent fake(loop, where_agent);
  json record;
  conversation::Conversation conv({"s.lua", "retail/where", 1, 7}, {}, fake,
                                  [&](record::Record r, json j) { record = test::scored(std::move(r), j, "s.lua"); });
  loop.post([&] { conv.start(); });
  loop.run();
  return record;
}

std::vector<std::string> user_texts(const json& rec) {
  std::vector<std::string> out;
  for (const auto& m : rec["transcript"]) {
    if (m["role"] == "user") out.push_back(m["content"]);
  }
  return out;
}

}  // namespace

TEST_CASE("r:expect: recorded with turn and line, returned to the persona, a failed one fails the conversation") {
  TempDir dir;
  json rec = run_with(
      "    local a = r:expect{ contains = { 'checking', 'SHIPPED' }, called = 'lookup_order', args = { order_id = 4471 } }\n"
      "    local b = r:expect{ not_contains = 'shipped' }\n"
      "    u:say(tostring(a) .. ' ' .. tostring(b))\n");
  REQUIRE(rec["error"].is_null());
  CHECK(rec["expectations"] == json::parse(R"([
    {"turn":1,"line":"s.lua:16","contains":["checking","SHIPPED"],"called":"lookup_order","args":{"order_id":4471}},
    {"turn":1,"line":"s.lua:17","not_contains":["shipped"]}])"));
  CHECK(user_texts(rec).back() == "true false");  // the persona saw the same verdicts
  const json& s = rec["score"];
  CHECK(s["goal_met"] == true);
  CHECK(s["pass"] == false);
  CHECK(s["decided_by"] == "expectation");
  REQUIRE(s["expectations"].size() == 2);
  CHECK(s["expectations"][0]["met"] == true);
  CHECK(s["expectations"][1] ==
        json{{"met", false},
             {"message", "turn 1 (s.lua:17): expected the reply not to contain \"shipped\"; it said: \"Checking.\\nOrder 4471 has shipped.\""}});
}

TEST_CASE("r:expect: every expectation met leaves the verdict to the goal; an expectation made at the end is kept") {
  TempDir dir;
  json rec = run_with("    r:expect{ matches = '^Checking\\\\.' }\n    r = u:say('ok')\n    r:expect{ contains = '4471' }\n");
  REQUIRE(rec["error"].is_null());
  REQUIRE(rec["expectations"].size() == 2);
  CHECK(rec["expectations"][1]["turn"] == 2);
  CHECK(rec["score"]["pass"] == true);
  CHECK(rec["score"]["decided_by"] == "goal");
  // Without any r:expect, the record has no expectations and the score an empty list.
  json plain = run_with("");
  CHECK_FALSE(plain.contains("expectations"));
  CHECK(plain["score"]["expectations"] == json::array());
}

TEST_CASE("r:expect: a bad spec is a script error naming the persona's line") {
  TempDir dir;
  struct Case {
    const char* body;
    const char* message;
  } cases[] = {
      {"    r:expect{ contain = 'x' }\n", "s.lua:16: expect: unknown field 'contain'"},
      {"    r:expect{ contains = { 'x', {} } }\n", "s.lua:16: expect: contains must be a string or a non-empty list of strings"},
      {"    r:expect{ called = 3 }\n", "s.lua:16: expect: called must be a non-empty string"},
      {"    r:expect{ args = { 'x' } }\n", "s.lua:16: expect: args must be a table of argument values"},
      {"    r:expect{}\n", "s.lua:16: expect: expected at least one of contains, not_contains, matches, called, args"},
      {"    r:expect('x')\n", "s.lua:16: expect: expected a table argument"},
      {"    u:say('x')\n    r:expect{ matches = '([a-z' }\n", "s.lua:17: matches: not an ECMAScript regular expression"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body);
    json rec = run_with(c.body);
    CHECK(rec["ended"] == "script_error");
    CHECK(rec["error"]["kind"] == "script");
    CHECK(rec["error"]["message"].get<std::string>().rfind(c.message, 0) == 0);
  }
}

TEST_CASE("r:expect: a persona cannot pile up observations without bound") {
  TempDir dir;
  json rec = run_with("    for i = 1, 300 do r:expect{ contains = 'x' } end\n");
  CHECK(rec["ended"] == "script_error");
  CHECK(rec["error"]["message"] == "s.lua:16: expect: more than 256 expectations in one conversation");
}

TEST_CASE("record: expectations round-trip; a malformed list is refused") {
  json j = json::parse(R"({"schema_version":1,"run_id":"r","scenario":"s","ended":"persona_done","turns":1,
                          "expectations":[{"turn":1,"contains":["x"]}]})");
  record::Record r = j.get<record::Record>();
  CHECK(json(r)["expectations"] == j["expectations"]);
  j["expectations"] = json::array({1});
  CHECK_THROWS(j.get<record::Record>());
}
