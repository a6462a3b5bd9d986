#include "score/summary.h"

#include "score/expectations.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "base/json_util.h"
#include "record/record.h"
#include "score/passk.h"

namespace spar::score {

namespace {

const char* const kDimensions[] = {"policy", "recovery", "retention", "progress", "judge", "quality"};
const char* const kEventTypes[] = {"correction", "intent_change", "interruption", "ambiguity", "contradiction",
                                   "topic_switch"};

double round6(double x) { return std::round(x * 1e6) / 1e6; }

int64_t int_field(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? it->get<int64_t>() : 0;
}

// Student's t quantile for a two-sided 95% interval.
double t95(size_t df) {
  static const double table[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201, 2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
                                 2.074, 2.069,  2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < std::size(table)) return table[df];
  if (df < 60) return 2.01;
  if (df < 120) return 1.99;
  return 1.96;
}

bool errored(const json& r) { return !member(r, "error").is_null(); }

// A record's verdicts ("score"), or null when it has none.
const json& verdicts(const json& r) { return member(r, "score"); }

bool has_verdict(const json& r) {
  const json& s = verdicts(r);
  return s.is_object() && s.value("decided_by", std::string()) != "unscored";
}

// Checkpoint curves over a set of records: {"3": {dim: {mean, ci95, n}}, ...} in checkpoint order.
json curves(const std::vector<const json*>& records, std::vector<int>& order) {
  std::map<int, std::map<std::string, std::vector<double>>> values;
  for (const json* r : records) {
    const json& cps = member(verdicts(*r), "checkpoints");
    if (!cps.is_object()) continue;
    for (const auto& [key, w] : cps.items()) {
      int c = std::atoi(key.c_str());
      auto& slot = values[c];
      if (!w.is_object()) continue;
      for (const char* d : kDimensions) {
        if (w.contains(d) && w[d].is_number()) slot[d].push_back(w[d].get<double>());
      }
    }
  }
  json out = json::object();
  order.clear();
  for (auto& [c, dims] : values) {
    json w = json::object();
    for (const char* d : kDimensions) w[d] = dims.count(d) ? mean_ci95(dims[d]) : json(nullptr);
    out[std::to_string(c)] = w;
    order.push_back(c);
  }
  return out;
}

// Degradation of a curve: mean at the last checkpoint with data minus mean at the first.
json degradation(const json& curve, const std::vector<int>& order) {
  json out = json::object();
  for (const char* d : kDimensions) {
    json first = nullptr, last = nullptr;
    for (int c : order) {
      const json& cell = curve[std::to_string(c)][d];
      if (cell.is_null()) continue;
      if (first.is_null()) first = cell["mean"];
      last = cell["mean"];
    }
    out[d] = first.is_null() ? json(nullptr) : json(round6(last.get<double>() - first.get<double>()));
  }
  return out;
}

json reliability(const std::vector<const json*>& records) {
  std::vector<double> finals;
  for (const json* r : records) {
    const json& f = member(verdicts(*r), "final_quality");
    if (f.is_number()) finals.push_back(f.get<double>());
  }
  if (finals.empty()) return nullptr;
  double p90 = percentile(finals, 90), p10 = percentile(finals, 10);
  return {{"aptitude", round6(p90)}, {"unreliability", round6(p90 - p10)}, {"n", finals.size()}};
}

}  // namespace

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  double rank = p / 100.0 * static_cast<double>(values.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(rank));
  size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (rank - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

json mean_ci95(const std::vector<double>& values, double lo_clip, double hi_clip) {
  if (values.empty()) return nullptr;
  double n = static_cast<double>(values.size());
  double mean = 0;
  for (double v : values) mean += v;
  mean /= n;
  double half = 0;
  if (values.size() > 1) {
    double ss = 0;
    for (double v : values) ss += (v - mean) * (v - mean);
    half = t95(values.size() - 1) * std::sqrt(ss / (n - 1)) / std::sqrt(n);
  }
  return {{"mean", round6(mean)},
          {"ci95", {round6(std::max(lo_clip, mean - half)), round6(std::min(hi_clip, mean + half))}},
          {"n", values.size()}};
}

json summarize(const std::vector<json>& given, const SummaryOptions& options) {
  // Records an older spar wrote are read in today's layout.
  std::vector<json> upgraded;
  for (const auto& r : given) {
    if (!r.contains("schema_version")) upgraded.push_back(record::upgrade_v0(r));
  }
  std::vector<const json*> records;
  size_t next_upgraded = 0;
  for (const auto& r : given) records.push_back(r.contains("schema_version") ? &r : &upgraded[next_upgraded++]);
  struct Tally {
    int n = 0, passes = 0, errors = 0;
    std::vector<const json*> done;
  };
  std::map<std::string, Tally> tallies;
  std::map<std::string, int> error_kinds;
  std::vector<const json*> done;
  int conversations = 0, errors = 0, unscored = 0;
  int64_t prompt = 0, completion = 0, requests = 0, tool_calls = 0, turns = 0, user_requests = 0, judge_requests = 0;
  int with_usage = 0;
  std::vector<double> latencies;

  for (const json* rp : records) {
    const json& r = *rp;
    ++conversations;
    Tally& t = tallies[r.value("scenario", std::string("?"))];
    if (!errored(r) && !has_verdict(r)) {
      ++unscored;  // an import before `spar score`: neither a pass nor a failure
    } else if (!errored(r)) {
      ++t.n;
      if (verdicts(r).value("pass", false)) ++t.passes;
      t.done.push_back(&r);
      done.push_back(&r);
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
      user_requests += int_field(*u, "user_model_requests");
      judge_requests += int_field(*u, "judge_requests");
      if (auto l = u->find("turn_latency_ms"); l != u->end() && l->is_array()) {
        for (const auto& x : *l) {
          if (x.is_number()) latencies.push_back(x.get<double>());
        }
      }
    }
    turns += int_field(r, "turns");
  }

  // pass^k and pass@k, per scenario and as means over scenarios.
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
    std::vector<int> order;
    s["checkpoints"] = curves(t.done, order);
    s["degradation"] = degradation(s["checkpoints"], order);
    s["reliability"] = reliability(t.done);
    per_scenario[id] = s;
  }
  json hat = json::object(), at = json::object();
  for (int k = 1; k <= k_max; ++k) {
    hat[std::to_string(k)] = round6(hat_sum[k] / counted[k]);
    at[std::to_string(k)] = round6(at_sum[k] / counted[k]);
  }

  // Checkpoint curves and degradation over every completed conversation.
  std::vector<int> order;
  json checkpoints = curves(done, order);
  json degrade = degradation(checkpoints, order);

  // Recovery by event type.
  json recovery = json::object();
  for (const char* type : kEventTypes) {
    int events = 0, scored = 0, recovered = 0, leaks = 0;
    std::vector<double> ttr;
    for (const json* r : done) {
      const json& observed = member(*r, "events");
      const json& judged = member(verdicts(*r), "events");
      for (size_t i = 0; i < observed.size(); ++i) {
        if (!observed[i].is_object() || observed[i].value("type", "") != type) continue;
        ++events;
        static const json kNoVerdict = json::object();
        const json& e = i < judged.size() ? judged[i] : kNoVerdict;
        if (!e.contains("recovered") || !e["recovered"].is_boolean()) continue;
        ++scored;
        if (e["recovered"].get<bool>()) {
          ++recovered;
          if (e.contains("turns_to_recover") && e["turns_to_recover"].is_number()) {
            ttr.push_back(e["turns_to_recover"].get<double>());
          }
        }
        if (e.contains("leaked") && !e["leaked"].is_null()) ++leaks;
      }
    }
    if (events == 0) continue;
    double mean_ttr = 0;
    for (double x : ttr) mean_ttr += x;
    recovery[type] = {{"events", events},
                      {"scored", scored},
                      {"recovered", recovered},
                      {"rate", scored ? json(round6(static_cast<double>(recovered) / scored)) : json(nullptr)},
                      {"leaks", leaks},
                      {"mean_turns_to_recover", ttr.empty() ? json(nullptr) : json(round6(mean_ttr / ttr.size()))}};
  }

  // Policy adherence.
  std::map<std::string, int> by_rule, by_severity;
  int with_violation = 0, with_critical = 0, violations = 0, governed = 0;
  for (const json* r : done) {
    if (verdicts(*r).value("policy_count", 0) > 0) ++governed;
    bool any = false, critical = false;
    for (const auto& v : member(verdicts(*r), "violations")) {
      ++violations;
      any = true;
      ++by_rule[v.value("rule", "?")];
      std::string sev = v.value("severity", "major");
      ++by_severity[sev];
      critical = critical || sev == "critical";
    }
    with_violation += any;
    with_critical += critical;
  }
  json policy = {{"conversations_with_policies", governed},
                 {"violations", violations},
                 {"conversations_with_violations", with_violation},
                 {"conversations_with_critical", with_critical},
                 {"by_severity", by_severity},
                 {"by_rule", by_rule}};

  // Reliability: per scenario, and the means over scenarios.
  std::vector<double> aptitudes, unreliabilities;
  for (const auto& [id, s] : per_scenario.items()) {
    if (s["reliability"].is_null()) continue;
    aptitudes.push_back(s["reliability"]["aptitude"]);
    unreliabilities.push_back(s["reliability"]["unreliability"]);
  }
  json reliability_all = nullptr;
  if (!aptitudes.empty()) {
    double a = 0, u = 0;
    for (double x : aptitudes) a += x;
    for (double x : unreliabilities) u += x;
    reliability_all = {{"aptitude", round6(a / aptitudes.size())},
                       {"unreliability", round6(u / unreliabilities.size())},
                       {"scenarios", aptitudes.size()}};
  }

  // The judge: how many windows were judged, how often repeats disagreed, what was cached.
  json judge = nullptr;
  {
    int windows = 0, flaky = 0, cached = 0, failed = 0;
    std::vector<double> agreement;
    for (const json* r : done) {
      const json& js = member(verdicts(*r), "judgements");
      if (!js.is_object()) continue;
      for (const auto& [key, j] : js.items()) {
        ++windows;
        flaky += j.value("flaky", false) ? 1 : 0;
        cached += j.value("cached", 0);
        failed += j.contains("score") && j["score"].is_null() ? 1 : 0;
        if (j.contains("agreement") && j["agreement"].is_number()) agreement.push_back(j["agreement"].get<double>());
      }
    }
    if (windows > 0) {
      double mean = 0;
      for (double a : agreement) mean += a;
      judge = {{"windows", windows},
               {"flaky_windows", flaky},
               {"failed_windows", failed},
               {"cached_judgements", cached},
               {"mean_agreement", agreement.empty() ? json(nullptr) : json(round6(mean / agreement.size()))}};
    }
  }

  json usage = json::object();
  if (with_usage > 0) {
    double n = with_usage;
    usage = {{"conversations", with_usage},
             {"prompt_tokens", prompt},
             {"completion_tokens", completion},
             {"prompt_tokens_per_conversation", round6(static_cast<double>(prompt) / n)},
             {"completion_tokens_per_conversation", round6(static_cast<double>(completion) / n)},
             {"agent_requests", requests},
             {"agent_requests_per_conversation", round6(static_cast<double>(requests) / n)},
             {"tool_calls", tool_calls},
             {"tool_calls_per_conversation", round6(static_cast<double>(tool_calls) / n)},
             {"user_model_requests", user_requests},
             {"judge_requests", judge_requests},
             {"turn_latency_ms", {{"p50", round6(percentile(latencies, 50))}, {"p95", round6(percentile(latencies, 95))}}}};
    if (options.price) {
      double cost = (static_cast<double>(prompt) * options.price->prompt_per_million +
                     static_cast<double>(completion) * options.price->completion_per_million) / 1e6;
      usage["price_per_million"] = {{"prompt", options.price->prompt_per_million},
                                    {"completion", options.price->completion_per_million}};
      usage["cost_usd"] = round6(cost);
      usage["cost_usd_per_conversation"] = round6(cost / n);
    }
  }

  json out{{"conversations", conversations},
              {"completed", static_cast<int>(done.size())},
              {"errors", errors},
              {"error_kinds", error_kinds},
              {"scenarios", static_cast<int>(tallies.size())},
              {"turns", turns},
              {"k", k_max},
              {"pass_hat_k", hat},
              {"pass_at_k", at},
              {"checkpoints", checkpoints},
              {"degradation", degrade},
              {"recovery", recovery},
              {"policy", policy},
              {"reliability", reliability_all},
              {"judge", judge},
              {"usage", usage},
              {"per_scenario", per_scenario}};
  if (unscored > 0) out["unscored"] = unscored;
  out["expectations"] = expectation_counts(records);  // r:expect{} (score/expectations.h)
  return out;
}

}  // namespace spar::score
