#include "score/sample.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "base/json_util.h"
#include "base/hash.h"

namespace spar::score {

namespace {

std::optional<double> number(const json& j, const char* key) {
  const json& v = member(j, key);
  if (v.is_number()) return v.get<double>();
  return std::nullopt;
}

// The reasons one record is worth a look, each with its weight.
void weigh(const json& r, ReviewPick& p) {
  auto add = [&](int w, std::string why) {
    p.weight += w;
    p.reasons.push_back(std::move(why));
  };
  const json& sc = member(r, "score");
  const json& pass = member(sc, "pass");
  std::string ended = member(r, "ended").is_string() ? member(r, "ended").get<std::string>() : "";
  bool error = ended == "agent_error" || ended == "script_error";
  const json& label_pass = member(member(r, "label"), "pass");
  if (pass.is_boolean() && label_pass.is_boolean() && pass.get<bool>() != label_pass.get<bool>()) {
    add(5, fmt::format("graders disagree: spar says {}, the imported label says {}", pass.get<bool>() ? "pass" : "fail",
                       label_pass.get<bool>() ? "pass" : "fail"));
  }
  if (error) {
    add(1, fmt::format("stopped by an error ({})", ended));
  } else if (pass.is_boolean() && !pass.get<bool>()) {
    const json& by = member(sc, "decided_by");
    add(4, fmt::format("failed (decided by {})", by.is_string() ? by.get<std::string>() : "?"));
  }
  const json& judgements = member(sc, "judgements");
  const json& checkpoints = member(sc, "checkpoints");
  std::vector<std::pair<int, std::string>> windows;  // sorted by turn, not by key text
  if (judgements.is_object()) {
    for (const auto& [t, j] : judgements.items()) {
      if (member(j, "flaky") == true) windows.push_back({std::atoi(t.c_str()), "flaky"});
    }
  }
  if (checkpoints.is_object()) {
    for (const auto& [t, c] : checkpoints.items()) {
      auto judge = number(c, "judge");
      if (!judge) continue;
      double sum = 0;
      int n = 0;
      for (const char* d : {"policy", "recovery", "retention", "steps"}) {
        if (auto v = number(c, d)) sum += *v, ++n;
      }
      if (n && std::fabs(*judge - sum / n) >= 0.5) {
        windows.push_back({std::atoi(t.c_str()), fmt::format("judge {:.2f} vs code {:.2f}", *judge, sum / n)});
      }
    }
  }
  std::sort(windows.begin(), windows.end());
  for (const auto& [t, what] : windows) {
    add(3, what == "flaky" ? fmt::format("flaky judge in the window ending at turn {}", t)
                           : fmt::format("{} in the window ending at turn {}", what, t));
  }
  std::vector<std::string> by_text;
  auto texts = [&](const char* list, const char* name) {
    const json& xs = member(sc, list);
    if (!xs.is_array()) return;
    for (size_t i = 0; i < xs.size(); ++i) {
      if (member(xs[i], "decided_by") == "text") by_text.push_back(fmt::format("{} {}", name, i));
    }
  };
  texts("events", "event");
  texts("probes", "probe");
  texts("violations", "violation");
  if (!by_text.empty()) {
    add(2, fmt::format("decided by text evidence: {}", fmt::join(by_text, ", ")));
  }
}

}  // namespace

std::vector<ReviewPick> sample_for_review(const std::vector<json>& records, size_t n, uint64_t seed) {
  std::vector<ReviewPick> all;
  std::vector<uint64_t> tie;
  for (size_t i = 0; i < records.size(); ++i) {
    ReviewPick p;
    p.index = i;
    weigh(records[i], p);
    if (p.reasons.empty()) p.reasons.push_back(fmt::format("picked at random (seed {})", seed));
    all.push_back(std::move(p));
    tie.push_back(mix64(mix64(seed) ^ static_cast<uint64_t>(i)));
  }
  std::sort(all.begin(), all.end(), [&](const ReviewPick& a, const ReviewPick& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    if (tie[a.index] != tie[b.index]) return tie[a.index] < tie[b.index];
    return a.index < b.index;
  });
  if (all.size() > n) all.resize(n);
  return all;
}

}  // namespace spar::score
