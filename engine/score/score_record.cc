#include "score/score_record.h"

#include <algorithm>

#include "base/json_util.h"
#include "score/expectations.h"

namespace spar::score {

ScenarioChecks carried_checks(const json& old_score) {
  ScenarioChecks c;
  if (!old_score.is_object() || old_score.value("decided_by", std::string()) == "unscored") return c;
  c.checked = true;
  if (old_score.contains("goal_met") && old_score["goal_met"].is_boolean()) c.goal_met = old_score["goal_met"].get<bool>();
  c.goal_evidence = old_score.value("goal_evidence", std::string());
  c.policy_count = old_score.value("policy_count", 0);
  if (old_score.contains("violations") && old_score["violations"].is_array()) c.violations = old_score["violations"];
  if (old_score.contains("warnings") && old_score["warnings"].is_array()) {
    for (const auto& w : old_score["warnings"]) {
      if (w.is_object() && w.value("kind", std::string()) == "policy_error") c.warnings.push_back(w);
    }
  }
  if (old_score.contains("judgements")) c.judgements = old_score["judgements"];
  // The tool count is not kept in a score; a scored steps value anywhere says there were tools
  // (steps is only ever scored for a failing conversation of a scenario with tools).
  for (const auto& [key, w] : member(old_score, "checkpoints").items()) {
    if (w.is_object() && w.contains("steps") && w["steps"].is_number()) c.tool_count = 1;
  }
  return c;
}

Score score_record(const record::Record& record, const ScenarioChecks& checks, const RecordScoreOptions& options) {
  // score_conversation() works over the observations in the layout it was written for.
  std::vector<int> checkpoints = options.checkpoints ? *options.checkpoints : record.checkpoint_turns;
  if (checkpoints.empty()) checkpoints = {3, 8, 15, 25};  // the defaults of a record that names none
  json work = {{"turns", record.turns},
               {"transcript", record.transcript},
               {"events", record.events},
               {"probes", record.probes},
               {"progress", record.progress},
               {"policy_count", checks.policy_count},
               {"tool_count", checks.tool_count},
               {"max_turns", record.max_turns ? json(*record.max_turns) : json(nullptr)},
               {"goal_met", !record.errored() && checks.goal_met ? json(*checks.goal_met) : json(nullptr)},
               {"violations", checks.violations},
               {"checkpoint_turns", checkpoints}};
  if (checks.judgements.is_object()) work["judgements"] = checks.judgements;
  score_conversation(work, {options.recovery_turns});

  json s;
  s["scorer"] = {{"version", kScorerVersion},
                 {"schema_version", record::kSchemaVersion},
                 {"options",
                  {{"recovery_turns", options.recovery_turns},
                   {"checkpoints", checkpoints},
                   {"judge", options.judge ? json(*options.judge) : json(nullptr)},
                   {"scenario", options.scenario ? json(*options.scenario) : json(nullptr)}}}};
  // A critical or major violation blocks a pass (a violation without a severity is major, as
  // everywhere else); a minor one only lowers the policy dimension.
  bool blocking = false;
  for (const auto& v : checks.violations) blocking = blocking || v.value("severity", "major") != "minor";
  if (record.errored()) {
    s["pass"] = false;
    s["decided_by"] = "error";
    s["goal_met"] = nullptr;
  } else if (checks.checked) {
    s["goal_met"] = checks.goal_met ? json(*checks.goal_met) : json(nullptr);
    if (checks.goal_met == false && !checks.goal_evidence.empty()) s["goal_evidence"] = checks.goal_evidence;
    s["pass"] = checks.goal_met.value_or(false) && !blocking;
    s["decided_by"] = "goal";
    // A policy rule or the goal failed with a script error while the record was rescored: the
    // scenario could not judge it, so it fails (never a pass) and says why.
    for (const auto& w : checks.warnings) {
      std::string kind = w.value("kind", "");
      if (kind != "policy_error" && kind != "scenario_error") continue;
      s["pass"] = false;
      s["decided_by"] = "script_error";
      break;
    }
  } else if (record.label && record.label->is_object() && (*record.label)["pass"].is_boolean()) {
    s["goal_met"] = nullptr;
    s["pass"] = (*record.label)["pass"];
    s["decided_by"] = "label";
  } else {
    s["goal_met"] = nullptr;
    s["pass"] = false;
    s["decided_by"] = "unscored";
  }
  // r:expect{}: every expectation must be met; a failed one fails the conversation (an error, if
  // any, still decided it).
  s["expectations"] = score_expectations(work["transcript"], record.expectations);
  bool all_met = std::all_of(s["expectations"].begin(), s["expectations"].end(), [](const json& x) { return x["met"] == true; });
  if (!all_met) {
    s["pass"] = false;
    if (!record.errored() && s["decided_by"] != "script_error") s["decided_by"] = "expectation";
  }
  s["policy_count"] = checks.policy_count;
  s["violations"] = checks.violations;
  json events = json::array();
  for (const auto& e : work["events"]) {
    json v = {{"recovered", e.value("recovered", json())},
              {"turns_to_recover", e.value("turns_to_recover", json())},
              {"leaked", e.value("leaked", json())},
              {"leak_turn", e.value("leak_turn", json())}};
    v["decided_by"] = e.value("decided_by", "unscored");
    if (e.contains("unscored")) v["unscored"] = e["unscored"];
    events.push_back(std::move(v));
  }
  s["events"] = std::move(events);
  json probes = json::array();
  for (const auto& p : work["probes"]) {
    json v = {{"answered", p.value("answered", json())}, {"decided_by", p.value("decided_by", "unscored")}};
    if (p.contains("unscored")) v["unscored"] = p["unscored"];
    probes.push_back(std::move(v));
  }
  s["probes"] = std::move(probes);
  for (auto& v : s["violations"]) {
    if (v.is_object()) v["decided_by"] = v.value("action", "") == "tool_call" ? "action" : "text";
  }
  s["checkpoints"] = work["checkpoints"];
  s["degradation"] = work["degradation"];
  s["final_quality"] = work["final_quality"];
  if (checks.judgements.is_object()) s["judgements"] = checks.judgements;
  s["warnings"] = checks.warnings;
  return s;
}

}  // namespace spar::score
