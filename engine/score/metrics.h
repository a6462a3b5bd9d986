// Named metrics of a summary, shared by gates (spar run --gate) and spar diff. Pure.
//
// A gate or a figure may be scoped (metric()): SCOPE:KEY, SCOPE a case or "@persona".
//
//   pass^K, pass@K           pass^k / pass@k at k = K
//   pass^K.lo, pass^K.hi     the bounds of its 95% interval (also pass@K.lo, DIM@T.lo ...)
//   DIM@T                    a checkpoint curve's mean: quality@25, policy@3, steps@8 ...
//   recovery                 recovered / scored events over every type
//   recovery.TYPE            recovery rate of one event type (correction, intent_change, ...)
//   degradation.DIM          last checkpoint's mean minus the first's
//   aptitude, unreliability  reliability means over scenarios
//   violations               policy violations per completed conversation (lower is better)
//   errors                   infrastructure errors / conversations (lower is better)
//   cost                     usage.cost_usd_per_conversation (lower is better)
//   latency.p50, latency.p95 per-turn agent latency in ms (lower is better)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace spar::score {

using json = nlohmann::json;

// The value of `key` in a scope of a summary: "" overall, "@NAME" summary.per_persona[NAME],
// else a case, summary.per_scenario[scope] (a case key, score/cases.h). nullopt when the run did
// not measure it (or lacks the scope). Errors: an unknown key, or one not measured in that kind
// of scope (per case: pass^K, pass@K, DIM@T with .lo/.hi, degradation.DIM, aptitude,
// unreliability, errors; per persona: pass^K, pass@K with .lo/.hi, recovery, violations, errors).
Result<std::optional<double>> metric(const json& summary, const std::string& key, const std::string& scope = "");

// The scope of `summary` that `scope` names, for metric(): itself ("" too), or for
// "scenario@persona" the case of that pair where the scenario is one case. Errors (kind input)
// for a scope the summary lacks, naming the nearest: the cases of a scenario played by several
// personas, or the scopes within a few edits.
Result<std::string> resolve_scope(const json& summary, const std::string& scope);

// True when a larger value of `key` is better.
bool higher_is_better(const std::string& key);

struct Gate {
  std::string text;  // as given: "pass^4>=0.8"
  std::string key;
  std::string op;    // ">=", "<=", ">", "<", "=="
  double threshold = 0;
  std::string scope;  // "" (overall), a case key (a scenario that is one case), or "@persona"
};

// Parses "[SCOPE:]KEY OP VALUE" (spaces optional) for a summary's metrics: SCOPE as metric()
// takes it, e.g. "retail/x@waffler:pass^4>=0.8", "@waffler:pass^1>=0.5". Errors are kind "input".
Result<Gate> parse_gate(const std::string& text);

// Only the syntax: KEY is anything up to the first operator (spar calibrate's keys name graders
// such as "policy:require_confirmation(refund)"). Errors are kind "input".
Result<Gate> split_gate(const std::string& text);

// Whether `x` satisfies the gate's operator and threshold (>= and <= with 1e-9 of slack).
bool gate_holds(const Gate& g, double x);

struct GateResult {
  Gate gate;
  std::optional<double> value;
  bool held = false;
  std::string message;  // "pass^4 = 0.625, needs >= 0.8" or "pass^4 was not measured"
};

// Evaluates gates against a summary, each in its scope; a scope the summary lacks fails the gate
// with resolve_scope()'s message.
std::vector<GateResult> check_gates(const json& summary, const std::vector<Gate>& gates);

}  // namespace spar::score
