// spar review's pure parts: the sample of conversations most worth a person's time
// (score/sample.h), the items a reviewer labels (review/review.h), the scenario's declared
// policy names, and add_labels' all-or-nothing import.
#include <doctest/doctest.h>

#include <set>

#include "persona/runtime.h"
#include "report/labels.h"
#include "review/review.h"
#include "score/sample.h"
#include "support.h"

using namespace spar;
using json = nlohmann::json;

namespace {

json rec(const std::string& scenario, int trial, json score) {
  return {{"scenario", scenario}, {"trial", trial}, {"run_id", "r1"}, {"ended", "persona_done"}, {"score", score}};
}

std::vector<size_t> order(const std::vector<score::ReviewPick>& picks) {
  std::vector<size_t> out;
  for (const auto& p : picks) out.push_back(p.index);
  return out;
}

}  // namespace

TEST_CASE("sample_for_review ranks disagreement, failures, flaky and text-decided verdicts over the rest") {
  std::vector<json> records = {
      rec("ok", 1, {{"pass", true}}),                                                     // 0: nothing
      rec("failed", 1, {{"pass", false}, {"decided_by", "goal"}}),                        // 1: 4
      rec("flaky", 1, {{"pass", true}, {"judgements", {{"8", {{"flaky", true}}}}}}),      // 2: 3
      rec("text", 1, {{"pass", true}, {"events", {{{"decided_by", "text"}}, {{"decided_by", "action"}}}}}),  // 3: 2
      rec("ok", 2, {{"pass", true}}),                                                     // 4: nothing
      rec("judge-vs-code", 1, {{"pass", true}, {"checkpoints", {{"8", {{"judge", 0.25}, {"policy", 1.0}, {"steps", 1.0}}}}}}),  // 5: 3
  };
  records.push_back(rec("import", 1, {{"pass", true}, {"decided_by", "goal"}}));  // 6: 5 (label says fail)
  records.back()["label"] = {{"source", "tau-bench"}, {"pass", false}, {"reward", 0.0}};
  json err = rec("error", 1, {{"pass", false}, {"decided_by", "error"}});
  err["ended"] = "agent_error";
  records.push_back(err);  // 7: 1

  auto picks = score::sample_for_review(records, 100, 7);
  REQUIRE(picks.size() == records.size());
  CHECK(picks[0].index == 6);
  CHECK(picks[0].weight == 5);
  CHECK(picks[0].reasons[0] == "graders disagree: spar says pass, the imported label says fail");
  CHECK(picks[1].index == 1);
  CHECK(picks[1].reasons[0] == "failed (decided by goal)");
  // 2 and 5 tie at 3: their order comes from the seed, but both come next
  std::set<size_t> next = {picks[2].index, picks[3].index};
  CHECK(next == std::set<size_t>{2, 5});
  for (const auto& p : picks) {
    if (p.index == 2) CHECK(p.reasons[0] == "flaky judge in the window ending at turn 8");
    if (p.index == 5) CHECK(p.reasons[0] == "judge 0.25 vs code 1.00 in the window ending at turn 8");
  }
  CHECK(picks[4].index == 3);
  CHECK(picks[4].reasons[0] == "decided by text evidence: event 0");
  CHECK(picks[5].index == 7);
  CHECK(picks[5].reasons[0] == "stopped by an error (agent_error)");
  CHECK(picks[6].weight == 0);
  CHECK(picks[6].reasons[0] == "picked at random (seed 7)");

  // The same records and seed: the same picks; n cuts the list.
  CHECK(order(score::sample_for_review(records, 100, 7)) == order(picks));
  auto three = score::sample_for_review(records, 3, 7);
  auto all = order(picks);
  CHECK(order(three) == std::vector<size_t>(all.begin(), all.begin() + 3));
  CHECK(score::sample_for_review({}, 5, 1).empty());
}

