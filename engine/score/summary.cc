#include "score/summary.h"

#include "score/expectations.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "base/json_util.h"
#include "record/record.h"
#include "score/bootstrap.h"
#include "score/cases.h"
#include "score/evidence.h"
#include "score/passk.h"

namespace spar::score {

namespace {

const char* const kDimensions[] = {"policy", "recovery", "retention", "progress", "judge", "steps", "quality"};
constexpr size_t kDimensionCount = std::size(kDimensions);
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

json interval(const Interval& ci) {
  if (std::isnan(ci[0])) return nullptr;
  return json::array({round6(ci[0]), round6(ci[1])});
}

// Checkpoint curves over records grouped by scenario: {"3": {dim: {mean, ci95, n}}, ...} in
// checkpoint order. The mean pools every conversation; its interval is the two-level
// bootstrap (scenarios, then trials within them) of that pooled mean.
json curves(const std::vector<std::vector<const json*>>& by_scenario, std::vector<int>& order) {
  std::vector<const json*> all;
  for (const auto& g : by_scenario) all.insert(all.end(), g.begin(), g.end());
  std::set<int> turns;
  for (const json* r : all) {
    const json& cps = member(verdicts(*r), "checkpoints");
    if (!cps.is_object()) continue;
    for (const auto& [key, w] : cps.items()) {
      if (w.is_object()) turns.insert(std::atoi(key.c_str()));
    }
  }
  json out = json::object();
  order.assign(turns.begin(), turns.end());
  for (int c : order) {
    // The window's values, read out of the records once (the bootstrap reads them 2000 times):
    // table[i][d] is record i's value of dimension d, NaN when null.
    const std::string key = std::to_string(c);
    std::vector<std::array<double, kDimensionCount>> table(all.size());
    std::array<size_t, kDimensionCount> n{};
    for (size_t i = 0; i < all.size(); ++i) {
      const json& window = member(member(verdicts(*all[i]), "checkpoints"), key.c_str());
      for (size_t d = 0; d < kDimensionCount; ++d) {
        const json& v = member(window, kDimensions[d]);
        table[i][d] = v.is_number() ? v.get<double>() : NAN;
        n[d] += v.is_number() ? 1 : 0;
      }
    }
    // Groups of record indices (as doubles), so one resample serves every dimension.
    Groups groups;
    size_t index = 0;
    for (const auto& g : by_scenario) {
      groups.emplace_back();
      for (size_t i = 0; i < g.size(); ++i) groups.back().push_back(static_cast<double>(index++));
    }
    auto pooled = [&](const Groups& sample, std::vector<double>& means) {
      std::array<double, kDimensionCount> sum{}, count{};
      for (const auto& g : sample) {
        for (double i : g) {
          const auto& row = table[static_cast<size_t>(i)];
          for (size_t d = 0; d < kDimensionCount; ++d) {
            if (std::isnan(row[d])) continue;
            sum[d] += row[d];
            count[d] += 1;
          }
        }
      }
      for (size_t d = 0; d < kDimensionCount; ++d) means[d] = count[d] > 0 ? sum[d] / count[d] : NAN;
    };
    std::vector<double> mean(kDimensionCount);
    pooled(groups, mean);
    auto ci = cluster_bootstrap_ci95(groups, kDimensionCount, pooled);
    json w = json::object();
    for (size_t d = 0; d < kDimensionCount; ++d) {
      if (n[d] == 0) {
        w[kDimensions[d]] = nullptr;
        continue;
      }
      w[kDimensions[d]] = {{"mean", round6(mean[d])}, {"ci95", interval(ci[d])}, {"n", n[d]}};
    }
    out[key] = w;
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

// Overall pass^k and pass@k: means over cases of the per-case estimators, for every k
// up to the fewest trials any case has (so each case counts at every k), with their
// two-level bootstrap intervals.
struct PassK {
  int k_max = 0;
  json hat = json::object(), at = json::object(), hat_ci = json::object(), at_ci = json::object();
};

PassK overall_pass_k(const Groups& outcomes) {
  PassK p;
  if (outcomes.empty()) return p;
  p.k_max = static_cast<int>(outcomes.front().size());
  for (const auto& g : outcomes) p.k_max = std::min(p.k_max, static_cast<int>(g.size()));
  const auto k_max = static_cast<size_t>(p.k_max);
  auto means = [&](const Groups& sample, std::vector<double>& out) {  // out: hat 1..K, then at 1..K
    for (const auto& g : sample) {
      int n = static_cast<int>(g.size()), c = 0;
      for (double x : g) c += x > 0.5 ? 1 : 0;
      for (size_t k = 1; k <= k_max; ++k) {
        out[k - 1] += pass_hat_k(n, c, static_cast<int>(k)) / static_cast<double>(sample.size());
        out[k_max + k - 1] += pass_at_k(n, c, static_cast<int>(k)) / static_cast<double>(sample.size());
      }
    }
  };
  std::vector<double> point(2 * k_max, 0.0);
  means(outcomes, point);
  auto ci = cluster_bootstrap_ci95(outcomes, 2 * k_max, means);
  for (size_t k = 1; k <= k_max; ++k) {
    std::string key = std::to_string(k);
    p.hat[key] = round6(point[k - 1]);
    p.at[key] = round6(point[k_max + k - 1]);
    p.hat_ci[key] = interval(ci[k - 1]);
    p.at_ci[key] = interval(ci[k_max + k - 1]);
  }
  return p;
}

// The confusion events of completed records and their recovery verdicts, of one type or (null)
// of every type summary.json's recovery counts.
struct EventTally {
  int events = 0, scored = 0, recovered = 0, leaks = 0;
  std::vector<double> ttr;  // turns to recover of the recovered ones that say
  json rate() const { return scored ? json(round6(static_cast<double>(recovered) / scored)) : json(nullptr); }
};

EventTally tally_events(const std::vector<const json*>& done, const char* only_type) {
  EventTally t;
  static const json kNoVerdict = json::object();
  for (const json* r : done) {
    const json& observed = member(*r, "events");
    const json& judged = member(verdicts(*r), "events");
    for (size_t i = 0; i < observed.size(); ++i) {
      if (!observed[i].is_object()) continue;
      std::string type = observed[i].value("type", "");
      if (only_type ? type != only_type
                    : std::find(std::begin(kEventTypes), std::end(kEventTypes), type) == std::end(kEventTypes)) {
        continue;
      }
      ++t.events;
      const json& e = i < judged.size() ? judged[i] : kNoVerdict;
      if (!e.contains("recovered") || !e["recovered"].is_boolean()) continue;
      ++t.scored;
      if (e["recovered"].get<bool>()) {
        ++t.recovered;
        if (e.contains("turns_to_recover") && e["turns_to_recover"].is_number()) {
          t.ttr.push_back(e["turns_to_recover"].get<double>());
        }
      }
      if (e.contains("leaked") && !e["leaked"].is_null()) ++t.leaks;
    }
  }
  return t;
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
  std::sort(values.begin(), values.end());
  return percentile_of_sorted(values, p);
}

double percentile_of_sorted(const std::vector<double>& values, double p) {
  if (values.empty()) return 0;
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
    CaseId id;
    int n = 0, passes = 0, errors = 0;
    std::vector<const json*> done;
  };
  // One tally per case (score/cases.h): a scenario's personas are tasks of their own.
  const CaseKeys keys(records);
  std::map<std::string, Tally> tallies;
  std::map<std::string, int> error_kinds;
  std::vector<const json*> done;
  int conversations = 0, errors = 0, unscored = 0;
  int64_t prompt = 0, completion = 0, requests = 0, tool_calls = 0, turns = 0, user_requests = 0, judge_requests = 0;
  // The user model's and the judge's tokens, by role: {prompt, completion}.
  std::map<std::string, std::pair<int64_t, int64_t>> role_tokens = {{"user_model", {0, 0}}, {"judge", {0, 0}}};
  int with_usage = 0;
  std::vector<double> latencies;

  for (const json* rp : records) {
    const json& r = *rp;
    ++conversations;
    const CaseId id = case_id(r);
    Tally& t = tallies[keys.key(id)];
    t.id = id;
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
      for (auto& [role, t] : role_tokens) {
        t.first += int_field(*u, (role + "_prompt_tokens").c_str());
        t.second += int_field(*u, (role + "_completion_tokens").c_str());
      }
      if (auto l = u->find("turn_latency_ms"); l != u->end() && l->is_array()) {
        for (const auto& x : *l) {
          if (x.is_number()) latencies.push_back(x.get<double>());
        }
      }
    }
    turns += int_field(r, "turns");
  }

  // pass^k and pass@k, per case and as means over cases. An errored trial is a failed one (as
  // tau-bench counts it); the old figure, errors left out, is kept beside it.
  json per_scenario = json::object();
  auto trial_outcomes = [](const Tally& t) {  // 1 per pass, then 0 per failure or error
    std::vector<double> g(static_cast<size_t>(t.n + t.errors), 0.0);
    std::fill_n(g.begin(), t.passes, 1.0);
    return g;
  };
  Groups outcomes;          // per scenario with trials: 1 pass, 0 failure or error
  Groups outcomes_no_errors;  // the same without the errored trials
  std::vector<std::vector<const json*>> done_by_scenario;
  for (const auto& [id, t] : tallies) {
    const int trials = t.n + t.errors;
    json s = {{"scenario", t.id.scenario}, {"persona", t.id.persona ? json(*t.id.persona) : json(nullptr)},
              {"n", t.n}, {"trials", trials}, {"passes", t.passes}, {"errors", t.errors}};
    auto table = [&](int n, double (*f)(int, int, int)) {
      json out = json::object();
      for (int k = 1; k <= n; ++k) out[std::to_string(k)] = round6(f(n, t.passes, k));
      return out;
    };
    s["pass_hat_k"] = table(trials, pass_hat_k);
    s["pass_at_k"] = table(trials, pass_at_k);
    s["pass_hat_k_excluding_errors"] = table(t.n, pass_hat_k);
    s["pass_at_k_excluding_errors"] = table(t.n, pass_at_k);
    if (trials > 0) outcomes.push_back(trial_outcomes(t));
    if (t.n > 0) outcomes_no_errors.emplace_back(outcomes.back().begin(), outcomes.back().begin() + t.n);
    std::vector<int> order;
    s["checkpoints"] = curves({t.done}, order);
    s["degradation"] = degradation(s["checkpoints"], order);
    s["reliability"] = reliability(t.done);
    per_scenario[id] = s;
    done_by_scenario.push_back(t.done);
  }
  std::set<std::string> scenario_ids;
  for (const auto& [key, t] : tallies) scenario_ids.insert(t.id.scenario);
  PassK overall = overall_pass_k(outcomes), excluding_errors = overall_pass_k(outcomes_no_errors);
  int k_trials = 0;  // the most trials any case has: the width of the per-case tables
  for (const auto& [id, t] : tallies) k_trials = std::max(k_trials, t.n + t.errors);

  // Per persona, when more than one plays: its cases' counts, pass^k as the mean over its cases
  // (up to the fewest trials any of them has, like overall), recovery over its events and its
  // policy violations.
  json per_persona = nullptr;
  if (keys.personas() > 1) {
    per_persona = json::object();
    std::map<std::string, std::vector<const Tally*>> of;
    for (const auto& [key, t] : tallies) of[persona_label(t.id.persona)].push_back(&t);
    for (const auto& [name, cases] : of) {
      int n = 0, passes = 0, errors = 0, violations = 0, with_violations = 0;
      Groups groups;
      std::vector<const json*> played;
      json keys_of = json::array();
      for (const Tally* t : cases) {
        keys_of.push_back(keys.key(t->id));
        n += t->n;
        passes += t->passes;
        errors += t->errors;
        if (t->n + t->errors > 0) groups.push_back(trial_outcomes(*t));
        played.insert(played.end(), t->done.begin(), t->done.end());
      }
      for (const json* r : played) {
        size_t v = member(verdicts(*r), "violations").size();
        violations += static_cast<int>(v);
        with_violations += v > 0 ? 1 : 0;
      }
      PassK p = overall_pass_k(groups);
      EventTally e = tally_events(played, nullptr);
      per_persona[name] = {{"persona", cases.front()->id.persona ? json(name) : json(nullptr)},
                           {"cases", keys_of},
                           {"n", n},
                           {"trials", n + errors},
                           {"passes", passes},
                           {"errors", errors},
                           {"k_max", p.k_max},
                           {"pass_hat_k", p.hat},
                           {"pass_at_k", p.at},
                           {"pass_hat_k_ci95", p.hat_ci},
                           {"pass_at_k_ci95", p.at_ci},
                           {"recovery", {{"events", e.events}, {"scored", e.scored}, {"recovered", e.recovered},
                                         {"rate", e.rate()}}},
                           {"violations", violations},
                           {"conversations_with_violations", with_violations}};
    }
  }

  // Checkpoint curves and degradation over every completed conversation.
  std::vector<int> order;
  json checkpoints = curves(done_by_scenario, order);
  json degrade = degradation(checkpoints, order);

  // Recovery by event type.
  json recovery = json::object();
  for (const char* type : kEventTypes) {
    EventTally e = tally_events(done, type);
    if (e.events == 0) continue;
    double mean_ttr = 0;
    for (double x : e.ttr) mean_ttr += x;
    recovery[type] = {{"events", e.events},
                      {"scored", e.scored},
                      {"recovered", e.recovered},
                      {"rate", e.rate()},
                      {"leaks", e.leaks},
                      {"mean_turns_to_recover", e.ttr.empty() ? json(nullptr) : json(round6(mean_ttr / e.ttr.size()))}};
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
    for (const auto& [role, t] : role_tokens) {
      usage[role + "_prompt_tokens"] = t.first;
      usage[role + "_completion_tokens"] = t.second;
    }
    if (options.price) {
      // One price for every role's tokens (docs/metrics.md, "Economics").
      auto priced = [&](int64_t p, int64_t c) {
        return (static_cast<double>(p) * options.price->prompt_per_million +
                static_cast<double>(c) * options.price->completion_per_million) / 1e6;
      };
      json by_role = {{"agent", round6(priced(prompt, completion))}};
      double cost = priced(prompt, completion);
      for (const auto& [role, t] : role_tokens) {
        by_role[role] = round6(priced(t.first, t.second));
        cost += priced(t.first, t.second);
      }
      usage["price_per_million"] = {{"prompt", options.price->prompt_per_million},
                                    {"completion", options.price->completion_per_million}};
      usage["cost_usd"] = round6(cost);
      usage["cost_usd_per_conversation"] = round6(cost / n);
      usage["cost_usd_by_role"] = std::move(by_role);
    }
  }

  json out{{"conversations", conversations},
              {"completed", static_cast<int>(done.size())},
              {"errors", errors},
              {"error_kinds", error_kinds},
              {"scenarios", static_cast<int>(scenario_ids.size())},
              {"cases", static_cast<int>(tallies.size())},
              {"personas", static_cast<int>(keys.personas())},
              {"turns", turns},
              {"k", k_trials},
              {"k_max", overall.k_max},
              {"pass_hat_k", overall.hat},
              {"pass_at_k", overall.at},
              {"pass_hat_k_ci95", overall.hat_ci},
              {"pass_at_k_ci95", overall.at_ci},
              {"pass_hat_k_excluding_errors", excluding_errors.hat},
              {"pass_at_k_excluding_errors", excluding_errors.at},
              {"k_max_excluding_errors", excluding_errors.k_max},
              {"checkpoints", checkpoints},
              {"degradation", degrade},
              {"recovery", recovery},
              {"policy", policy},
              {"reliability", reliability_all},
              {"judge", judge},
              {"usage", usage},
              {"per_scenario", per_scenario}};
  if (!per_persona.is_null()) out["per_persona"] = std::move(per_persona);
  if (unscored > 0) out["unscored"] = unscored;
  evidence_mix(done, keys, out);
  out["expectations"] = expectation_counts(records, keys);  // r:expect{} (score/expectations.h)
  return out;
}

}  // namespace spar::score
