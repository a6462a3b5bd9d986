// spar calibrate's statistics (score/calibration.h) against hand-computed examples, its edge
// cases, and the graders drawn from records (score/graders.h).
#include <doctest/doctest.h>

#include "score/calibration.h"
#include "score/graders.h"

using namespace spar;
using score::Level;
using score::Pairs;
using json = nlohmann::json;

namespace {

Pairs table(int yes_yes, int yes_no, int no_yes, int no_no) {
  Pairs p;
  for (int i = 0; i < yes_yes; ++i) p.emplace_back("yes", "yes");
  for (int i = 0; i < yes_no; ++i) p.emplace_back("yes", "no");
  for (int i = 0; i < no_yes; ++i) p.emplace_back("no", "yes");
  for (int i = 0; i < no_no; ++i) p.emplace_back("no", "no");
  return p;
}

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
// twelve units, missing values. Published: nominal alpha 0.743, interval alpha 0.849.
//   unit:  1  2  3  4  5  6  7  8  9 10 11 12
//   A      1  2  3  3  2  1  4  1  2  .  .  .
//   B      1  2  3  3  2  2  4  1  2  5  .  3
//   C      .  3  3  3  2  3  4  2  2  5  1  .
//   D      1  2  3  3  2  4  4  1  2  5  1  .
std::vector<std::vector<std::string>> krippendorff_example() {
  return {{"1", "1", "1"}, {"2", "2", "3", "2"}, {"3", "3", "3", "3"}, {"3", "3", "3", "3"},
          {"2", "2", "2", "2"}, {"1", "2", "3", "4"}, {"4", "4", "4", "4"}, {"1", "1", "2", "1"},
          {"2", "2", "2", "2"}, {"5", "5", "5"}, {"1", "1"}, {"3"}};
}

score::Rating rating(std::string rater, std::string unit, std::string item, std::string value, std::string why = "") {
  return {std::move(rater), std::move(unit), std::move(item), std::move(value), std::move(why), json::object()};
}

const json* grader(const json& cmp, const std::string& name) {
  for (const auto& g : cmp["graders"]) {
    if (g["grader"] == name) return &g;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("Cohen's kappa on a 2x2 table worked by hand") {
  // 50 items:            B yes  B no
  //               A yes    20     5     A says yes 25/50 = 0.5
  //               A no     10    15     B says yes 30/50 = 0.6
  // po = (20 + 15) / 50 = 0.7; pe = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
  Pairs p = table(20, 5, 10, 15);
  CHECK(*score::observed_agreement(p) == doctest::Approx(0.7));
  CHECK(*score::cohen_kappa(p) == doctest::Approx(0.4));
  json c = score::confusion_table(p);
  CHECK(c["labels"] == json({"no", "yes"}));
  CHECK(c["counts"]["yes"]["no"] == 5);
  CHECK(c["counts"]["no"]["yes"] == 10);
  // Perfect agreement over two categories: kappa 1. Systematic disagreement: po 0, pe 0.5, kappa -1.
  CHECK(*score::cohen_kappa(table(3, 0, 0, 2)) == doctest::Approx(1.0));
  CHECK(*score::cohen_kappa(table(0, 4, 4, 0)) == doctest::Approx(-1.0));
}

TEST_CASE("kappa is undefined, not NaN, when it cannot be computed") {
  CHECK_FALSE(score::cohen_kappa({}));  // no shared items
  CHECK_FALSE(score::observed_agreement({}));
  // One category only on both sides: pe = 1 * 1 = 1, (po - pe) / (1 - pe) = 0 / 0.
  auto one = score::cohen_kappa(table(6, 0, 0, 0));
  CHECK_FALSE(one);
  CHECK(*score::observed_agreement(table(6, 0, 0, 0)) == 1.0);
  // One rater always says yes, the other varies: pe = 1 * 0.5 = 0.5, po = 0.5, kappa 0 (defined).
  CHECK(*score::cohen_kappa(Pairs{{"yes", "yes"}, {"yes", "no"}}) == doctest::Approx(0.0));
}

TEST_CASE("Krippendorff's alpha reproduces the published example") {
  // Nominal, by hand: 40 pairable values (unit 12 has one and is left out); n_c for 1..5 = 9, 13,
  // 10, 5, 3; sum n_c^2 = 384, so sum over c != k of n_c n_k = 40^2 - 384 = 1216. Disagreeing
  // coincidences: unit 6 (1,2,3,4; m = 4) 12 ordered pairs / 3 = 4, unit 2 (2,3,2,2) 6 / 3 = 2,
  // unit 8 (1,1,2,1) 6 / 3 = 2: 8 in all. alpha = 1 - (n - 1) * 8 / 1216 = 1 - 312 / 1216 = 0.7434.
  auto units = krippendorff_example();
  CHECK(*score::krippendorff_alpha(units, Level::nominal) == doctest::Approx(0.743421).epsilon(1e-6));
  CHECK(*score::krippendorff_alpha(units, Level::interval) == doctest::Approx(0.849107).epsilon(1e-6));
  // Two raters, no missing values: alpha is close to kappa but corrects for small samples.
  // The 2x2 table above as units: n = 100 values, n_yes = 55, n_no = 45; disagreeing
  // coincidences 2 * 15 = 30; alpha = 1 - 99 * 30 / (2 * 55 * 45) = 1 - 2970 / 4950 = 0.4.
  std::vector<std::vector<std::string>> two;
  for (const auto& [a, b] : table(20, 5, 10, 15)) two.push_back({a, b});
  CHECK(*score::krippendorff_alpha(two, Level::nominal) == doctest::Approx(0.4));
}

TEST_CASE("alpha's edge cases: one category, a single rater, nothing pairable") {
  CHECK_FALSE(score::krippendorff_alpha({{"1", "1"}, {"1", "1", "1"}}, Level::nominal));  // no expected disagreement
  CHECK_FALSE(score::krippendorff_alpha({{"pass"}, {"fail"}, {"pass"}}, Level::nominal));  // a single rater per unit
  CHECK_FALSE(score::krippendorff_alpha({}, Level::interval));
  // Interval reads values as numbers: "1" and "1.0" are the same value, "x" is left out.
  CHECK(*score::krippendorff_alpha({{"1", "1.0", "x"}, {"0", "0"}}, Level::interval) == doctest::Approx(1.0));
}

TEST_CASE("the judge's 0..1 score on the labels' five-point scale") {
  CHECK(score::five_point(0) == "0");
  CHECK(score::five_point(0.1) == "0");
  CHECK(score::five_point(0.2) == "0.25");
  CHECK(score::five_point(0.6) == "0.5");
  CHECK(score::five_point(0.7) == "0.75");
  CHECK(score::five_point(0.95) == "1");
  CHECK(score::five_point(1) == "1");
}

TEST_CASE("graders from a record: outcome, label, judge, recovery by evidence, policy rules") {
  json r = {
      {"run_id", "r1"}, {"scenario", "shop/a"}, {"trial", 2},
      {"events", {{{"type", "correction"}, {"turn", 2}}, {{"type", "ambiguity"}, {"turn", 4}},
                  {{"type", "unread"}, {"turn", 5}}, {{"type", "correction"}, {"turn", 6}}}},
      {"label", {{"source", "tau-bench"}, {"reward", 1.0}, {"pass", true}}},
      {"score",
       {{"pass", false}, {"decided_by", "goal"}, {"goal_met", false}, {"goal_evidence", "order not refunded"},
        {"policy_count", 3},
        {"scorer", {{"options", {{"judge", "openai:model=gpt-4o,base_url=http://x"}}}}},
        {"judgements", {{"3", {{"score", 0.7}, {"reasons", {"polite"}}, {"flaky", false}}}, {"8", {{"score", nullptr}}}}},
        {"events",
         {{{"recovered", true}, {"decided_by", "action"}, {"turns_to_recover", 1}, {"leaked", nullptr}},
          {{"recovered", false}, {"decided_by", "text"}, {"turns_to_recover", nullptr}, {"leaked", "B"}, {"leak_turn", 4}},
          {{"recovered", nullptr}, {"decided_by", "unscored"}, {"unscored", "not a confusion event"}},
          {{"recovered", true}, {"decided_by", "action"}, {"turns_to_recover", 0}, {"leaked", nullptr}}}},
        {"violations", {{{"rule", "require_confirmation(refund)"}, {"severity", "major"}, {"turn", 3}, {"message", "no yes"}}}},
        {"warnings", {{{"kind", "policy_error"}, {"message", "policy 'flaky_rule' failed: boom"}}}}}}};
  auto rs = score::grader_ratings(r, {"require_confirmation(refund)", "forbid(delete)", "flaky_rule"});
  std::map<std::string, std::string> got;  // "grader|item" -> value
  for (const auto& x : rs) got[x.rater + "|" + x.item] = x.value;
  CHECK(got == std::map<std::string, std::string>{
                   {"outcome|conversation", "fail"},
                   {"label:tau-bench|conversation", "pass"},
                   {"judge:gpt-4o|checkpoint:3", "0.75"},  // 8 was not judged: no rating
                   {"recovery:action|event:0", "recovered"},
                   {"recovery:text|event:1", "not_recovered"},  // event 2 is unscored: no rating
                   {"recovery:action|event:3", "recovered"},
                   {"policy:require_confirmation(refund)|policy:require_confirmation(refund)", "violated"},
                   {"policy:forbid(delete)|policy:forbid(delete)", "not_violated"},  // flaky_rule errored: unchecked
               });
  for (const auto& x : rs) {
    CHECK(x.where["run_id"] == "r1");
    if (x.rater == "outcome") CHECK(x.rationale.find("order not refunded") != std::string::npos);
    if (x.rater == "judge:gpt-4o") CHECK(x.rationale.find("polite") != std::string::npos);
    if (x.rater.rfind("policy:require", 0) == 0) CHECK(x.rationale.find("no yes") != std::string::npos);
  }
  // Without the scenario's policies replayed, a rule that was not broken is not vouched for.
  r["score"]["policy_count"] = 0;
  for (const auto& x : score::grader_ratings(r, {"forbid(delete)"})) CHECK(x.rater != "policy:forbid(delete)");
  // An unscored outcome says nothing.
  r["score"]["decided_by"] = "unscored";
  for (const auto& x : score::grader_ratings(r, {})) CHECK(x.rater != "outcome");
}

TEST_CASE("graders against humans: majority, ties, alpha, flag, worst disagreements, reviewers") {
  // Four conversations. The grader says pass, pass, fail, fail. Two reviewers:
  //   unit  grader  ana   ben    majority
  //   c1    pass    pass  pass   pass
  //   c2    pass    fail  fail   fail
  //   c3    fail    fail  fail   fail
  //   c4    fail    fail  pass   (tie: left out of agreement and kappa)
  // vs majority: pairs (pass,pass) (pass,fail) (fail,fail): agreement 2/3;
  // grader pass 2/3, majority pass 1/3: pe = 2/3 * 1/3 + 1/3 * 2/3 = 4/9; kappa = (2/3 - 4/9) / (5/9) = 0.4.
  // alpha over all three raters, 4 units of 3 values: n = 12, n_pass = 5, n_fail = 7; disagreeing
  // coincidences: c2 (pass,fail,fail) 4 / 2 = 2, c4 (fail,fail,pass) 2: 4 in all;
  // alpha = 1 - 11 * 4 / (2 * 5 * 7) = 1 - 44 / 70 = 0.371429.
  std::vector<score::Rating> g = {rating("outcome", "c1", "conversation", "pass", "goal met"),
                                  rating("outcome", "c2", "conversation", "pass", "goal met"),
                                  rating("outcome", "c3", "conversation", "fail"),
                                  rating("outcome", "c4", "conversation", "fail"),
                                  rating("outcome", "c5", "conversation", "fail")};  // nobody labelled c5
  std::vector<score::Rating> h = {rating("ana", "c1", "conversation", "pass"), rating("ben", "c1", "conversation", "pass"),
                                  rating("ana", "c2", "conversation", "fail", "refunded the wrong order"),
                                  rating("ben", "c2", "conversation", "fail", "wrong order"),
                                  rating("ana", "c3", "conversation", "fail"), rating("ben", "c3", "conversation", "fail"),
                                  rating("ana", "c4", "conversation", "fail"), rating("ben", "c4", "conversation", "pass")};
  json cmp = score::compare_with_humans(g, h, {0.6, 5});
  const json* o = grader(cmp, "outcome");
  REQUIRE(o);
  CHECK((*o)["n"] == 3);
  CHECK((*o)["tied"] == 1);
  CHECK((*o)["labelled"] == 4);
  CHECK((*o)["items"] == 5);
  CHECK((*o)["agreement"].get<double>() == doctest::Approx(2.0 / 3));
  CHECK((*o)["kappa"].get<double>() == doctest::Approx(0.4));
  CHECK((*o)["alpha"].get<double>() == doctest::Approx(0.371429).epsilon(1e-5));
  CHECK((*o)["flagged"] == true);  // 0.4 < 0.6
  CHECK((*o)["confusion"]["counts"]["pass"]["fail"] == 1);
  // The worst disagreement first: c2, where both reviewers said otherwise (distance 1), then c4 (1/2).
  REQUIRE((*o)["disagreements"].size() == 2);
  CHECK((*o)["disagreements"][0]["value"] == "pass");
  CHECK((*o)["disagreements"][0]["rationale"] == "goal met");
  CHECK((*o)["disagreements"][0]["humans"][0]["rationale"] == "refunded the wrong order");
  CHECK((*o)["disagreements"][1]["distance"].get<double>() == doctest::Approx(0.5));
  // With a lower threshold it is not flagged.
  CHECK(grader(score::compare_with_humans(g, h, {0.3, 5}), "outcome")->at("flagged") == false);
  // Reviewer against reviewer: ana and ben agree on 3 of 4; ana fail 3/4, ben fail 2/4:
  // pe = 3/4 * 2/4 + 1/4 * 2/4 = 1/2, kappa = (3/4 - 1/2) / (1/2) = 0.5.
  const json& people = cmp["reviewers_agreement"]["conversation"];
  CHECK(people["units"] == 4);
  REQUIRE(people["pairs"].size() == 1);
  CHECK(people["pairs"][0]["a"] == "ana");
  CHECK(people["pairs"][0]["agreement"].get<double>() == doctest::Approx(0.75));
  CHECK(people["pairs"][0]["kappa"].get<double>() == doctest::Approx(0.5));
  CHECK(cmp["reviewers"] == json({"ana", "ben"}));
}

TEST_CASE("the judge per model and rubric: judge:<model>@<rubric>, one of its model's and of every judge's") {
  json r = {{"run_id", "r1"}, {"scenario", "shop/a"}, {"trial", 1}, {"events", json::array()},
            {"score",
             {{"pass", true}, {"decided_by", "goal"}, {"events", json::array()},
              {"scorer", {{"options", {{"judge", "openai:model=gpt-4o"}}}}},
              {"judgements", {{"3", {{"score", 1.0}, {"rubric", "0a1b2c3d"}}}, {"8", {{"score", 0.5}, {"rubric", "ffff0000"}}},
                              {"15", {{"score", 0.25}}}}}}}};  // 15: recorded before rubrics were: the model alone
  std::map<std::string, std::string> got;
  for (const auto& x : score::grader_ratings(r, {})) got[x.rater + "|" + x.item] = x.value;
  CHECK(got["judge:gpt-4o@0a1b2c3d|checkpoint:3"] == "1");
  CHECK(got["judge:gpt-4o@ffff0000|checkpoint:8"] == "0.5");
  CHECK(got["judge:gpt-4o|checkpoint:15"] == "0.25");

  // Rubric a agrees with the reviewer, rubric b does not: each is its own grader; the model and
  // every judge together are families over both.
  std::vector<score::Rating> g = {rating("judge:m@a", "c1|3", "checkpoint:3", "1"), rating("judge:m@a", "c2|3", "checkpoint:3", "0"),
                                  rating("judge:m@b", "c1|8", "checkpoint:8", "1"), rating("judge:m@b", "c2|8", "checkpoint:8", "1")};
  std::vector<score::Rating> h = {rating("ana", "c1|3", "checkpoint:3", "1"), rating("ana", "c2|3", "checkpoint:3", "0"),
                                  rating("ana", "c1|8", "checkpoint:8", "0"), rating("ana", "c2|8", "checkpoint:8", "0")};
  json cmp = score::compare_with_humans(g, h);
  const json* a = grader(cmp, "judge:m@a");
  const json* b = grader(cmp, "judge:m@b");
  const json* model = grader(cmp, "judge:m");
  const json* all = grader(cmp, "judge");
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(model);
  REQUIRE(all);
  CHECK((*a)["agreement"].get<double>() == doctest::Approx(1.0));
  CHECK((*b)["agreement"].get<double>() == doctest::Approx(0.0));
  CHECK((*model)["family"] == true);
  CHECK((*model)["n"] == 4);
  CHECK((*model)["agreement"].get<double>() == doctest::Approx(0.5));
  CHECK((*all)["n"] == 4);
}

TEST_CASE("grader families, interval items, one category, no shared items") {
  // Two judges on checkpoint windows; one reviewer. judge:a matches exactly, judge:b is 0.5 off once.
  std::vector<score::Rating> g = {rating("judge:a", "c1|3", "checkpoint:3", "1"), rating("judge:a", "c1|8", "checkpoint:8", "0.5"),
                                  rating("judge:b", "c1|3", "checkpoint:3", "0.5"), rating("judge:b", "c1|8", "checkpoint:8", "0.5"),
                                  rating("policy:x", "c9|p", "policy:x", "violated")};
  std::vector<score::Rating> h = {rating("ana", "c1|3", "checkpoint:3", "1"), rating("ana", "c1|8", "checkpoint:8", "0.5")};
  json cmp = score::compare_with_humans(g, h);
  const json* a = grader(cmp, "judge:a");
  const json* b = grader(cmp, "judge:b");
  const json* all = grader(cmp, "judge");
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(all);
  CHECK((*a)["scale"] == "interval");
  CHECK((*a)["alpha"].get<double>() == doctest::Approx(1.0));
  CHECK((*a)["kappa"].get<double>() == doctest::Approx(1.0));
  // judge:b said 0.5 both times: one category on its side, the human two: pe = 1 * 1/2, po 1/2, kappa 0.
  CHECK((*b)["kappa"].get<double>() == doctest::Approx(0.0));
  CHECK((*b)["disagreements"][0]["distance"].get<double>() == doctest::Approx(0.5));
  CHECK((*all)["family"] == true);
  CHECK((*all)["n"] == 4);
  CHECK((*all)["agreement"].get<double>() == doctest::Approx(0.75));
  // policy:x decided an item nobody labelled: listed apart, no figures.
  CHECK_FALSE(grader(cmp, "policy:x"));
  CHECK(cmp["unlabelled_graders"]["policy:x"] == 1);
  // A grader and a human who both only ever say "pass": agreement 1, kappa undefined (null), flagged as such.
  json one = score::compare_with_humans({rating("outcome", "u", "conversation", "pass")}, {rating("ana", "u", "conversation", "pass")});
  const json* o = grader(one, "outcome");
  REQUIRE(o);
  CHECK((*o)["kappa"].is_null());
  CHECK((*o)["alpha"].is_null());
  CHECK((*o)["agreement"] == 1.0);
  CHECK((*o)["flagged"] == true);
  CHECK((*o)["flag"].get<std::string>().find("undefined") != std::string::npos);
  // A single reviewer: no reviewer-against-reviewer figures.
  CHECK(one["reviewers_agreement"].empty());
}

TEST_CASE("graders read a record of any shape without throwing") {
  // Records come from files: every member may have any type.
  for (const char* text : {R"({"score": {"pass": true, "decided_by": "goal", "goal_met": true, "violations": [{"rule": "r", "turn": "x"}]}})",
                           R"({"trial": "2", "events": {"a": 1}, "score": {"events": [1, {"recovered": true, "decided_by": "action", "turns_to_recover": "x", "leaked": 3}]}})",
                           R"({"score": {"judgements": {"3": 0.5, "8": {"score": 0.5, "reasons": "one", "flaky": "yes"}}, "scorer": 7}})",
                           R"({"label": {"pass": "yes"}, "score": {"policy_count": "3", "warnings": 5, "violations": {"rule": "x"}}})",
                           R"({"score": 1})", R"([])", R"(null)"}) {
    json r = json::parse(text);
    CHECK_NOTHROW(score::grader_ratings(r, {"r", "x"}));
  }
  json r = json::parse(R"({"score": {"events": [1, {"recovered": true, "decided_by": "action", "turns_to_recover": "x", "leaked": 3}]}})");
  auto rs = score::grader_ratings(r, {});
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].item == "event:1");
  CHECK(rs[0].rationale == "event at turn 0, decided by action");
}
