// Re-scoring recorded conversations (run/rescore.h): the verdicts come from the observations
// alone, so a changed scenario or scorer option changes them and nothing else.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "agent/fake.h"
#include "conversation/conversation.h"
#include "report/results.h"
#include "run/rescore.h"
#include "scored.h"
#include "support.h"

using namespace spar;
using namespace spar::test;
using json = nlohmann::json;

namespace {

// A refund the agent makes without asking: a major violation of require_confirmation, the goal met.
std::string scenario(const std::string& severity, const std::string& goal) {
  return R"(return scenario {
  id = "shop/refund",
  state = { done = false, amount = 0 },
  tools = { refund = { parameters = { type = "object", properties = { amount = { type = "number" } } },
                       run = function(state, args) state.done = true state.amount = args.amount return { ok = true } end } },
  policies = { require_confirmation("refund", { severity = ")" + severity + R"(" }) },
  goal = function(state) return )" + goal + R"( end,
  persona = persona { run = function(u) u:say("refund me 50 please") u:say("thanks") end },
})";
}

record::Record play(std::string* live_line) {
  agent::Loop loop;
  int n = 0;
  agent::FakeAgent fake(loop, [&](const agent::Request& req) -> Result<agent::Reply> {
    agent::Reply r;
    if (++n == 1) r.tool_calls.push_back({"c1", "refund", R"({"amount": 50})"});
    else r.text = req.messages.back().role == "tool" ? "Refunded 50." : "Bye.";
    return r;
  });
  record::Record out;
  conversation::Conversation conv({"s.lua", "shop/refund", 1, 1}, {}, fake, [&](record::Record r, json j) {
    out = r;
    *live_line = report::to_line(scored(std::move(r), j, "s.lua"));
  });
  loop.post([&] { conv.start(); });
  loop.run();
  return out;
}

run::RescoreOptions options_for(const std::string& input) {
  run::RescoreOptions o;
  o.input = input;
  return o;
}

json first_record(const std::string& path) {
  auto read = report::read_results(path);
  REQUIRE(read.ok());
  REQUIRE(read->records.size() == 1);
  return read->records[0];
}

}  // namespace

TEST_CASE("rescore: the conversation hands over observations only") {
  TempDir dir;
  write_file("s.lua", scenario("major", "state.done"));
  std::string line;
  record::Record r = play(&line);
  CHECK_FALSE(r.score.has_value());
  json observed = r;
  for (const char* verdict : {"pass", "goal_met", "violations", "checkpoints", "status", "end_reason"}) {
    CHECK_FALSE(observed.contains(verdict));
  }
  for (const auto& e : observed["events"]) CHECK_FALSE(e.contains("recovered"));
  CHECK(observed["ended"] == "persona_done");
  CHECK(observed["scenario_path"] == "s.lua");
  CHECK(observed["final_state"]["amount"] == 50);
}

