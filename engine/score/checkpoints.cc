#include "score/checkpoints.h"

#include <algorithm>
#include <string>
#include <vector>

#include "score/recovery.h"

namespace spar::score {

namespace {

json mean_or_null(const std::vector<double>& xs) {
  if (xs.empty()) return nullptr;
  double sum = 0;
  for (double x : xs) sum += x;
  return sum / static_cast<double>(xs.size());
}

}  // namespace

void score_checkpoints(json& record) {
  const int last_turn = record.value("turns", 0);
  std::vector<int> cps = {3, 8, 15, 25};
  if (record.contains("checkpoint_turns") && record["checkpoint_turns"].is_array()) {
    cps = record["checkpoint_turns"].get<std::vector<int>>();
  }
  const int policy_count = record.value("policy_count", 0);
  // Inaction is not quality (docs/metrics.md): in a conversation whose goal was not met, a
  // window without a successful tool call scores steps = 0, and a checkpoint it ended before
  // (within max_turns) scores quality 0. Both need a failed goal and a scenario with tools.
  const bool failed = record.contains("goal_met") && record["goal_met"].is_boolean() && !record["goal_met"].get<bool>();
  const bool has_tools = record.value("tool_count", 0) > 0;
  const bool judge_inaction = failed && has_tools;
  const int max_turns = record.contains("max_turns") && record["max_turns"].is_number() ? record["max_turns"].get<int>() : 0;
  std::vector<int> tool_ok_turns;  // turns with a tool result that is not an error
  for (const auto& m : record.value("transcript", json::array())) {
    if (m.value("role", "") == "tool" && !m.value("error", false)) tool_ok_turns.push_back(m.value("turn", 0));
  }
  json checkpoints = json::object();
  json first, last;
  int prev = 0;
  for (int c : cps) {
    std::string key = std::to_string(c);
    if (last_turn < c) {
      // Stopping early does not spare a failing conversation its unreached windows.
      bool reachable = max_turns == 0 || c <= max_turns;
      checkpoints[key] = judge_inaction && reachable ? json{{"policy", nullptr}, {"recovery", nullptr},
                                                            {"retention", nullptr}, {"progress", nullptr},
                                                            {"judge", nullptr}, {"steps", 0.0},
                                                            {"quality", 0.0}, {"unreached", true}}
                                                      : json(nullptr);
      prev = c;
      continue;
    }
    auto in_window = [&](const json& x) {
      int t = x.value("turn", 0);
      return t > prev && t <= c;
    };
    json w = json::object();
    // policy
    if (policy_count > 0) {
      double penalty = 0;
      bool critical = false;
      for (const auto& v : record.value("violations", json::array())) {
        if (!in_window(v)) continue;
        std::string sev = v.value("severity", "major");
        if (sev == "critical") critical = true;
        penalty += sev == "minor" ? kMinorWeight : kMajorWeight;
      }
      w["policy"] = critical ? 0.0 : std::max(0.0, 1.0 - penalty);
    } else {
      w["policy"] = nullptr;
    }
    // recovery
    std::vector<double> rec;
    for (const auto& e : record.value("events", json::array())) {
      if (in_window(e) && e.contains("recovered") && e["recovered"].is_boolean()) rec.push_back(e["recovered"] ? 1 : 0);
    }
    w["recovery"] = mean_or_null(rec);
    // retention
    std::vector<double> ret;
    for (const auto& p : record.value("probes", json::array())) {
      if (in_window(p) && p.contains("answered") && p["answered"].is_boolean()) ret.push_back(p["answered"] ? 1 : 0);
    }
    w["retention"] = mean_or_null(ret);
    // progress and judge come from the conversation
    w["progress"] = record.contains("progress") && record["progress"].contains(key) ? record["progress"][key] : json(nullptr);
    json judge = nullptr;
    if (record.contains("judgements") && record["judgements"].contains(key)) {
      const json& j = record["judgements"][key];
      if (j.is_object() && j.contains("score") && j["score"].is_number()) judge = j["score"];
    }
    w["judge"] = judge;
    w["steps"] = nullptr;
    if (judge_inaction) {
      bool acted = std::any_of(tool_ok_turns.begin(), tool_ok_turns.end(), [&](int t) { return t > prev && t <= c; });
      w["steps"] = acted ? 1.0 : 0.0;
    }
    std::vector<double> dims;
    for (const char* d : {"policy", "recovery", "retention", "judge", "steps"}) {
      if (w[d].is_number()) dims.push_back(w[d].get<double>());
    }
    w["quality"] = mean_or_null(dims);
    checkpoints[key] = w;
    prev = c;
  }
  record["checkpoints"] = checkpoints;

  // Degradation per dimension: the last reached checkpoint with a value minus the first.
  json degradation = json::object();
  json final_quality = nullptr;
  for (const char* d : {"policy", "recovery", "retention", "progress", "judge", "steps", "quality"}) {
    json a = nullptr, b = nullptr;
    for (int c : cps) {
      const json& w = checkpoints[std::to_string(c)];
      if (w.is_null() || !w[d].is_number()) continue;
      if (a.is_null()) a = w[d];
      b = w[d];
    }
    degradation[d] = a.is_null() ? json(nullptr) : json(b.get<double>() - a.get<double>());
    if (std::string(d) == "quality") final_quality = b;
  }
  record["degradation"] = degradation;
  record["final_quality"] = final_quality;
}

}  // namespace spar::score
