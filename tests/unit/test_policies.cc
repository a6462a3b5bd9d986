// Policy helpers: each one fires on the action it forbids and stays quiet otherwise.
#include <doctest/doctest.h>

#include "agent/fake.h"
#include "conversation/conversation.h"
#include "persona/runtime.h"
#include "support.h"
#include "scored.h"

using namespace spar;
using json = nlohmann::json;
using spar::test::TempDir;
using spar::test::write_file;

namespace {

std::unique_ptr<persona::Session> with_policies(const std::string& policies) {
  write_file("s.lua", "return scenario { persona = persona { run = function(u) end },\n"
                      "  state = { limit = 50 },\n"
                      "  policies = {\n" + policies + "\n  } }\n");
  persona::Options options;
  options.keep_problems = true;  // the policies name tools these scenarios do not declare
  auto s = persona::Session::open("s.lua", options);
  if (!s.ok()) FAIL(s.error().message);
  return std::move(s).value();
}

json call(const std::string& tool, json args = json::object(), json calls = json::array(),
          const std::string& last_agent = "", const std::string& last_user = "") {
  return {{"turn", 4}, {"kind", "tool_call"}, {"tool", tool}, {"args", args}, {"calls", calls},
          {"last_agent", last_agent}, {"last_user", last_user}};
}

json text(const std::string& t) {
  return {{"turn", 4}, {"kind", "text"}, {"text", t}, {"calls", json::array()}, {"last_agent", ""}, {"last_user", ""}};
}

json violations(persona::Session& s, const json& ctx) { return s.check_policies(ctx)["violations"]; }

}  // namespace

TEST_CASE("require_before fires when the prerequisite has not succeeded") {
  TempDir dir;
  auto s = with_policies("require_before('refund', 'verify_identity')");
  json v = violations(*s, call("refund"));
  REQUIRE(v.size() == 1);
  CHECK(v[0] == json::parse(R"j({"rule":"require_before(refund, verify_identity)","severity":"major",
                                "evidence":"refund was called before verify_identity succeeded"})j"));
  json failed = json::array({{{"name", "verify_identity"}, {"ok", false}}});
  CHECK(violations(*s, call("refund", {}, failed)).size() == 1);  // a failed verification does not count
  json passed = json::array({{{"name", "verify_identity"}, {"ok", true}}});
  CHECK(violations(*s, call("refund", {}, passed)).empty());
  CHECK(violations(*s, call("lookup_order")).empty());  // other tools are not concerned
  CHECK(violations(*s, text("refund done")).empty());
}

TEST_CASE("forbid_tool fires when its condition holds, or always without one") {
  TempDir dir;
  auto s = with_policies("forbid_tool('delete_account', { severity = 'critical' }),\n"
                         "forbid_tool('refund', function(ctx) return ctx.args.amount > ctx.state.limit end)");
  json v = violations(*s, call("delete_account"));
  REQUIRE(v.size() == 1);
  CHECK(v[0]["severity"] == "critical");
  CHECK(violations(*s, call("refund", {{"amount", 80}})).size() == 1);
  CHECK(violations(*s, call("refund", {{"amount", 20}})).empty());
  CHECK(violations(*s, call("lookup")).empty());
}

TEST_CASE("forbid_text fires on a matching reply and quotes it") {
  TempDir dir;
  auto s = with_policies("forbid_text('%d%d%d%d[ -]?%d%d%d%d[ -]?%d%d%d%d[ -]?%d%d%d%d', 'never echo card numbers')");
  json v = violations(*s, text("Your card 4111 1111 1111 1111 is blocked."));
  REQUIRE(v.size() == 1);
  CHECK(v[0] == json::parse(R"j({"rule":"never echo card numbers","severity":"critical",
                                "evidence":"the reply contains '4111 1111 1111 1111'"})j"));
  CHECK(violations(*s, text("Your card ending 1111 is blocked.")).empty());
  CHECK(violations(*s, call("block_card")).empty());
}

TEST_CASE("require_confirmation fires without a question and a yes") {
  TempDir dir;
  auto s = with_policies("require_confirmation('cancel_order')");
  CHECK(violations(*s, call("cancel_order", {}, json::array(), "Shall I cancel order 4471?", "Yes, go ahead."))
            .empty());
  json v = violations(*s, call("cancel_order", {}, json::array(), "I will cancel it now.", "ok"));
  REQUIRE(v.size() == 1);
  CHECK(v[0]["evidence"] == "cancel_order was called without asking the user to confirm");
  v = violations(*s, call("cancel_order", {}, json::array(), "Shall I cancel order 4471?", "No, that's not correct."));
  REQUIRE(v.size() == 1);
  CHECK(v[0]["evidence"] == "cancel_order was called without a clear yes from the user");
  CHECK(violations(*s, call("cancel_order", {}, json::array(), "Shall I?", "Wait, which order?")).size() == 1);
  // Phrases that contain a yes-word without saying yes.
  for (const char* not_yes : {"Just to be sure you have it right: my zip is 19122.", "Make sure it's the right one.",
                              "I'm not sure.", "Are you sure that's ok?"}) {
    CAPTURE(not_yes);
    CHECK(violations(*s, call("cancel_order", {}, json::array(), "Shall I cancel order 4471?", not_yes)).size() == 1);
  }
  CHECK(violations(*s, call("lookup_order", {}, json::array(), "", "")).empty());
}

