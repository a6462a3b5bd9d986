// Honest aggregates (issue 14, point 5) on hand-written records whose right answers are known:
// errors count as failures, every scenario counts at every k, seeded intervals, gates on their
// bounds, spar diff's noise tests, quality that does not reward inaction, and the pass rule.
#include <doctest/doctest.h>

#include <random>

#include "record/record.h"
#include "report/diff.h"
#include "score/metrics.h"
#include "score/score_record.h"
#include "score/summary.h"

using namespace spar;
using json = nlohmann::json;

namespace {

json trial(const std::string& scenario, int t, bool pass) {
  return {{"schema_version", 1}, {"scenario", scenario}, {"trial", t}, {"ended", "persona_done"}, {"error", nullptr},
          {"score", {{"pass", pass}, {"decided_by", "goal"}, {"goal_met", pass}, {"violations", json::array()}}}};
}

json errored(const std::string& scenario, int t) {
  return {{"schema_version", 1}, {"scenario", scenario}, {"trial", t}, {"ended", "agent_error"},
          {"error", {{"kind", "timeout"}, {"message", "x"}}}, {"score", {{"pass", false}, {"decided_by", "error"}}}};
}

// `scenarios` scenarios of `k` trials; scenario i passes its first passes(i) trials.
std::vector<json> runs(int scenarios, int k, const std::function<int(int)>& passes) {
  std::vector<json> out;
  for (int s = 0; s < scenarios; ++s) {
    for (int t = 1; t <= k; ++t) out.push_back(trial("s" + std::to_string(s), t, t <= passes(s)));
  }
  return out;
}

}  // namespace

TEST_CASE("aggregates: an errored trial is a failed one; the old figure is kept, named as such") {
  std::vector<json> records;
  for (int t = 1; t <= 4; ++t) records.push_back(trial("a", t, true));
  records.push_back(errored("a", 5));
  json s = score::summarize(records);
  CHECK(s["per_scenario"]["a"]["trials"] == 5);
  CHECK(s["per_scenario"]["a"]["n"] == 4);
  CHECK(s["pass_hat_k"]["1"].get<double>() == doctest::Approx(0.8));
  CHECK(s["pass_hat_k"]["5"].get<double>() == doctest::Approx(0.0));
  CHECK(s["pass_hat_k_excluding_errors"]["1"].get<double>() == doctest::Approx(1.0));
  CHECK(s["pass_hat_k_excluding_errors"]["4"].get<double>() == doctest::Approx(1.0));
  CHECK(s["pass_at_k"]["5"].get<double>() == doctest::Approx(1.0));
}

TEST_CASE("aggregates: an all-errored scenario shows pass^1 = 0 and pulls the overall figure down") {
  std::vector<json> records = {trial("good", 1, true), trial("good", 2, true), errored("broken", 1), errored("broken", 2)};
  json s = score::summarize(records);
  CHECK(s["per_scenario"]["broken"]["pass_hat_k"]["1"].get<double>() == 0.0);
  CHECK(s["pass_hat_k"]["1"].get<double>() == doctest::Approx(0.5));
  CHECK(s["pass_hat_k"]["2"].get<double>() == doctest::Approx(0.5));
  // errors left out, the broken scenario is gone: the infrastructure-excluded figure
  CHECK(s["pass_hat_k_excluding_errors"]["1"].get<double>() == doctest::Approx(1.0));
}

TEST_CASE("aggregates: every scenario counts at every k; overall pass^k stops at k_max") {
  std::vector<json> records = runs(1, 4, [](int) { return 4; });
  for (int t = 1; t <= 2; ++t) records.push_back(trial("short", t, false));
  // an unscored import: neither a trial nor a failure
  records.push_back({{"schema_version", 1}, {"scenario", "short"}, {"trial", 3}, {"ended", "imported"},
                     {"error", nullptr}, {"score", {{"pass", false}, {"decided_by", "unscored"}}}});
  json s = score::summarize(records);
  CHECK(s["k"] == 4);
  CHECK(s["k_max"] == 2);
  CHECK(s["pass_hat_k"].size() == 2);
  CHECK_FALSE(s["pass_hat_k"].contains("3"));  // before: 1.0, from the 4-trial scenario alone
  CHECK(s["pass_hat_k"]["2"].get<double>() == doctest::Approx(0.5));
  CHECK(s["per_scenario"]["short"]["trials"] == 2);
  CHECK(s["unscored"] == 1);
  CHECK(s["per_scenario"]["s0"]["pass_hat_k"].size() == 4);  // per scenario: up to its own trials
}

