// Cases (issue 17, point 1): a scenario played by several personas is one case per persona in
// summary.json, the console table, junit.xml, gates and spar diff, never one pooled task. Every
// figure below is worked out by hand from the records written here.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "report/diff.h"
#include "report/junit.h"
#include "report/report.h"
#include "score/cases.h"
#include "score/metrics.h"
#include "score/summary.h"

using namespace spar;
using json = nlohmann::json;

namespace {

json played(const std::string& scenario, const json& persona, int t, bool pass) {
  return {{"schema_version", 1}, {"scenario", scenario}, {"persona", persona}, {"trial", t},
          {"ended", "persona_done"}, {"error", nullptr},
          {"score", {{"pass", pass}, {"decided_by", "goal"}, {"goal_met", pass}, {"violations", json::array()}}}};
}

// x played by a (2 of 2 pass) and by b (0 of 2); y by a alone (2 of 3). Pooled as one task, x
// would be 2 passes of 4 trials: pass^2 = C(2,2)/C(4,2) = 1/6, not (1 + 0) / 2.
std::vector<json> two_personas() {
  std::vector<json> r = {played("shop/x", "a", 1, true),  played("shop/x", "a", 2, true),
                         played("shop/x", "b", 1, false), played("shop/x", "b", 2, false),
                         played("shop/y", "a", 1, true),  played("shop/y", "a", 2, true),
                         played("shop/y", "a", 3, false)};
  // b: one correction it recovered from, one it did not, and a policy violation.
  r[2]["events"] = {{{"type", "correction"}, {"turn", 2}}, {{"type", "correction"}, {"turn", 4}}};
  r[2]["score"]["events"] = {{{"recovered", true}}, {{"recovered", false}}};
  r[3]["score"]["violations"] = {{{"rule", "no_refund"}, {"severity", "major"}, {"turn", 1}}};
  return r;
}

std::string table_of(const json& summary) {
  std::FILE* f = std::tmpfile();
  report::print_table(summary, f);
  std::rewind(f);
  std::string out;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  std::fclose(f);
  return out;
}

}  // namespace

TEST_CASE("cases: a scenario is its own case with one persona, scenario@persona with several") {
  std::vector<json> r = two_personas();
  r.push_back(played("shop/z", nullptr, 1, true));  // an inline persona, alone on z
  r.push_back(played("shop/w", nullptr, 1, true));  // w: inline and c
  r.push_back(played("shop/w", "c", 1, true));
  score::CaseKeys keys(r);
  CHECK(keys.key(r[0]) == "shop/x@a");
  CHECK(keys.key(r[2]) == "shop/x@b");
  CHECK(keys.key(r[4]) == "shop/y");
  CHECK(keys.key(r[7]) == "shop/z");
  CHECK(keys.key(r[8]) == "shop/w@(inline)");
  CHECK(keys.key(r[9]) == "shop/w@c");
  CHECK(keys.personas() == 4);  // a, b, c and the inline one
  // The key depends on the records considered: y among a's records only is still "shop/y", x is "shop/x".
  score::CaseKeys only_a(std::vector<json>{r[0], r[4]});
  CHECK(only_a.key(r[0]) == "shop/x");
}

TEST_CASE("cases: summary.json's pass^k is per case, never pooled over a scenario's personas") {
  json s = score::summarize(two_personas());
  REQUIRE(s["per_scenario"].size() == 3);
  CHECK_FALSE(s["per_scenario"].contains("shop/x"));
  const json& xa = s["per_scenario"]["shop/x@a"];
  const json& xb = s["per_scenario"]["shop/x@b"];
  CHECK(xa["scenario"] == "shop/x");
  CHECK(xa["persona"] == "a");
  CHECK(xa["trials"] == 2);
  CHECK(xa["pass_hat_k"]["2"].get<double>() == doctest::Approx(1.0));
  CHECK(xb["pass_hat_k"]["2"].get<double>() == doctest::Approx(0.0));
  CHECK(s["per_scenario"]["shop/y"]["persona"] == "a");
  // Overall: the mean over the three cases, k up to the fewest trials (2).
  CHECK(s["k_max"] == 2);
  CHECK(s["pass_hat_k"]["1"].get<double>() == doctest::Approx((1.0 + 0.0 + 2.0 / 3) / 3).epsilon(1e-5));
  CHECK(s["pass_hat_k"]["2"].get<double>() == doctest::Approx((1.0 + 0.0 + 1.0 / 3) / 3).epsilon(1e-5));
  CHECK(s["scenarios"] == 2);
  CHECK(s["cases"] == 3);
  CHECK(s["personas"] == 2);
}