TEST_CASE("rescore: spar score gives the live verdicts byte for byte, and a changed scenario changes them") {
  TempDir dir;
  write_file("s.lua", scenario("minor", "state.done"));
  std::string live;
  play(&live);
  json rec = json::parse(live);
  CHECK(rec["score"]["pass"] == true);  // a minor violation does not fail the pass (a major one does: test_aggregates.cc)
  REQUIRE(rec["score"]["violations"].size() == 1);
  CHECK(rec["score"]["violations"][0]["severity"] == "minor");
  CHECK(rec["score"]["violations"][0]["turn"] == 1);
  CHECK(rec["score"]["decided_by"] == "goal");
  write_file("run/results.jsonl", live + "\n");

  // Same scenario, same options: the same line.
  auto same = run::rescore(options_for("run"));
  REQUIRE(same.ok());
  CHECK(same->notes.empty());
  std::ifstream in("run/results.jsonl");
  std::string back;
  std::getline(in, back);
  CHECK(back == live);

  // The policy made critical: the pass fails on re-score, from the same observations.
  write_file("critical.lua", scenario("critical", "state.done"));
  auto o = options_for("run");
  o.setup.scenario = "critical.lua";
  o.out = "critical";
  REQUIRE(run::rescore(o).ok());
  json critical = first_record("critical/results.jsonl");
  CHECK(critical["score"]["pass"] == false);
  CHECK(critical["score"]["violations"][0]["severity"] == "critical");
  CHECK(critical["score"]["scorer"]["options"]["scenario"] == "critical.lua");
  json observed = critical, before = rec;
  observed.erase("score");
  before.erase("score");
  CHECK(observed == before);

  // The goal changed (the replayed state is checked): the refund was 50, not 80.
  write_file("goal.lua", scenario("minor", "state.amount == 80"));
  o.setup.scenario = "goal.lua";
  o.out = "goal";
  REQUIRE(run::rescore(o).ok());
  json goal = first_record("goal/results.jsonl");
  CHECK(goal["score"]["goal_met"] == false);
  CHECK(goal["score"]["pass"] == false);
  CHECK(goal["score"]["warnings"].empty());  // same tools: the replay rebuilt the recorded state

  // A changed tool rebuilds another state than the one recorded: said, and the goal is checked
  // on the replayed state.
  std::string doubled = scenario("minor", "state.amount == 100");
  doubled.replace(doubled.find("state.amount = args.amount"), 26, "state.amount = args.amount * 2");
  write_file("tool.lua", doubled);
  o.setup.scenario = "tool.lua";
  o.out = "tool";
  REQUIRE(run::rescore(o).ok());
  json tool = first_record("tool/results.jsonl");
  CHECK(tool["score"]["goal_met"] == true);
  REQUIRE(tool["score"]["warnings"].size() == 1);
  CHECK(tool["score"]["warnings"][0]["kind"] == "state_replay");
}

TEST_CASE("rescore: without its scenario a record keeps its Lua verdicts, and scorer options still apply") {
  TempDir dir;
  write_file("s.lua", scenario("minor", "state.done"));
  std::string live;
  play(&live);
  std::filesystem::remove("s.lua");
  write_file("run/results.jsonl", live + "\n");
  auto o = options_for("run");
  o.setup.options.checkpoints = std::vector<int>{1};
  auto done = run::rescore(o);
  REQUIRE(done.ok());
  REQUIRE(done->notes.size() == 1);
  CHECK(done->notes[0] == "run/results.jsonl:1: shop/refund #1: no scenario file: the goal and policy verdicts of its "
                          "earlier score are kept");
  json r = first_record("run/results.jsonl");
  CHECK(r["score"]["pass"] == true);
  CHECK(r["score"]["violations"].size() == 1);
  CHECK(r["score"]["checkpoints"].size() == 1);
  CHECK(r["score"]["checkpoints"]["1"]["policy"] == doctest::Approx(0.9));
  CHECK(r["score"]["scorer"]["options"]["checkpoints"] == json::array({1}));
}

TEST_CASE("rescore: a label decides an import with no scenario; nothing at all leaves it unscored") {
  record::Record imported;
  imported.scenario = "tau-bench/airline/task-1";
  imported.ended = record::ended::kImported;
  imported.label = json{{"source", "tau-bench"}, {"reward", 1.0}, {"pass", true}};
  json s = score::score_record(imported, {}, {});
  CHECK(s["pass"] == true);
  CHECK(s["decided_by"] == "label");
  CHECK(s["goal_met"].is_null());
  imported.label.reset();
  s = score::score_record(imported, {}, {});
  CHECK(s["pass"] == false);
  CHECK(s["decided_by"] == "unscored");
}

TEST_CASE("rescore: a malformed record is path:line: message") {
  TempDir dir;
  write_file("run/results.jsonl", "{\"schema_version\":1,\"scenario\":\"a\",\"trial\":1}\n"
                                  "{\"schema_version\":1,\"scenario\":\"a\",\"trial\":2,\"transcript\":[{\"turn\":\"x\"}]}\n");
  auto done = run::rescore(options_for("run"));
  REQUIRE_FALSE(done.ok());
  CHECK(done.error().kind == ErrorKind::input);
  CHECK(done.error().message.rfind("run/results.jsonl:2: malformed record: ", 0) == 0);
}
