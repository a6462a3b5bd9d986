// The typed record (record/record.h): the v1 layout both ways, and records an older spar wrote.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "record/record.h"
#include "report/results.h"

using namespace spar;
using json = nlohmann::json;

namespace {

std::vector<json> fixture_v0() {
  std::ifstream in(std::string(SPAR_SOURCE_DIR) + "/tests/fixtures/results-v0.jsonl");
  std::vector<json> out;
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

}  // namespace

TEST_CASE("record: a v1 record reads into the typed Record and writes back byte for byte") {
  json v1 = json::parse(R"({
    "schema_version": 1, "run_id": "00ff00ff00ff00ff", "source": {"kind": "spar"}, "agent": {"spec": "mock"},
    "scenario": "shop/a", "scenario_path": "scenarios/shop/a.lua", "persona": "waffler", "trial": 2,
    "seed": 18446744073709551615, "ended": "agent_error",
    "error": {"kind": "http", "message": "HTTP 429", "http_status": 429, "retry_after_s": 1.5},
    "turns": 1, "max_turns": 25, "checkpoint_turns": [3, 8],
    "transcript": [
      {"turn": 1, "role": "user", "content": "hi", "generated": true},
      {"turn": 1, "role": "assistant", "content": "", "tool_calls": [{"id": "c1", "name": "look", "arguments": "{\"x\":1}"}]},
      {"turn": 1, "role": "tool", "content": "{\"ok\":false}", "tool_call_id": "c1", "name": "look", "error": true},
      {"turn": 1, "role": "assistant", "content": "Sorry, I was cut", "truncated": true}],
    "events": [{"type": "correction", "turn": 1, "field": "order", "from": "1", "to": "2", "expect": ["x"]}],
    "probes": [{"key": "id", "expected": "4471", "turn": 1, "note": "kept"}],
    "progress": {"3": 0.5}, "warnings": [{"turn": 1, "kind": "tool_loop", "message": "m"}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 2, "agent_requests": 3, "tool_calls": 4, "tool_errors": 5,
              "user_model_requests": 6, "judge_requests": 7, "retries": 8, "turn_latency_ms": [1.25, 3.0]},
    "duration_ms": 12.5, "final_state": null,
    "label": {"source": "tau-bench", "reward": 1.0, "pass": true}, "metadata": {"any": [1, 2]},
    "score": {"pass": false, "decided_by": "error"}})");
  record::Record r = v1.get<record::Record>();
  CHECK(r.errored());
  CHECK(r.error->http_status == 429);
  CHECK(r.transcript[1].tool_calls->at(0).arguments == "{\"x\":1}");
  CHECK(r.events[0].fields["expect"] == json::array({"x"}));
  CHECK(r.probes[0].fields["note"] == "kept");
  CHECK(r.final_state.has_value());  // present and null is not absent
  CHECK(json(r).dump() == v1.dump());

  // Absent optional parts stay absent; the keys the layout always has are null.
  record::Record bare;
  bare.scenario = "s";
  json j = bare;
  CHECK(j["schema_version"] == 1);
  CHECK(j["error"].is_null());
  CHECK(j["seed"].is_null());
  CHECK_FALSE(j.contains("final_state"));
  CHECK_FALSE(j.contains("score"));
  CHECK(json(j.get<record::Record>()) == j);
}

