// spar diff BASE NEW: compares two runs per case and overall, and finds regressions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace spar::report {

using json = nlohmann::json;

struct Bound {
  std::string key;
  double value = 0;
};

struct DiffOptions {
  double max_drop = 0.05;    // a metric that gets worse by more than this is a regression
  std::vector<Bound> mins;   // --min KEY=VALUE: NEW's overall value must be at least VALUE
  std::vector<Bound> maxes;  // --max KEY=VALUE: NEW's overall value must be at most VALUE
};

// Run-to-run noise: a change is a regression only when it is worse by more than --max-drop AND
// a one-sided test at kNoiseAlpha says NEW is worse (docs/report.md, "spar diff"):
//   fisher      Fisher's exact test on counts (pass^1, overall and of one persona; pass^K of
//               one case; errors; conversations with violations; recovery, with its event
//               counts scaled to the conversations, since events of one conversation are not
//               independent)
//   sign-flip   a paired permutation test on the per-scenario values (overall pass^K, K >= 2,
//               and quality@T): exact up to 16 scenarios, else 20000 seeded random flips
//   intervals   one scenario's quality@T: its 95% intervals do not overlap (with at least
//               kMinIntervalTrials conversations a side)
// When no outcome of the test could reach kNoiseAlpha (too few trials or scenarios), the row
// says "k too small to tell" instead of flagging.
inline constexpr double kNoiseAlpha = 0.05;
inline constexpr int kMinIntervalTrials = 5;

struct DiffRow {
  std::string scope;   // "overall", a case key (NEW's), or "@persona" (in both runs' per_persona)
  std::string metric;  // a key from score/metrics.h
  std::optional<double> base, now;
  bool regression = false;
  std::string test;          // "fisher", "sign-flip", "intervals" or "" (not tested)
  std::optional<double> p;   // the test's one-sided p-value (not for "intervals")
  bool can_tell = true;      // false: too few trials or scenarios for the test to decide
  std::string note;          // "", "within noise", "k too small to tell"
};

struct Diff {
  std::vector<DiffRow> rows;
  std::vector<std::string> regressions;  // one line each, e.g. "overall pass^1: 0.950 -> 0.900 (-0.050 > 0.02)"
  std::vector<std::string> untold;  // worse by more than --max-drop, but too few trials or scenarios to tell
  std::vector<std::string> added, removed;  // cases only in NEW / only in BASE: never regressions
  std::vector<std::string> matched;  // "x -> x@p": cases with other keys in each run, same (scenario, persona)
};

// The cases of two summaries, matched by (scenario, persona) (their per_scenario entries'
// "scenario" and "persona"): a run that played x with persona p alone (case "x") matches a run
// that played x with several ("x@p"). An entry without them (a summary from before cases)
// matches the same key.
struct CaseMatch {
  std::vector<std::pair<std::string, std::string>> shared;  // (BASE's key, NEW's key), by NEW's key
  std::vector<std::string> added, removed;                   // only in NEW / only in BASE
};
CaseMatch match_cases(const json& base, const json& now);

// Loads a run's summary: DIR/summary.json, or computed from DIR/results.jsonl, or a summary
// file given directly.
Result<json> load_summary(const std::string& path);

Result<Diff> diff_summaries(const json& base, const json& now, const DiffOptions& options);

// "table" (aligned text) or "markdown" (for a PR comment).
std::string render_diff(const Diff& diff, const std::string& format, const DiffOptions& options);

}  // namespace spar::report