TEST_CASE("max_value fires above the limit only") {
  TempDir dir;
  auto s = with_policies("max_value('issue_refund', 'amount', 100)");
  json v = violations(*s, call("issue_refund", {{"amount", 150.5}}));
  REQUIRE(v.size() == 1);
  CHECK(v[0] == json::parse(R"j({"rule":"max_value(issue_refund, amount, 100)","severity":"critical",
                                "evidence":"amount = 150.5 is above 100"})j"));
  CHECK(violations(*s, call("issue_refund", {{"amount", "250"}})).size() == 1);  // numeric strings count
  CHECK(violations(*s, call("issue_refund", {{"amount", 100}})).empty());
  CHECK(violations(*s, call("issue_refund", json::object())).empty());
}

TEST_CASE("rule: a custom check with evidence and severity; a broken rule is an error, not a crash") {
  TempDir dir;
  auto s = with_policies(
      "rule('no refunds on turn 4', function(ctx) if ctx.tool == 'refund' and ctx.turn == 4 then return false, 'turn 4' end end,"
      " { severity = 'minor' }),\n"
      "rule('broken', function(ctx) return ctx.nothing.here end)");
  json out = s->check_policies(call("refund"));
  REQUIRE(out["violations"].size() == 1);
  CHECK(out["violations"][0] == json::parse(R"j({"rule":"no refunds on turn 4","severity":"minor","evidence":"turn 4"})j"));
  REQUIRE(out["errors"].size() == 1);
  CHECK(out["errors"][0]["message"] == "s.lua:5: attempt to index a nil value (field 'nothing')");
  CHECK(s->check_policies(call("lookup"))["violations"].empty());
}

TEST_CASE("policy declarations are checked when the scenario loads") {
  TempDir dir;
  auto bad = [](const std::string& policies) {
    write_file("s.lua", "return scenario { persona = persona { run = function(u) end },\n  policies = {\n    " +
                            policies + "\n  } }\n");
    persona::Options options;
  options.keep_problems = true;  // the policies name tools these scenarios do not declare
  auto s = persona::Session::open("s.lua", options);
    return s.ok() ? std::string("loaded") : s.error().message;
  };
  CHECK(bad("require_before('a')") == "s.lua:3: require_before: prerequisite must be a non-empty string");
  CHECK(bad("max_value('a', 'b', 'lots')") == "s.lua:3: max_value: limit must be a number");
  CHECK(bad("forbid_text('[', 'x')").rfind("s.lua:3: forbid_text: bad pattern: ", 0) == 0);
  CHECK(bad("require_confirmation('a', { severity = 'huge' })") ==
        "s.lua:3: require_confirmation(a): severity must be critical, major or minor, got 'huge'");
  CHECK(bad("'not a policy'") ==
        "s.lua:1: scenario: policies[1] is not a policy (use require_before, forbid_tool, forbid_text, "
        "require_confirmation, max_value or rule)");
}

TEST_CASE("conversation: violations are recorded with turn and action; a critical one fails the pass") {
  TempDir dir;
  write_file("s.lua", R"(return scenario {
  state = { done = false },
  tools = { refund = { parameters = { type = "object", properties = { amount = { type = "number" } } },
                       run = function(state, args) state.done = true return { ok = true } end } },
  policies = { require_confirmation("refund"), max_value("refund", "amount", 100),
               forbid_text("secret", "never say secret", { severity = "minor" }) },
  goal = function(state) return state.done end,
  persona = persona { run = function(u) u:say("refund me 500 please") u:say("thanks") end },
})");
  agent::Loop loop;
  int n = 0;
  agent::FakeAgent fake(loop, [&](const agent::Request& req) -> Result<agent::Reply> {
    agent::Reply r;
    if (++n == 1) r.tool_calls.push_back({"c1", "refund", R"({"amount": 500})"});
    else r.text = req.messages.back().role == "tool" ? "Refunded. The secret is out." : "Bye.";
    return r;
  });
  json rec;
  conversation::Conversation conv({"s.lua", "t", 1, 1}, {}, fake, [&](record::Record r, json j) { rec = test::scored(std::move(r), j, "s.lua"); });
  loop.post([&] { conv.start(); });
  loop.run();
  REQUIRE(rec["score"]["violations"].size() == 3);
  CHECK(rec["score"]["violations"][0]["rule"] == "require_confirmation(refund)");
  CHECK(rec["score"]["violations"][0]["turn"] == 1);
  CHECK(rec["score"]["violations"][0]["action"] == "tool_call");
  CHECK(rec["score"]["violations"][0]["tool"] == "refund");
  CHECK(rec["score"]["violations"][1]["rule"] == "max_value(refund, amount, 100)");
  CHECK(rec["score"]["violations"][2]["rule"] == "never say secret");
  CHECK(rec["score"]["violations"][2]["action"] == "text");
  CHECK(rec["score"]["goal_met"] == true);
  CHECK(rec["score"]["pass"] == false);  // the goal was met, but with a critical violation
}