TEST_CASE("aggregates: intervals are seeded (same input, same interval) and cover a known case") {
  auto records = runs(20, 4, [](int s) { return s % 5; });
  json a = score::summarize(records), b = score::summarize(records);
  CHECK(a["pass_hat_k_ci95"] == b["pass_hat_k_ci95"]);
  CHECK(a["pass_at_k_ci95"] == b["pass_at_k_ci95"]);
  for (const char* k : {"1", "2", "3", "4"}) {
    double lo = a["pass_hat_k_ci95"][k][0], hi = a["pass_hat_k_ci95"][k][1], x = a["pass_hat_k"][k];
    CHECK(lo <= x);
    CHECK(x <= hi);
    CHECK(lo < hi);
  }
  // All pass: nothing to resample but passes.
  json all = score::summarize(runs(3, 2, [](int) { return 2; }));
  CHECK(all["pass_hat_k_ci95"]["2"] == json::array({1.0, 1.0}));

  // Coverage: 30 scenarios x 4 trials, every trial passing with probability 0.6 (pass^1 = 0.6,
  // pass^2 = 0.36 is the truth). 100 seeded replications; a 95% interval must cover the truth
  // in most of them (the two-level bootstrap is, if anything, wide).
  std::mt19937_64 rng(7);
  int covered1 = 0, covered2 = 0;
  const int reps = 100;
  for (int r = 0; r < reps; ++r) {
    std::vector<json> rs;
    for (int s = 0; s < 30; ++s) {
      for (int t = 1; t <= 4; ++t) rs.push_back(trial("s" + std::to_string(s), t, rng() % 10 < 6));
    }
    json sum = score::summarize(rs);
    auto covers = [&](const char* k, double truth) {
      return sum["pass_hat_k_ci95"][k][0].get<double>() <= truth && truth <= sum["pass_hat_k_ci95"][k][1].get<double>();
    };
    covered1 += covers("1", 0.6);
    covered2 += covers("2", 0.36);
  }
  CHECK(covered1 >= 88);
  CHECK(covered2 >= 88);
}

TEST_CASE("aggregates: gates and metrics read an interval's bounds") {
  json s = score::summarize(runs(10, 4, [](int i) { return i < 8 ? 4 : 0; }));
  auto lo = score::metric(s, "pass^4.lo"), hi = score::metric(s, "pass^4.hi"), at = score::metric(s, "pass@2.lo");
  REQUIRE(lo.ok());
  REQUIRE(*lo);
  CHECK(**lo == s["pass_hat_k_ci95"]["4"][0].get<double>());
  CHECK(**hi == s["pass_hat_k_ci95"]["4"][1].get<double>());
  CHECK(**at == s["pass_at_k_ci95"]["2"][0].get<double>());
  CHECK(**lo < 0.8);  // pass^4 = 0.8, but its lower bound is not
  auto gate = score::parse_gate("pass^4.lo>=0.8");
  REQUIRE(gate.ok());
  auto plain = score::parse_gate("pass^4>=0.8");
  REQUIRE(plain.ok());
  auto results = score::check_gates(s, {*gate, *plain});
  CHECK_FALSE(results[0].held);
  CHECK(results[1].held);
  CHECK(score::parse_gate("quality@25.hi<=1").ok());
  CHECK_FALSE(score::parse_gate("pass^4.mid>=0.8").ok());
  CHECK(score::higher_is_better("pass^4.lo"));
  CHECK_FALSE(score::higher_is_better("unreliability.hi"));
}

TEST_CASE("aggregates: spar diff flags a change larger than noise, and only that") {
  report::DiffOptions options;  // --max-drop 0.05
  auto base = score::summarize(runs(20, 4, [](int) { return 4; }));
  SUBCASE("a large drop over many trials is a regression (Fisher's exact test)") {
    auto now = score::summarize(runs(20, 4, [](int s) { return s < 10 ? 1 : 4; }));
    auto d = report::diff_summaries(base, now, options);
    REQUIRE(d.ok());
    CHECK(d->rows[0].metric == "pass^1");
    CHECK(d->rows[0].test == "fisher");
    CHECK(d->rows[0].regression);
    CHECK(*d->rows[0].p < 0.001);
    bool pass4 = false;
    for (const auto& r : d->rows) {
      if (r.scope == "overall" && r.metric == "pass^4") {
        pass4 = true;
        CHECK(r.test == "sign-flip");
        CHECK(r.regression);
      }
    }
    CHECK(pass4);
  }
  SUBCASE("a drop of the size run-to-run noise makes is not") {
    // 2 failures in 80 trials: pass^1 0.975, worse than base by 0.025 ... with --max-drop 0 it
    // passes the threshold, but not the test
    options.max_drop = 0;
    auto now = score::summarize(runs(20, 4, [](int s) { return s < 2 ? 3 : 4; }));
    auto d = report::diff_summaries(base, now, options);
    REQUIRE(d.ok());
    CHECK(d->rows[0].test == "fisher");
    CHECK(*d->rows[0].p > 0.05);
    CHECK_FALSE(d->rows[0].regression);
    CHECK(d->rows[0].note == "within noise");
    for (const auto& r : d->rows) CHECK_FALSE(r.regression);
    CHECK(d->regressions.empty());
  }
  SUBCASE("too few trials to tell: said, not flagged") {
    auto b = score::summarize(runs(2, 1, [](int) { return 1; }));
    auto n = score::summarize(runs(2, 1, [](int) { return 0; }));
    auto d = report::diff_summaries(b, n, options);
    REQUIRE(d.ok());
    CHECK_FALSE(d->rows[0].can_tell);
    CHECK(d->rows[0].note == "k too small to tell");
    CHECK(d->regressions.empty());
    CHECK(d->untold.size() >= 1);
    CHECK(report::render_diff(*d, "table", options).find("k too small to tell") != std::string::npos);
  }
}

