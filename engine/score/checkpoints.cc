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
  json checkpoints = json::object();
  json first, last;
  int prev = 0;
  for (int c : cps) {
    std::string key = std::to_string(c);
    if (last_turn < c) {
      checkpoints[key] = nullptr;
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
    std::vector<double> dims;
    for (const char* d : {"policy", "recovery", "retention", "judge"}) {
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
  for (const char* d : {"policy", "recovery", "retention", "progress", "judge", "quality"}) {
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
