// summarize(): the numbers of a run, computed from its conversation records. Pure: no I/O.
//
// Works on full records and on minimal ones that carry only scenario, trial, status and pass.
// Records whose status is not "completed" are infrastructure errors: they are left out of n and
// counted separately, per scenario and overall (as tau2-bench does).
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

namespace spar::score {

using json = nlohmann::json;

// The summary.json object: pass_hat_k and pass_at_k keyed "1".."k", per_scenario, usage,
// conversations/errors counts, and the sections later issues fill (checkpoints, recovery,
// policy, reliability).
json summarize(const std::vector<json>& records);

// Nearest-rank percentile of unsorted values (p in [0,100]); 0 for an empty list.
double percentile(std::vector<double> values, double p);

}  // namespace spar::score
