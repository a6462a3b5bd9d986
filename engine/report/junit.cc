#include "report/junit.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "base/plural.h"
#include "base/json_util.h"
#include "score/cases.h"

namespace spar::report {

namespace {

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters; replace them.
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') out += '?';
        else out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string why_failed(const json& r) {
  if (!member(r, "error").is_null()) {
    std::string kind = "error", message;
    if (r.contains("error") && r["error"].is_object()) {
      kind = r["error"].value("kind", kind);
      message = r["error"].value("message", "");
    }
    return fmt::format("error ({}): {}", kind, message);
  }
  const json& score = member(r, "score");
  if (!score.is_object()) return "not scored";
  // A critical or a major violation fails a conversation (docs/metrics.md): the worst is named.
  for (const char* severity : {"critical", "major"}) {
    for (const auto& v : score.value("violations", json::array())) {
      if (v.value("severity", "major") == severity) {
        return fmt::format("{} violation at turn {}: {}", severity, v.value("turn", 0), v.value("rule", "?"));
      }
    }
  }
  if (score.value("decided_by", "") == "label") return "failed by its label";
  if (score.value("decided_by", "") == "unscored") return "not scored";
  if (score.value("goal_met", json(true)) == false) return "goal not met";
  return "failed";
}

std::string render_junit(const json& summary, const std::vector<json>& records) {
  // One testcase per case (score/cases.h): a scenario played by several personas is one each.
  const score::CaseKeys keys(records);
  std::map<std::string, std::vector<const json*>> by_scenario;
  for (const auto& r : records) by_scenario[keys.key(r)].push_back(&r);

  int failures = 0, errors = 0;
  double total_time = 0;
  std::string cases;
  for (auto& [id, trials] : by_scenario) {
    std::sort(trials.begin(), trials.end(),
              [](const json* a, const json* b) { return a->value("trial", 0) < b->value("trial", 0); });
    double time = 0;
    std::vector<std::string> failed, errored;
    std::string out;
    for (const json* r : trials) {
      time += r->value("duration_ms", 0.0) / 1000.0;
      int trial = r->value("trial", 0);
      bool completed = member(*r, "error").is_null();
      bool passed = completed && member(*r, "score").value("pass", false);
      std::string verdict = passed ? "pass" : completed ? "fail" : "error";
      out += fmt::format("trial {}: {} ({}, seed {}){}\n", trial, verdict, count_of(r->value("turns", 0), "turn"),
                         r->value("seed", json(0)).dump(), passed ? "" : " - " + why_failed(*r));
      // A script error is the scenario failing the trial (a failure); the other errors are
      // the agent's or the network's (an <error>).
      bool script = !completed && member(member(*r, "error"), "kind") == "script";
      if (!passed) (completed || script ? failed : errored).push_back(fmt::format("trial {} ({})", trial, why_failed(*r)));
    }
    total_time += time;
    const json& s = member(member(summary, "per_scenario"), id);
    for (const auto& [k, v] : member(s, "pass_hat_k").items()) {
      out += fmt::format("pass^{} = {:.3f}\n", k, v.get<double>());
    }
    const std::string scenario = score::case_id(*trials.front()).scenario;
    auto dot = scenario.rfind('/');
    std::string classname = "spar." + (dot == std::string::npos ? std::string("scenarios") : scenario.substr(0, dot));
    cases += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3f}\">\n", xml_escape(id),
                         xml_escape(classname), time);
    if (!failed.empty()) {
      ++failures;
      std::string msg = fmt::format("{} of {} failed: ", failed.size(), count_of(trials.size(), "trial"));
      for (size_t i = 0; i < failed.size(); ++i) msg += (i ? "; " : "") + failed[i];
      cases += fmt::format("      <failure message=\"{}\" type=\"spar.trial_failed\">{}</failure>\n", xml_escape(msg),
                           xml_escape(msg));
    } else if (!errored.empty()) {
      ++errors;
      std::string msg = fmt::format("{} of {} ended in an infrastructure error: ", errored.size(), count_of(trials.size(), "trial"));
      for (size_t i = 0; i < errored.size(); ++i) msg += (i ? "; " : "") + errored[i];
      cases += fmt::format("      <error message=\"{}\" type=\"spar.infrastructure\">{}</error>\n", xml_escape(msg),
                           xml_escape(msg));
    }
    cases += fmt::format("      <system-out>{}</system-out>\n", xml_escape(out));
    cases += "    </testcase>\n";
  }
  std::string suite_props;
  for (const auto& [k, v] : member(summary, "pass_hat_k").items()) {
    suite_props += fmt::format("      <property name=\"pass^{}\" value=\"{:.3f}\"/>\n", k, v.get<double>());
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"spar\" tests=\"{0}\" failures=\"{1}\" errors=\"{2}\" time=\"{3:.3f}\">\n"
      "  <testsuite name=\"spar\" tests=\"{0}\" failures=\"{1}\" errors=\"{2}\" skipped=\"0\" time=\"{3:.3f}\">\n"
      "    <properties>\n{4}    </properties>\n"
      "{5}"
      "  </testsuite>\n"
      "</testsuites>\n",
      by_scenario.size(), failures, errors, total_time, suite_props.empty() ? "      <property name=\"k\" value=\"0\"/>\n" : suite_props, cases);
}

}  // namespace spar::report
