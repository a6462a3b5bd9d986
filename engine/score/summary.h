// summarize(): the numbers of a run, computed from its conversation records. Pure: no I/O.
// Every number is defined in docs/metrics.md.
//
// Works on v1 records (docs/record.md: verdicts under "score") and on minimal ones that carry
// only scenario, trial, ended/error and score.pass; a record without schema_version (an older
// spar's: status and pass) is read through record::upgrade_v0. Records with an error are
// infrastructure errors: failed trials in pass^k and pass@k (as tau-bench counts them), and
// counted separately, per case and overall; *_excluding_errors keeps the figure without
// them. Records without a verdict (unscored imports) are left out of n and counted as "unscored".
#pragma once

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace spar::score {

using json = nlohmann::json;

struct Price {
  double prompt_per_million = 0;      // USD per 1M prompt tokens
  double completion_per_million = 0;  // USD per 1M completion tokens
};

struct SummaryOptions {
  std::optional<Price> price;  // adds usage.cost_usd when set
};

// The summary.json object: pass_hat_k and pass_at_k keyed "1".."k_max" (the fewest trials of
// any case) with their *_ci95 intervals and *_excluding_errors, checkpoints, recovery,
// policy, reliability, degradation, usage, per_scenario (keyed by case: score/cases.h),
// per_persona (when more than one persona plays), and the counts (scenarios, cases, personas).
json summarize(const std::vector<json>& records, const SummaryOptions& options = {});

// Percentile with linear interpolation between closest ranks (p in [0,100]); 0 when empty.
double percentile(std::vector<double> values, double p);
// The same, of values already in ascending order.
double percentile_of_sorted(const std::vector<double>& values, double p);

// Mean and two-sided 95% confidence interval (Student's t), clipped to [lo_clip, hi_clip].
// {"mean", "ci95": [lo, hi], "n"}; null for no values.
json mean_ci95(const std::vector<double>& values, double lo_clip = 0, double hi_clip = 1);

}  // namespace spar::score