TEST_CASE("record: a malformed record is a json error that names what is wrong") {
  for (const char* bad : {R"({"trial": 1})", R"({"scenario": "a", "trial": "1"})", R"({"scenario": "a", "events": {}})",
                          R"({"scenario": "a", "usage": {"prompt_tokens": "x"}})", R"({"scenario": "a", "score": 3})",
                          R"({"scenario": "a", "progress": []})"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(json::parse(bad).get<record::Record>(), json::exception);
  }
}

TEST_CASE("record: upgrade_v0 moves a record captured from spar before v1 into the v1 layout") {
  auto v0 = fixture_v0();
  REQUIRE(v0.size() == 3);
  for (const auto& old : v0) {
    CAPTURE(old.value("scenario", ""));
    json v1 = record::upgrade_v0(old);
    CHECK(v1["schema_version"] == 1);
    for (const char* gone : {"status", "end_reason", "pass", "goal_met", "violations", "checkpoints", "degradation",
                             "final_quality", "policy_count"}) {
      CHECK_FALSE(v1.contains(gone));
    }
    const json& s = v1["score"];
    CHECK(s["pass"] == old["pass"]);
    CHECK(s["violations"] == old["violations"]);
    CHECK(s["checkpoints"] == old["checkpoints"]);
    CHECK(s["final_quality"] == old["final_quality"]);
    CHECK(s["policy_count"] == old.value("policy_count", json()));
    REQUIRE(s["events"].size() == old["events"].size());
    for (size_t i = 0; i < old["events"].size(); ++i) {
      for (const char* k : {"recovered", "turns_to_recover", "leaked"}) {
        CHECK(s["events"][i][k] == old["events"][i][k]);
        CHECK_FALSE(v1["events"][i].contains(k));
      }
      CHECK(v1["events"][i]["type"] == old["events"][i]["type"]);
    }
    REQUIRE(s["probes"].size() == old["probes"].size());
    for (size_t i = 0; i < old["probes"].size(); ++i) {
      CHECK(s["probes"][i]["answered"] == old["probes"][i]["answered"]);
      CHECK_FALSE(v1["probes"][i].contains("answered"));
    }
    CHECK(v1["transcript"] == old["transcript"]);
    // It reads as a typed record, and upgrading twice changes nothing.
    CHECK_NOTHROW(v1.get<record::Record>());
    CHECK(record::upgrade_v0(v1) == v1);
  }
  CHECK(record::upgrade_v0(v0[0])["ended"] == "max_turns");
  CHECK(record::upgrade_v0(v0[1])["ended"] == "max_turns");
  json broken = record::upgrade_v0(v0[2]);
  CHECK(broken["ended"] == "script_error");  // error kind "script"
  CHECK(broken["score"]["decided_by"] == "error");
  CHECK(broken["error"]["kind"] == "script");

  json agent_error = {{"scenario", "a"}, {"status", "error"}, {"error", {{"kind", "timeout"}, {"message", "x"}}}};
  CHECK(record::upgrade_v0(agent_error)["ended"] == "agent_error");
  json stopped = {{"scenario", "a"}, {"status", "completed"}, {"end_reason", "persona_stopped"}, {"pass", true}};
  CHECK(record::upgrade_v0(stopped)["ended"] == "persona_done");
  CHECK(record::upgrade_v0(stopped)["score"]["goal_met"] == true);
  json policy = {{"scenario", "a"}, {"warnings", {{{"turn", 1}, {"kind", "policy_error"}, {"message", "m"}},
                                                  {{"turn", 2}, {"kind", "tool_loop"}, {"message", "t"}}}}};
  json up = record::upgrade_v0(policy);
  CHECK(up["warnings"].size() == 1);
  CHECK(up["warnings"][0]["kind"] == "tool_loop");
  CHECK(up["score"]["warnings"][0]["kind"] == "policy_error");
}

TEST_CASE("record: results.jsonl readers see an old record in the v1 layout") {
  std::string content = R"({"scenario":"a","trial":1,"status":"completed","pass":true})" "\n";
  auto read = report::parse_results(content, "r.jsonl");
  REQUIRE(read.ok());
  CHECK(read->records[0]["score"]["pass"] == true);
  CHECK(read->records[0]["ended"] == "persona_done");
  auto bad = report::parse_results(R"({"schema_version":1,"scenario":"a","score":{"pass":1}})" "\n", "r.jsonl");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "r.jsonl:1: malformed record: \"score.pass\" is not true or false");
}
