#include "score/metrics.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include <fmt/format.h>

#include "base/json_util.h"
#include "base/near.h"
#include "score/cases.h"

namespace spar::score {

namespace {

std::optional<double> number_at(const json& obj, std::initializer_list<std::string> path) {
  const json* cur = &obj;
  for (const auto& p : path) {
    if (!cur->is_object()) return std::nullopt;
    auto it = cur->find(p);
    if (it == cur->end()) return std::nullopt;
    cur = &*it;
  }
  if (!cur->is_number()) return std::nullopt;
  return cur->get<double>();
}

const std::regex kPassK(R"(^pass([\^@])(\d+)(\.lo|\.hi)?$)");
const std::regex kAtTurn(R"(^(quality|policy|recovery|retention|progress|judge|steps)@(\d+)(\.lo|\.hi)?$)");
const std::regex kRecoveryType(R"(^recovery\.(correction|intent_change|interruption|ambiguity|contradiction|topic_switch)$)");
const std::regex kDegradation(R"(^degradation\.(quality|policy|recovery|retention|progress|judge|steps)$)");

// The bound of an interval a key's ".lo" / ".hi" suffix names: [lo, hi][0 or 1].
std::optional<double> bound_of(const json& scope, std::initializer_list<std::string> path, const std::string& suffix) {
  const json* cur = &scope;
  for (const auto& p : path) {
    if (!cur->is_object() || !cur->contains(p)) return std::nullopt;
    cur = &(*cur)[p];
  }
  if (!cur->is_array() || cur->size() != 2) return std::nullopt;
  const json& b = (*cur)[suffix == ".lo" ? 0 : 1];
  return b.is_number() ? std::optional<double>(b.get<double>()) : std::nullopt;
}

}  // namespace

bool higher_is_better(const std::string& given) {
  // An interval's bound is better in the direction of its figure.
  std::string key = given;
  if (key.ends_with(".lo") || key.ends_with(".hi")) key.resize(key.size() - 3);
  return !(key == "violations" || key == "errors" || key == "cost" || key == "unreliability" ||
           key.rfind("latency.", 0) == 0);
}

Result<std::optional<double>> metric(const json& summary, const std::string& key, const std::string& scope_name) {
  static const json kNothing = json::object();  // a scope the summary lacks: nothing measured, keys still checked
  const bool persona = scope_name.starts_with("@");
  const json& found = scope_name.empty() ? summary
                      : persona          ? member(member(summary, "per_persona"), scope_name.substr(1))
                                         : member(member(summary, "per_scenario"), scope_name);
  const json& scope = found.is_object() ? found : kNothing;
  const char* per = persona ? "per persona" : "per case";
  std::smatch m;
  if (std::regex_match(key, m, kPassK)) {
    std::string table = m[1] == "^" ? "pass_hat_k" : "pass_at_k";
    if (m[3].matched) {
      if (!scope_name.empty() && !persona) return make_error(ErrorKind::input, fmt::format("'{}' is not measured {}", key, per));
      return bound_of(scope, {table + "_ci95", m[2].str()}, m[3].str());
    }
    return number_at(scope, {table, m[2].str()});
  }
  // A ratio of two counts of the scope; nullopt when either is missing or the denominator is 0.
  auto ratio = [&](std::initializer_list<std::string> top, std::initializer_list<std::string> bottom) {
    auto a = number_at(scope, top), b = number_at(scope, bottom);
    return a && b && *b != 0 ? std::optional<double>(*a / *b) : std::optional<double>();
  };
  if (persona) {
    // summary.per_persona holds counts, pass^k and recovery only.
    if (key == "recovery") return number_at(scope, {"recovery", "rate"});
    if (key == "violations") return ratio({"violations"}, {"n"});
    if (key == "errors") return ratio({"errors"}, {"trials"});
    return make_error(ErrorKind::input, fmt::format("'{}' is not measured {}", key, per));
  }
  if (std::regex_match(key, m, kAtTurn)) {
    if (m[3].matched) return bound_of(scope, {"checkpoints", m[2].str(), m[1].str(), "ci95"}, m[3].str());
    return number_at(scope, {"checkpoints", m[2].str(), m[1].str(), "mean"});
  }
  if (std::regex_match(key, m, kDegradation)) return number_at(scope, {"degradation", m[1].str()});
  if (key == "aptitude" || key == "unreliability") return number_at(scope, {"reliability", key});
  if (!scope_name.empty()) {
    // Per-case figures beyond these are not in summary.per_scenario.
    if (key == "errors") {
      auto n = number_at(scope, {"n"}), e = number_at(scope, {"errors"});
      if (!n || !e || *n + *e == 0) return std::optional<double>();
      return std::optional<double>(*e / (*n + *e));
    }
    return make_error(ErrorKind::input, fmt::format("'{}' is not measured {}", key, per));
  }
  if (std::regex_match(key, m, kRecoveryType)) return number_at(summary, {"recovery", m[1].str(), "rate"});
  if (key == "recovery") {
    double scored = 0, recovered = 0;
    for (const auto& [type, r] : member(summary, "recovery").items()) {
      if (type == "by_evidence" || !r.is_object()) continue;
      scored += r.value("scored", 0);
      recovered += r.value("recovered", 0);
    }
    if (scored == 0) return std::optional<double>();
    return std::optional<double>(recovered / scored);
  }
  if (key == "recovery.action" || key == "recovery.text") {
    return number_at(summary, {"recovery", "by_evidence", key.substr(9), "rate"});
  }
  if (key == "evidence.action" || key == "evidence.unscored") {
    // The share of confusion-event verdicts decided so, unscored ones in the denominator.
    double all = 0;
    for (const auto& [d, n] : member(member(summary, "evidence"), "events").items()) all += n.is_number() ? n.get<double>() : 0;
    auto n = number_at(summary, {"evidence", "events", key.substr(9)});
    if (!n || all == 0) return std::optional<double>();
    return std::optional<double>(*n / all);
  }
  if (key == "violations") {
    auto v = number_at(summary, {"policy", "violations"}), n = number_at(summary, {"completed"});
    if (!v || !n || *n == 0) return std::optional<double>();
    return std::optional<double>(*v / *n);
  }
  if (key == "errors") {
    auto e = number_at(summary, {"errors"}), n = number_at(summary, {"conversations"});
    if (!e || !n || *n == 0) return std::optional<double>();
    return std::optional<double>(*e / *n);
  }
  if (key == "cost") return number_at(summary, {"usage", "cost_usd_per_conversation"});
  if (key == "latency.p50" || key == "latency.p95") {
    return number_at(summary, {"usage", "turn_latency_ms", key.substr(8)});
  }
  return make_error(ErrorKind::input, fmt::format("unknown metric '{}' (see docs/ci.md for the names)", key));
}

Result<Gate> split_gate(const std::string& text) {
  static const std::regex re(R"(^\s*(\S.*?)\s*(>=|<=|==|>|<)\s*(-?[0-9]*\.?[0-9]+)\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) {
    return make_error(ErrorKind::input, fmt::format("bad gate '{}': expected METRIC OP VALUE, like 'pass^4>=0.8'", text));
  }
  return Gate{text, m[1].str(), m[2].str(), std::stod(m[3].str())};
}

Result<Gate> parse_gate(const std::string& text) {
  static const std::regex key(R"(^[A-Za-z_.^@0-9]+$)");
  auto g = split_gate(text);
  // SCOPE:KEY: metric names hold no ':', so the scope is everything before the last one.
  bool scoped = false;
  if (g.ok()) {
    if (auto colon = g->key.rfind(':'); colon != std::string::npos) {
      scoped = true;
      g->scope = g->key.substr(0, colon);
      g->key = g->key.substr(colon + 1);
    }
  }
  static const std::regex scope(R"(^[^\s:]+$)");
  if (!g.ok() || !std::regex_match(g->key, key) || (scoped && !std::regex_match(g->scope, scope)) || g->scope == "@") {
    return make_error(ErrorKind::input,
                      fmt::format("bad gate '{}': expected [SCOPE:]METRIC OP VALUE, like 'pass^4>=0.8' or "
                                  "'retail/x@waffler:pass^1>=0.5'",
                                  text));
  }
  auto probe = metric(json::object(), g->key, g->scope);
  if (!probe.ok()) return make_error(ErrorKind::input, fmt::format("bad gate '{}': {}", text, probe.error().message));
  return g;
}

Result<std::string> resolve_scope(const json& summary, const std::string& scope) {
  if (scope.empty()) return scope;
  std::vector<std::string> cases, personas;
  for (const auto& [id, s] : member(summary, "per_scenario").items()) {
    cases.push_back(id);
    // "scenario@persona" names the case of that pair also where the scenario is one case.
    // (An entry holds "scenario" and "persona" as a record does.)
    const CaseId pair = case_id(s);
    if (pair.scenario == id && case_key(pair, true) == scope) return id;
  }
  for (const auto& [name, p] : member(summary, "per_persona").items()) personas.push_back("@" + name);
  const auto& names = scope.starts_with("@") ? personas : cases;
  if (std::find(names.begin(), names.end(), scope) != names.end()) return scope;
  auto missing = [](std::string why) { return make_error(ErrorKind::input, std::move(why)); };
  auto list = [](const std::vector<std::string>& xs) {
    std::string out;
    for (size_t i = 0; i < xs.size() && i < 8; ++i) out += (i ? ", " : "") + xs[i];
    if (xs.size() > 8) out += fmt::format(", ... ({} in all)", xs.size());
    return out;
  };
  if (scope.starts_with("@") && personas.empty()) {
    return missing(fmt::format("{} is not in this run: it has no per-persona figures, as one persona plays (gate the overall "
                       "figures instead)",
                       scope));
  }
  // A scenario played by several personas is one case per persona: those are the scopes meant.
  std::vector<std::string> of_scenario;
  for (const auto& [id, s] : member(summary, "per_scenario").items()) {
    if (string_member(s, "scenario") == scope) of_scenario.push_back(id);
  }
  if (!of_scenario.empty()) {
    return missing(fmt::format("{} is played by {} personas in this run, one case each: {}", scope,
                               of_scenario.size(), list(of_scenario)));
  }
  std::vector<std::string> all = cases;
  all.insert(all.end(), personas.begin(), personas.end());
  std::vector<std::string> near = near_names(scope, all);
  if (!near.empty()) return missing(fmt::format("{} is not in this run; did you mean {}", scope, list(near)));
  return missing(fmt::format("{} is not in this run; its scopes: {}", scope, list(all)));
}

bool gate_holds(const Gate& g, double x) {
  const double eps = 1e-9;
  if (g.op == ">=") return x >= g.threshold - eps;
  if (g.op == "<=") return x <= g.threshold + eps;
  if (g.op == ">") return x > g.threshold;
  if (g.op == "<") return x < g.threshold;
  return std::fabs(x - g.threshold) <= eps;
}

std::vector<GateResult> check_gates(const json& summary, const std::vector<Gate>& gates) {
  std::vector<GateResult> out;
  for (const auto& g : gates) {
    GateResult r{g, std::nullopt, false, ""};
    const std::string name = g.scope.empty() ? g.key : g.scope + ":" + g.key;
    auto scope = resolve_scope(summary, g.scope);
    if (!scope.ok()) {
      r.message = scope.error().message;
      out.push_back(std::move(r));
      continue;
    }
    auto v = metric(summary, g.key, *scope);
    if (v.ok()) r.value = *v;
    if (!r.value) {
      r.message = fmt::format("{} was not measured in this run", name);
    } else {
      double x = *r.value;
      r.held = gate_holds(g, x);
      r.message = fmt::format("{} = {:.4g}, needs {} {:g}", name, x, g.op, g.threshold);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace spar::score