namespace {

record::Entry entry(int turn, const std::string& role, const std::string& content, bool error = false) {
  record::Entry e;
  e.turn = turn;
  e.role = role;
  e.content = content;
  e.error = error;
  return e;
}

// A conversation of `turns` turns; a tool result at each of `tool_turns` (an error if `errors`).
record::Record conversation(int turns, const std::vector<int>& tool_turns, bool errors = false) {
  record::Record r;
  r.scenario = "s";
  r.turns = turns;
  r.max_turns = 20;
  r.checkpoint_turns = {3, 8};
  for (int t = 1; t <= turns; ++t) {
    r.transcript.push_back(entry(t, "user", "hello"));
    if (std::find(tool_turns.begin(), tool_turns.end(), t) != tool_turns.end()) {
      record::Entry call = entry(t, "assistant", "");
      call.tool_calls = std::vector<record::ToolCall>{{"c", "lookup", "{}"}};
      r.transcript.push_back(call);
      r.transcript.push_back(entry(t, "tool", "{}", errors));
    }
    r.transcript.push_back(entry(t, "assistant", "ok"));
  }
  return r;
}

score::ScenarioChecks checks(bool goal_met, json violations = json::array()) {
  score::ScenarioChecks c;
  c.checked = true;
  c.goal_met = goal_met;
  c.policy_count = 1;
  c.tool_count = 2;
  c.violations = std::move(violations);
  return c;
}

}  // namespace

TEST_CASE("aggregates: quality does not reward inaction") {
  SUBCASE("a failing window without a successful tool call scores steps 0, one with a call 1") {
    json s = score::score_record(conversation(8, {5}), checks(false), {});
    CHECK(s["checkpoints"]["3"]["steps"] == 0.0);
    CHECK(s["checkpoints"]["3"]["quality"].get<double>() == doctest::Approx(0.5));  // policy 1, steps 0
    CHECK(s["checkpoints"]["8"]["steps"] == 1.0);
    CHECK(s["checkpoints"]["8"]["quality"].get<double>() == doctest::Approx(1.0));
  }
  SUBCASE("a failed tool call is not a step") {
    json s = score::score_record(conversation(8, {2, 5}, /*errors=*/true), checks(false), {});
    CHECK(s["checkpoints"]["3"]["steps"] == 0.0);
    CHECK(s["checkpoints"]["8"]["steps"] == 0.0);
  }
  SUBCASE("a met goal, or a scenario without tools, leaves steps out") {
    json s = score::score_record(conversation(8, {}), checks(true), {});
    CHECK(s["checkpoints"]["3"]["steps"].is_null());
    CHECK(s["checkpoints"]["3"]["quality"] == 1.0);
    auto no_tools = checks(false);
    no_tools.tool_count = 0;
    s = score::score_record(conversation(8, {}), no_tools, {});
    CHECK(s["checkpoints"]["3"]["steps"].is_null());
  }
  SUBCASE("stopping early does not score a failing conversation better") {
    json failed = score::score_record(conversation(3, {}), checks(false), {});
    CHECK(failed["checkpoints"]["8"]["quality"] == 0.0);
    CHECK(failed["checkpoints"]["8"]["unreached"] == true);
    CHECK(failed["final_quality"] == 0.0);
    json met = score::score_record(conversation(3, {}), checks(true), {});
    CHECK(met["checkpoints"]["8"].is_null());  // a met goal may end early
    auto short_scenario = conversation(3, {});
    short_scenario.max_turns = 5;  // checkpoint 8 lies beyond what the scenario allows
    CHECK(score::score_record(short_scenario, checks(false), {})["checkpoints"]["8"].is_null());
  }
  SUBCASE("re-scored without its scenario, the record keeps its steps") {
    json s = score::score_record(conversation(8, {5}), checks(false), {});
    auto carried = score::carried_checks(s);
    CHECK(carried.tool_count > 0);
    CHECK(score::score_record(conversation(8, {5}), carried, {})["checkpoints"] == s["checkpoints"]);
  }
}

TEST_CASE("aggregates: a critical or major violation blocks a pass; a minor one only lowers policy") {
  auto v = [](const char* severity) {
    return json::array({{{"rule", "r"}, {"severity", severity}, {"turn", 2}, {"action", "tool_call"}}});
  };
  CHECK(score::score_record(conversation(3, {2}), checks(true), {})["pass"] == true);
  CHECK(score::score_record(conversation(3, {2}), checks(true, v("critical")), {})["pass"] == false);
  CHECK(score::score_record(conversation(3, {2}), checks(true, v("major")), {})["pass"] == false);
  json minor = score::score_record(conversation(3, {2}), checks(true, v("minor")), {});
  CHECK(minor["pass"] == true);
  CHECK(minor["checkpoints"]["3"]["policy"].get<double>() < 1.0);
}