TEST_CASE("cases: per_persona holds each persona's cases, pass^k over them, recovery and violations") {
  json s = score::summarize(two_personas());
  REQUIRE(s.contains("per_persona"));
  const json& a = s["per_persona"]["a"];
  const json& b = s["per_persona"]["b"];
  CHECK(a["cases"] == json({"shop/x@a", "shop/y"}));
  CHECK(a["n"] == 5);
  CHECK(a["passes"] == 4);
  CHECK(a["k_max"] == 2);
  // a: x@a 2 of 2, y 2 of 3: pass^1 = (1 + 2/3) / 2, pass^2 = (1 + 1/3) / 2.
  CHECK(a["pass_hat_k"]["1"].get<double>() == doctest::Approx(5.0 / 6).epsilon(1e-5));
  CHECK(a["pass_hat_k"]["2"].get<double>() == doctest::Approx(2.0 / 3).epsilon(1e-5));
  CHECK(a["recovery"]["rate"].is_null());  // no events: unscored, not credited
  CHECK(b["recovery"]["scored"] == 2);
  CHECK(b["recovery"]["rate"].get<double>() == doctest::Approx(0.5));
  CHECK(b["violations"] == 1);
  CHECK(a["violations"] == 0);
  CHECK(score::shows_personas(s));

  // One persona: no per_persona; each scenario its own persona: the block would be the table.
  json one = score::summarize(std::vector<json>{played("shop/x", "a", 1, true), played("shop/y", "a", 1, true)});
  CHECK_FALSE(one.contains("per_persona"));
  CHECK(one["personas"] == 1);
  json diagonal = score::summarize(std::vector<json>{played("shop/x", "a", 1, true), played("shop/y", "b", 1, true)});
  CHECK(diagonal["per_scenario"].contains("shop/x"));
  CHECK_FALSE(score::shows_personas(diagonal));
}

TEST_CASE("cases: the console table has a row per case and a per-persona block") {
  json s = score::summarize(two_personas());
  std::string t = table_of(s);
  CAPTURE(t);
  CHECK(t.find("shop/x@a ") != std::string::npos);
  CHECK(t.find("shop/x@b ") != std::string::npos);
  CHECK(t.find("overall (3 cases, 2 scenarios)") != std::string::npos);
  CHECK(t.find("@a ") != std::string::npos);
  CHECK(t.find("0.667 (k=2)") != std::string::npos);
  CHECK(t.find("0.000 (k=2)") != std::string::npos);
  std::string plain = table_of(score::summarize(std::vector<json>{played("shop/x", "a", 1, true)}));
  CHECK(plain.find("persona") == std::string::npos);
}

TEST_CASE("cases: junit.xml has one testcase per case") {
  auto records = two_personas();
  json s = score::summarize(records);
  std::string xml = report::render_junit(s, records);
  CHECK(xml.find("tests=\"3\"") != std::string::npos);
  CHECK(xml.find("<testcase name=\"shop/x@a\" classname=\"spar.shop\"") != std::string::npos);
  CHECK(xml.find("<testcase name=\"shop/x@b\" classname=\"spar.shop\"") != std::string::npos);
  CHECK(xml.find("<testcase name=\"shop/x\"") == std::string::npos);
}

TEST_CASE("cases: gates may be scoped to a case, a one-case scenario or a persona") {
  json s = score::summarize(two_personas());
  auto check = [&](const std::string& text) {
    auto g = score::parse_gate(text);
    REQUIRE_MESSAGE(g.ok(), text);
    return score::check_gates(s, {*g}).front();
  };
  CHECK(check("shop/x@a:pass^2>=1").held);
  CHECK_FALSE(check("shop/x@b:pass^1>=0.5").held);
  CHECK(check("shop/y:pass^1>=0.66").held);         // a scenario that is one case
  CHECK(check("shop/y@a:pass^1>=0.66").held);       // the same case by its pair
  CHECK(check("@a:pass^2>=0.66").held);
  CHECK_FALSE(check("@b:pass^1>=0.5").held);
  CHECK(check("@b:recovery>=0.5").held);
  CHECK(check("@b:violations<=0.5").held);          // 1 violation in 2 completed conversations
  CHECK_FALSE(check("@b:violations<0.5").held);
  CHECK(check("@b:pass^1<=0").message == "@b:pass^1 = 0, needs <= 0");

  // A scope the run lacks fails, naming the nearest scopes.
  auto x = check("shop/x:pass^1>=0");
  CHECK_FALSE(x.held);
  CHECK(x.message == "shop/x is played by 2 personas in this run, one case each: shop/x@a, shop/x@b");
  auto typo = check("@bb:pass^1>=0");
  CHECK_FALSE(typo.held);
  CHECK(typo.message.find("did you mean @b") != std::string::npos);
  auto one = score::summarize(std::vector<json>{played("shop/x", "a", 1, true)});
  auto g = score::parse_gate("@a:pass^1>=0");
  auto lone = score::check_gates(one, {*g}).front();
  CHECK_FALSE(lone.held);
  CHECK(lone.message.find("no per-persona figures") != std::string::npos);

  // What a scope does not measure is a parse error; so is an empty scope.
  CHECK_FALSE(score::parse_gate("@a:quality@25>=0.5").ok());
  CHECK_FALSE(score::parse_gate("shop/x@a:recovery>=0.5").ok());
  CHECK_FALSE(score::parse_gate(":pass^1>=0.5").ok());
  CHECK_FALSE(score::parse_gate("@:pass^1>=0.5").ok());
  CHECK(score::parse_gate("quality@25>=0.5")->scope.empty());
}

