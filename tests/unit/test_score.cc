#include <doctest/doctest.h>

#include "score/passk.h"
#include "score/summary.h"

using namespace spar::score;
using json = nlohmann::json;

TEST_CASE("pass^k and pass@k follow the unbiased estimators") {
  CHECK(pass_hat_k(4, 4, 4) == doctest::Approx(1.0));
  CHECK(pass_hat_k(4, 2, 1) == doctest::Approx(0.5));
  CHECK(pass_hat_k(4, 2, 2) == doctest::Approx(1.0 / 6));  // C(2,2)/C(4,2)
  CHECK(pass_hat_k(4, 3, 4) == doctest::Approx(0.0));
  CHECK(pass_at_k(4, 1, 2) == doctest::Approx(0.5));       // 1 - C(3,2)/C(4,2)
  CHECK(pass_at_k(4, 0, 3) == doctest::Approx(0.0));
  CHECK(pass_at_k(8, 1, 8) == doctest::Approx(1.0));
  // Large n does not overflow.
  CHECK(pass_hat_k(200, 100, 50) > 0);
}

TEST_CASE("summarize: infrastructure errors count as failures, and are counted separately") {
  std::vector<json> records;
  auto add = [&](const char* s, int trial, const char* status, bool pass) {
    records.push_back({{"scenario", s}, {"trial", trial}, {"status", status}, {"pass", pass}});
  };
  add("a", 1, "completed", true);
  add("a", 2, "completed", false);
  add("a", 3, "error", false);
  add("b", 1, "completed", true);
  add("b", 2, "completed", true);
  add("b", 3, "completed", true);
  json s = summarize(records);
  CHECK(s["errors"] == 1);
  CHECK(s["per_scenario"]["a"]["n"] == 2);
  CHECK(s["per_scenario"]["a"]["trials"] == 3);
  CHECK(s["per_scenario"]["a"]["errors"] == 1);
  // Was 0.5 (the error left out of n): the errored trial is a failed one.
  CHECK(s["per_scenario"]["a"]["pass_hat_k"]["1"] == doctest::Approx(1.0 / 3));
  CHECK(s["per_scenario"]["a"]["pass_hat_k"]["3"] == doctest::Approx(0.0));
  CHECK(s["pass_hat_k"]["1"] == doctest::Approx(2.0 / 3));  // mean of 1/3 and 1.0
  CHECK(s["pass_hat_k"]["3"] == doctest::Approx(0.5));      // was 1.0: only b counted at k = 3
  CHECK(s["k"] == 3);
  CHECK(s["k_max"] == 3);
  // The infrastructure-excluded figure, as before: a has 2 completed trials, so it stops at k = 2.
  CHECK(s["per_scenario"]["a"]["pass_hat_k_excluding_errors"]["1"] == doctest::Approx(0.5));
  CHECK(s["pass_hat_k_excluding_errors"]["1"] == doctest::Approx(0.75));
  CHECK(s["k_max_excluding_errors"] == 2);
  CHECK_FALSE(s["pass_hat_k_excluding_errors"].contains("3"));
}
