#include "score/graders.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "base/json_util.h"

namespace spar::score {

namespace {

const auto str = string_member;

// The judge's model: the spec's model= option ("openai:model=gpt-4o,base_url=..."), else the
// spec itself ("mock", "exec:cmd=...").
std::string judge_model(const std::string& spec) {
  auto at = spec.find("model=");
  while (at != std::string::npos && at != 0 && spec[at - 1] != ':' && spec[at - 1] != ',') at = spec.find("model=", at + 1);
  if (at == std::string::npos) return spec;
  auto end = spec.find(',', at);
  return spec.substr(at + 6, end == std::string::npos ? std::string::npos : end - at - 6);
}

// Why the conversation passed or failed, from the verdicts that decided it.
std::string outcome_rationale(const json& record, const json& s) {
  std::string by = str(s, "decided_by");
  if (by == "error") {
    const json& e = member(record, "error");
    return fmt::format("error: {} {}", str(e, "kind"), str(e, "message"));
  }
  if (by == "label") return fmt::format("the import's label ({})", member(record, "label").dump());
  if (by == "expectation") {
    for (const auto& x : member(s, "expectations")) {
      if (member(x, "met") == false) return "expectation failed: " + str(x, "message");
    }
    return "an expectation failed";
  }
  std::string why;
  const json& goal = member(s, "goal_met");
  if (goal.is_boolean()) {
    why = goal.get<bool>() ? "goal met" : "goal not met";
    if (!str(s, "goal_evidence").empty()) why += ": " + str(s, "goal_evidence");
  }
  for (const auto& v : member(s, "violations")) {
    std::string sev = str(v, "severity");
    if (sev == "minor") continue;
    why += fmt::format("; {} violation of {} at turn {}", sev.empty() ? "major" : sev, str(v, "rule"),
                       int_member(v, "turn"));
    if (!str(v, "evidence").empty()) why += " (" + str(v, "evidence") + ")";
  }
  return fmt::format("decided by {}: {}", by, why);
}

}  // namespace

std::string five_point(double score) {
  double q = std::round(std::clamp(score, 0.0, 1.0) * 4) / 4;
  if (q == 0) return "0";
  if (q == 1) return "1";
  return fmt::format("{:g}", q);
}

std::map<std::string, std::set<std::string>> violated_rules(const std::vector<json>& records) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& r : records) {
    for (const auto& v : member(member(r, "score"), "violations")) {
      if (!str(v, "rule").empty()) out[str(r, "scenario")].insert(str(v, "rule"));
    }
  }
  return out;
}

std::vector<Rating> grader_ratings(const json& record, const std::set<std::string>& scenario_rules) {
  std::vector<Rating> out;
  const json& s = member(record, "score");
  if (!s.is_object()) return out;
  json where = {{"run_id", str(record, "run_id")}, {"scenario", str(record, "scenario")},
                {"trial", int_member(record, "trial")}};
  auto add = [&](std::string grader, std::string item, std::string value, std::string rationale) {
    out.push_back({std::move(grader), "", std::move(item), std::move(value), std::move(rationale), where});
  };

  // outcome
  if (member(s, "pass").is_boolean() && str(s, "decided_by") != "unscored") {
    add("outcome", "conversation", s["pass"].get<bool>() ? "pass" : "fail", outcome_rationale(record, s));
  }
  // an import's own verdict
  const json& label = member(record, "label");
  if (member(label, "pass").is_boolean()) {
    std::string source = str(label, "source").empty() ? "import" : str(label, "source");
    std::string why = label.contains("reward") ? fmt::format("reward {}", label["reward"].dump()) : "the import's label";
    add("label:" + source, "conversation", label["pass"].get<bool>() ? "pass" : "fail", why);
  }
  // the judge, per checkpoint window
  std::string spec = str(member(member(s, "scorer"), "options"), "judge");
  const json& judgements = member(s, "judgements");
  if (judgements.is_object()) {
    std::string model = "judge:" + (spec.empty() ? std::string("unknown") : judge_model(spec));
    for (const auto& [turn, j] : judgements.items()) {
      if (!member(j, "score").is_number()) continue;
      // Per model and rubric: judge:<model>@<rubric fingerprint> (judgements before the
      // fingerprint was recorded name the model alone).
      std::string grader = str(j, "rubric").empty() ? model : model + "@" + str(j, "rubric");
      std::string why;
      for (const auto& reason : member(j, "reasons")) {
        if (reason.is_string() && !reason.get<std::string>().empty()) why += (why.empty() ? "" : " | ") + reason.get<std::string>();
      }
      why = fmt::format("score {}{}: {}", j["score"].dump(), member(j, "flaky") == true ? " (flaky)" : "", why);
      add(grader, "checkpoint:" + turn, five_point(j["score"].get<double>()), why);
    }
  }
  // recovery, per event, by the evidence that decided it
  const json& events = member(s, "events");
  static const json kNone = json::array();
  const json& raised = member(record, "events").is_array() ? member(record, "events") : kNone;
  for (size_t i = 0; events.is_array() && i < events.size(); ++i) {
    const json& e = events[i];
    std::string by = str(e, "decided_by");
    if (!member(e, "recovered").is_boolean() || by.empty() || by == "unscored") continue;
    std::string type = i < raised.size() ? str(raised[i], "type") : "";
    if (type.empty()) type = "event";
    std::string why = fmt::format("{} at turn {}, decided by {}", type, i < raised.size() ? int_member(raised[i], "turn") : 0, by);
    if (member(e, "turns_to_recover").is_number_integer()) why += fmt::format(": recovered in {} turns", int_member(e, "turns_to_recover"));
    if (member(e, "leaked").is_string()) why += fmt::format(": leaked '{}' at turn {}", str(e, "leaked"), int_member(e, "leak_turn"));
    add("recovery:" + by, fmt::format("event:{}", i), e["recovered"].get<bool>() ? "recovered" : "not_recovered", why);
  }
  // each policy rule
  std::map<std::string, std::string> broken;
  for (const auto& v : member(s, "violations")) {
    std::string rule = str(v, "rule");
    if (rule.empty()) continue;
    std::string msg = fmt::format("turn {}: {}", int_member(v, "turn"),
                                  !str(v, "message").empty() ? str(v, "message") : str(v, "evidence"));
    auto [it, fresh] = broken.try_emplace(rule, msg);
    if (!fresh) it->second += "; " + msg;
  }
  for (const auto& [rule, msg] : broken) add("policy:" + rule, "policy:" + rule, "violated", msg);
  int policies = int_member(s, "policy_count");
  if (policies > 0) {
    for (const auto& rule : scenario_rules) {
      if (broken.count(rule)) continue;
      bool errored = false;
      for (const auto& w : member(s, "warnings")) {
        errored = errored || (str(w, "kind") == "policy_error" &&
                              str(w, "message").find("policy '" + rule + "'") != std::string::npos);
      }
      if (errored) continue;
      add("policy:" + rule, "policy:" + rule, "not_violated",
          fmt::format("checked on every agent action ({} policies replayed); not broken", policies));
    }
  }
  return out;
}

}  // namespace spar::score
