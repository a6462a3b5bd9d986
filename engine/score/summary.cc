#include "score/summary.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "score/passk.h"

namespace spar::score {

namespace {

struct Tally {
  int n = 0;       // completed trials
  int passes = 0;
  int errors = 0;  // trials that ended in an infrastructure error
};

double round6(double x) { return std::round(x * 1e6) / 1e6; }

int64_t int_field(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? it->get<int64_t>() : 0;
}

}  // namespace

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  size_t idx = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return values[std::min(idx, values.size() - 1)];
}

json summarize(const std::vector<json>& records) {
  std::map<std::string, Tally> tallies;
  std::map<std::string, int> error_kinds;
  int conversations = 0, completed = 0, errors = 0;
  int64_t prompt = 0, completion = 0, requests = 0, tool_calls = 0, turns = 0;
  int with_usage = 0;
  std::vector<double> latencies;

  for (const auto& r : records) {
    ++conversations;
    Tally& t = tallies[r.value("scenario", std::string("?"))];
    if (r.value("status", std::string()) == "completed") {
      ++completed;
      ++t.n;
      if (r.value("pass", false)) ++t.passes;
    } else {
      ++errors;
      ++t.errors;
      std::string kind = "unknown";
      if (auto e = r.find("error"); e != r.end() && e->is_object()) kind = e->value("kind", kind);
      ++error_kinds[kind];
    }
    if (auto u = r.find("usage"); u != r.end() && u->is_object()) {
      ++with_usage;
      prompt += int_field(*u, "prompt_tokens");
      completion += int_field(*u, "completion_tokens");
      requests += int_field(*u, "agent_requests");
      tool_calls += int_field(*u, "tool_calls");
      if (auto l = u->find("turn_latency_ms"); l != u->end() && l->is_array()) {
        for (const auto& x : *l) {
          if (x.is_number()) latencies.push_back(x.get<double>());
        }
      }
    }
    turns += int_field(r, "turns");
  }

  int k_max = 0;
  for (const auto& [id, t] : tallies) k_max = std::max(k_max, t.n);

  json per_scenario = json::object();
  std::vector<double> hat_sum(static_cast<size_t>(k_max) + 1, 0.0), at_sum(hat_sum);
  std::vector<int> counted(hat_sum.size(), 0);
  for (const auto& [id, t] : tallies) {
    json s = {{"n", t.n}, {"passes", t.passes}, {"errors", t.errors}};
    json hat = json::object(), at = json::object();
    for (int k = 1; k <= t.n; ++k) {
      double h = pass_hat_k(t.n, t.passes, k), a = pass_at_k(t.n, t.passes, k);
      hat[std::to_string(k)] = round6(h);
      at[std::to_string(k)] = round6(a);
      hat_sum[k] += h;
      at_sum[k] += a;
      ++counted[k];
    }
    s["pass_hat_k"] = hat;
    s["pass_at_k"] = at;
    per_scenario[id] = s;
  }

  // Overall: at each k, the mean over the scenarios with at least k completed trials.
  json hat = json::object(), at = json::object();
  for (int k = 1; k <= k_max; ++k) {
    hat[std::to_string(k)] = round6(hat_sum[k] / counted[k]);
    at[std::to_string(k)] = round6(at_sum[k] / counted[k]);
  }

  json usage = json::object();
  if (with_usage > 0) {
    double n = with_usage;
    usage = {{"prompt_tokens", prompt},
             {"completion_tokens", completion},
             {"agent_requests", requests},
             {"agent_requests_per_conversation", round6(static_cast<double>(requests) / n)},
             {"tool_calls", tool_calls},
             {"tool_calls_per_conversation", round6(static_cast<double>(tool_calls) / n)},
             {"turn_latency_ms", {{"p50", round6(percentile(latencies, 50))}, {"p95", round6(percentile(latencies, 95))}}}};
  }

  return json{{"conversations", conversations},
              {"completed", completed},
              {"errors", errors},
              {"error_kinds", error_kinds},
              {"scenarios", static_cast<int>(tallies.size())},
              {"turns", turns},
              {"k", k_max},
              {"pass_hat_k", hat},
              {"pass_at_k", at},
              {"per_scenario", per_scenario},
              {"checkpoints", json::object()},
              {"recovery", json::object()},
              {"policy", json::object()},
              {"reliability", json::object()},
              {"usage", usage}};
}

}  // namespace spar::score