TEST_CASE("sample_for_review: the seed orders ties and random picks, and only them") {
  std::vector<json> records;
  for (int i = 0; i < 40; ++i) records.push_back(rec("s", i + 1, {{"pass", i % 10 != 0}}));  // 4 failures
  std::set<std::vector<size_t>> orders;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    auto picks = score::sample_for_review(records, 40, seed);
    for (size_t k = 0; k < 4; ++k) CHECK(picks[k].index % 10 == 0);  // failures first, whatever the seed
    orders.insert(order(picks));
  }
  CHECK(orders.size() > 1);  // the seed does decide the order of the rest
}

TEST_CASE("review_items: the conversation, each event, each reached window, each rule declared or flagged") {
  review::Conversation c;
  c.key = "retail/x#1";
  c.run_id = "r1";
  c.declared_policies = {"require_confirmation(refund)", "require_before(refund, verify)"};
  c.record = {{"scenario", "retail/x"}, {"trial", 1}, {"turns", 10}, {"checkpoint_turns", {3, 8, 15}},
              {"events", {{{"type", "correction"}, {"turn", 2}, {"field", "order"}, {"from", "4417"}, {"to", "4471"}}}},
              {"score", {{"pass", false}, {"decided_by", "goal"},
                         {"events", {{{"recovered", false}, {"decided_by", "action"}}}},
                         {"checkpoints", {{"3", {{"quality", 0.8}}}, {"8", {{"quality", 0.3}, {"judge", 0.5}}}}},
                         {"violations", {{{"rule", "forbid_tool(delete)"}, {"severity", "critical"}, {"turn", 5}, {"decided_by", "action"}}}}}}};
  json items = review::review_items(c);
  std::vector<std::string> names;
  for (const auto& it : items) names.push_back(it["item"]);
  CHECK(names == std::vector<std::string>{"conversation", "event:0", "checkpoint:3", "checkpoint:8",
                                          "policy:require_confirmation(refund)", "policy:require_before(refund, verify)",
                                          "policy:forbid_tool(delete)"});
  CHECK(items[0]["spar"]["label"] == "fail");
  CHECK(items[1]["spar"]["label"] == "not_recovered");
  CHECK(items[1]["title"] == "correction of order (4417 \u2192 4471)");
  CHECK(items[2]["spar"]["label"] == "0.75");  // 0.8 on the judge's scale
  CHECK(items[3]["spar"]["label"] == "0.25");
  CHECK(items[3]["title"] == "quality of turns 4\u20138");
  CHECK(items[4]["spar"]["label"] == "not_violated");
  CHECK(items[6]["spar"]["label"] == "violated");
  CHECK_FALSE(items[6].contains("turn"));  // that would tell a blind reviewer spar flagged it
  CHECK(items[6]["spar"]["detail"] == "critical, first at turn 5");
  // every item is one label_problem accepts
  for (const auto& it : items) {
    report::Label l{"ana", "r1", c.key, it["item"], "x", "because", ""};
    auto p = report::label_problem(l);
    REQUIRE(p);
    CHECK(p->find("unknown item") == std::string::npos);
  }
}

TEST_CASE("a scenario's declared policy names, for labelling a violation spar missed") {
  auto s = persona::Session::open(std::string(SPAR_SOURCE_DIR) + "/scenarios/retail/address-change.lua", {});
  REQUIRE(s.ok());
  const auto& names = (*s)->info().policy_names;
  REQUIRE(names.size() == 6);
  CHECK(names[1] == "require_confirmation(update_address)");
  CHECK(static_cast<int>(names.size()) == (*s)->info().policies);
}

TEST_CASE("add_labels stores all or none") {
  test::TempDir dir;
  const std::string db = "runs/history.db";
  report::Label good{"ana", "r1", "s#1", "conversation", "pass", "met the goal", ""};
  report::Label bad{"ana", "r1", "s#1", "event:0", "recovered", " ", ""};
  auto st = report::add_labels(db, {good, bad});
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "a label needs a rationale");
  CHECK(report::read_labels(db)->empty());
  REQUIRE(report::add_labels(db, {good, {"ben", "r1", "s#1", "event:0", "recovered", "used 4471", ""}}).ok());
  CHECK(report::read_labels(db)->size() == 2);
}
