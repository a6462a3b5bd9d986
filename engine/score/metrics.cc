#include "score/metrics.h"

#include <cmath>
#include <regex>

#include <fmt/format.h>

#include "base/json_util.h"

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

Result<std::optional<double>> metric(const json& summary, const std::string& key, const std::string& scenario) {
  const json& scope = scenario.empty() ? summary : member(member(summary, "per_scenario"), scenario);
  if (scope.is_null()) return std::optional<double>();
  std::smatch m;
  if (std::regex_match(key, m, kPassK)) {
    std::string table = m[1] == "^" ? "pass_hat_k" : "pass_at_k";
    if (m[3].matched) {
      if (!scenario.empty()) return make_error(ErrorKind::input, fmt::format("'{}' is not measured per scenario", key));
      return bound_of(scope, {table + "_ci95", m[2].str()}, m[3].str());
    }
    return number_at(scope, {table, m[2].str()});
  }
  if (std::regex_match(key, m, kAtTurn)) {
    if (m[3].matched) return bound_of(scope, {"checkpoints", m[2].str(), m[1].str(), "ci95"}, m[3].str());
    return number_at(scope, {"checkpoints", m[2].str(), m[1].str(), "mean"});
  }
  if (std::regex_match(key, m, kDegradation)) return number_at(scope, {"degradation", m[1].str()});
  if (key == "aptitude" || key == "unreliability") return number_at(scope, {"reliability", key});
  if (!scenario.empty()) {
    // Per-scenario figures beyond these are not in summary.per_scenario.
    if (key == "errors") {
      auto n = number_at(scope, {"n"}), e = number_at(scope, {"errors"});
      if (!n || !e || *n + *e == 0) return std::optional<double>();
      return std::optional<double>(*e / (*n + *e));
    }
    return make_error(ErrorKind::input, fmt::format("'{}' is not measured per scenario", key));
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
  if (!g.ok() || !std::regex_match(g->key, key)) {
    return make_error(ErrorKind::input, fmt::format("bad gate '{}': expected METRIC OP VALUE, like 'pass^4>=0.8'", text));
  }
  auto probe = metric(json::object(), g->key);
  if (!probe.ok()) return make_error(ErrorKind::input, fmt::format("bad gate '{}': {}", text, probe.error().message));
  return g;
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
    auto v = metric(summary, g.key);
    if (v.ok()) r.value = *v;
    if (!r.value) {
      r.message = fmt::format("{} was not measured in this run", g.key);
    } else {
      double x = *r.value;
      r.held = gate_holds(g, x);
      r.message = fmt::format("{} = {:.4g}, needs {} {:g}", g.key, x, g.op, g.threshold);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace spar::score
