#include "score/evidence.h"

#include <cmath>
#include <map>
#include <string>

#include "base/json_util.h"

namespace spar::score {

namespace {

const char* const kDecidedBy[] = {"action", "state", "judge", "text", "unscored"};
const char* const kConfusion[] = {"correction", "intent_change", "interruption", "ambiguity", "contradiction",
                                  "topic_switch"};

bool confusion(const std::string& type) {
  for (const char* t : kConfusion) {
    if (type == t) return true;
  }
  return false;
}

json counts() {
  json c = json::object();
  for (const char* k : kDecidedBy) c[k] = 0;
  return c;
}

std::string decided_by(const json& verdict) {
  std::string d = verdict.is_object() ? verdict.value("decided_by", std::string("unscored")) : "unscored";
  return counts().contains(d) ? d : "unscored";
}

}  // namespace

void evidence_mix(const std::vector<const json*>& records, const CaseKeys& keys, json& summary) {
  json events = counts(), probes = counts(), violations = {{"action", 0}, {"text", 0}};
  std::map<std::string, std::pair<int, int>> by;  // decided_by -> (recovered, scored)
  std::map<std::string, int> unread_in;
  int unread = 0;
  for (const json* r : records) {
    const json& score = member(*r, "score");
    const json& observed = member(*r, "events");
    const json& judged = member(score, "events");
    std::string scenario = keys.key(*r);  // per_scenario is keyed by case
    for (size_t i = 0; observed.is_array() && i < observed.size(); ++i) {
      std::string type = observed[i].is_object() ? observed[i].value("type", std::string()) : "";
      if (type == "unread") {
        ++unread;
        ++unread_in[scenario];
      }
      if (!confusion(type)) continue;
      const json& v = judged.is_array() && i < judged.size() ? judged[i] : json();
      std::string d = decided_by(v);
      events[d] = events[d].get<int>() + 1;
      if (d != "unscored" && v.contains("recovered") && v["recovered"].is_boolean()) {
        auto& [rec, scored] = by[d];
        ++scored;
        rec += v["recovered"].get<bool>() ? 1 : 0;
      }
    }
    for (const auto& p : member(score, "probes")) {
      std::string d = decided_by(p);
      probes[d] = probes[d].get<int>() + 1;
    }
    for (const auto& v : member(score, "violations")) {
      std::string d = v.is_object() && v.value("action", std::string()) == "tool_call" ? "action" : "text";
      violations[d] = violations[d].get<int>() + 1;
    }
  }
  summary["evidence"] = {{"events", events}, {"probes", probes}, {"violations", violations}};
  json by_evidence = json::object();
  for (const char* d : kDecidedBy) {
    if (std::string(d) == "unscored") continue;
    auto [rec, scored] = by[d];
    by_evidence[d] = {{"recovered", rec},
                      {"scored", scored},
                      {"rate", scored ? json(std::round(1e6 * rec / scored) / 1e6) : json(nullptr)}};
  }
  if (!summary["recovery"].is_object()) summary["recovery"] = json::object();
  summary["recovery"]["by_evidence"] = std::move(by_evidence);
  summary["unread"] = unread;
  if (summary.contains("per_scenario") && summary["per_scenario"].is_object()) {
    for (auto& [id, s] : summary["per_scenario"].items()) {
      if (s.is_object()) s["unread"] = unread_in.count(id) ? unread_in[id] : 0;
    }
  }
}

}  // namespace spar::score
