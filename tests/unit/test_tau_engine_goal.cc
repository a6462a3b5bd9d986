// goal(state, run): the goal sees how the conversation ended, what the agent said and which tools
// it called (tau's required outputs and actions), rebuilt from the record, so `spar score` gives
// the live verdict.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "agent/fake.h"
#include "conversation/checks.h"
#include "conversation/conversation.h"
#include "report/results.h"
#include "run/rescore.h"
#include "scored.h"
#include "support.h"

using namespace spar;
using namespace spar::test;
using json = nlohmann::json;

namespace {

// The agent cancels order 7 (a tool call), then says "Your order is cancelled." and "Bye.".
std::string scenario(const std::string& goal) {
  return R"(return scenario {
  id = "shop/cancel",
  state = { cancelled = false },
  tools = { cancel_order = { parameters = { type = "object", properties = { id = { type = "number" } } },
                             run = function(state, args) state.cancelled = true return { ok = true } end } },
  goal = )" + goal + R"(,
  persona = persona { run = function(u) u:say("cancel order 7") u:say("thanks") end },
})";
}

std::string play(const std::string& path) {
  agent::Loop loop;
  int n = 0;
  agent::FakeAgent fake(loop, [&](const agent::Request& req) -> Result<agent::Reply> {
    agent::Reply r;
    if (++n == 1) r.tool_calls.push_back({"c1", "cancel_order", R"({"id": 7})"});
    else r.text = req.messages.back().role == "tool" ? "Your order is cancelled." : "Bye.";
    return r;
  });
  std::string line;
  conversation::Conversation conv({path, "shop/cancel", 1, 1}, {}, fake,
                                  [&](record::Record r, json j) { line = report::to_line(scored(std::move(r), j, path)); });
  loop.post([&] { conv.start(); });
  loop.run();
  return line;
}

json rescored(const std::string& line) {
  write_file("run/results.jsonl", line + "\n");
  run::RescoreOptions o;
  o.input = "run";
  o.out = "again";
  auto done = run::rescore(o);
  REQUIRE(done.ok());
  auto read = report::read_results("again/results.jsonl");
  REQUIRE(read.ok());
  REQUIRE(read->records.size() == 1);
  return read->records[0];
}

}  // namespace

TEST_CASE("goal run: the goal sees ended, turns, the replies in order and the calls") {
  TempDir dir;
  write_file("s.lua", scenario(R"(function(state, run)
    return run.ended == "persona_done" and run.turns == 2 and #run.replies == 2
       and run.replies[1] == "Your order is cancelled." and run.replies[2] == "Bye."
       and #run.calls == 1 and run.calls[1].name == "cancel_order" and run.calls[1].arguments.id == 7
       and run.calls[1].turn == 1 and run.calls[1].error == false
  end)"));
  std::string live = play("s.lua");
  json rec = json::parse(live);
  CHECK(rec["score"]["goal_met"] == true);
  CHECK(rec["score"]["pass"] == true);
  json again = rescored(live);
  CHECK(again["score"] == rec["score"]);
}

TEST_CASE("goal run: a required output the agent never said fails the goal, live and re-scored alike") {
  TempDir dir;
  write_file("s.lua", scenario(R"(function(state, run)
    for _, r in ipairs(run.replies) do if r:find("refund", 1, true) then return true end end
    return false
  end)"));
  std::string live = play("s.lua");
  json rec = json::parse(live);
  CHECK(rec["score"]["goal_met"] == false);
  CHECK(rescored(live)["score"] == rec["score"]);
}

TEST_CASE("goal run: a goal(state) keeps working") {
  TempDir dir;
  write_file("s.lua", scenario("function(state) return state.cancelled end"));
  CHECK(json::parse(play("s.lua"))["score"]["goal_met"] == true);
}

TEST_CASE("goal run: run is read-only, and a goal that writes it is a script error naming its line") {
  TempDir dir;
  write_file("s.lua", scenario("function(state, run)\n    run.ended = \"x\"\n    return true\n  end"));
  json rec = json::parse(play("s.lua"));
  CHECK(rec["ended"] == "script_error");
  std::string msg = rec["error"]["message"];
  CHECK(msg.find("s.lua:7:") != std::string::npos);
  CHECK(msg.find("read-only") != std::string::npos);

  write_file("t.lua", scenario("function(state, run)\n    rawset(run.calls[1], \"name\", \"x\")\n    return true\n  end"));
  json raw = json::parse(play("t.lua"));
  CHECK(raw["ended"] == "script_error");
  CHECK(std::string(raw["error"]["message"]).find("t.lua:7:") != std::string::npos);
}

TEST_CASE("goal evidence: a goal that returns false and why records the why, live and re-scored alike") {
  TempDir dir;
  write_file("s.lua", scenario(R"(function(state, run)
    return false, "orders[\"#W1\"].status: \"pending\", gold \"cancelled\""
  end)"));
  std::string live = play("s.lua");
  json rec = json::parse(live);
  CHECK(rec["score"]["goal_met"] == false);
  CHECK(rec["score"]["goal_evidence"] == R"(orders["#W1"].status: "pending", gold "cancelled")");
  CHECK(rescored(live)["score"] == rec["score"]);

  // A met goal keeps no evidence whatever it returns second; a non-string why is ignored.
  write_file("t.lua", scenario(R"(function(state, run) return true, "ignored" end)"));
  json met = json::parse(play("t.lua"));
  CHECK(met["score"]["goal_met"] == true);
  CHECK_FALSE(met["score"].contains("goal_evidence"));
  write_file("u.lua", scenario(R"(function(state, run) return false, 42 end)"));
  json plain = json::parse(play("u.lua"));
  CHECK(plain["score"]["goal_met"] == false);
  CHECK_FALSE(plain["score"].contains("goal_evidence"));

  // The why is cut like every script message, so a goal cannot flood the record.
  write_file("v.lua", scenario(R"(function(state, run) return false, string.rep("x", 100000) end)"));
  json big = json::parse(play("v.lua"));
  CHECK(std::string(big["score"]["goal_evidence"]).size() < 5000);
}