TEST_CASE("cases: spar diff matches cases by (scenario, persona); one-sided cases are not regressions") {
  // BASE played x with a alone (case "shop/x") and y with a; NEW played x with a and b, y with a.
  std::vector<json> base_records = {played("shop/x", "a", 1, true), played("shop/x", "a", 2, true),
                                    played("shop/y", "a", 1, true), played("shop/y", "a", 2, true)};
  json base = score::summarize(base_records);
  REQUIRE(base["per_scenario"].contains("shop/x"));
  json now = score::summarize(two_personas());
  auto m = report::match_cases(base, now);
  CHECK(m.shared == std::vector<std::pair<std::string, std::string>>{{"shop/x", "shop/x@a"}, {"shop/y", "shop/y"}});
  CHECK(m.added == std::vector<std::string>{"shop/x@b"});
  CHECK(m.removed.empty());

  auto d = report::diff_summaries(base, now, {});
  REQUIRE(d.ok());
  CHECK(d->added == std::vector<std::string>{"shop/x@b"});
  CHECK(d->matched == std::vector<std::string>{"shop/x -> shop/x@a"});
  bool compared_xa = false;
  for (const auto& r : d->rows) {
    CHECK(r.scope != "shop/x@b");  // added: listed, never compared, never a regression
    if (r.scope == "shop/x@a" && r.metric == "pass^1") {
      compared_xa = true;
      CHECK(*r.base == doctest::Approx(1.0));
      CHECK(*r.now == doctest::Approx(1.0));
    }
  }
  CHECK(compared_xa);
  for (const auto& line : d->regressions) CHECK(line.find("shop/x@b") == std::string::npos);
  std::string text = report::render_diff(*d, "table", {});
  CHECK(text.find("new case: shop/x@b") != std::string::npos);

  // Another persona on one side is another case: BASE's x by c does not match NEW's x@a.
  json other = score::summarize(std::vector<json>{played("shop/x", "c", 1, false)});
  auto mo = report::match_cases(other, now);
  CHECK(mo.shared.empty());
  CHECK(mo.removed == std::vector<std::string>{"shop/x"});

  // A summary from before cases (no scenario/persona in its entries) matches by key.
  json old = base;
  for (auto& [id, e] : old["per_scenario"].items()) {
    e.erase("scenario");
    e.erase("persona");
  }
  auto mk = report::match_cases(old, now);
  CHECK(mk.shared == std::vector<std::pair<std::string, std::string>>{{"shop/y", "shop/y"}});
  CHECK(mk.removed == std::vector<std::string>{"shop/x"});
}

TEST_CASE("cases: spar diff compares each persona both runs report, on its pass^1") {
  std::vector<json> before, after;
  for (int t = 1; t <= 3; ++t) {
    before.push_back(played("shop/x", "a", t, true));
    before.push_back(played("shop/x", "b", t, true));
    after.push_back(played("shop/x", "a", t, true));
    after.push_back(played("shop/x", "b", t, false));  // b now fails every trial
  }
  auto d = report::diff_summaries(score::summarize(before), score::summarize(after), {});
  REQUIRE(d.ok());
  bool row = false;
  for (const auto& r : d->rows) {
    if (r.scope != "@b") continue;
    row = true;
    CHECK(r.metric == "pass^1");
    CHECK(r.test == "fisher");
    CHECK(r.regression);  // 3 of 3 -> 0 of 3: p = 1 / C(6, 3) = 0.05
  }
  CHECK(row);
  bool named = false;
  for (const auto& line : d->regressions) named = named || line.starts_with("@b pass^1: 1.000 -> 0.000");
  CHECK(named);
  for (const auto& r : d->rows) CHECK_FALSE((r.scope == "@a" && r.regression));
}
