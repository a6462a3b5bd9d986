// Seeded two-level bootstrap for the 95% intervals of summary.json (docs/metrics.md, "Curves,
// intervals and degradation"). Pure and deterministic: a fixed seed and a portable draw (no
// std::*_distribution, whose output differs between standard libraries), so the same input
// gives the same interval on every machine.
#pragma once

#include <array>
#include <functional>
#include <vector>

namespace spar::score {

inline constexpr int kBootstrapResamples = 2000;
inline constexpr unsigned long long kBootstrapSeed = 2000;

using Groups = std::vector<std::vector<double>>;  // per scenario, one value per trial
using Interval = std::array<double, 2>;            // [lo, hi]

// Resamples the groups with replacement, then the members of each drawn group with
// replacement, kBootstrapResamples times; `stat` maps one resample to several statistics
// (e.g. pass^1..K; NaN where undefined in that resample). Returns the 2.5th and 97.5th
// percentile of each (NaN when never defined). Empty groups are skipped;
// no groups: an empty result.
std::vector<Interval> cluster_bootstrap_ci95(const Groups& groups, size_t statistics,
                                             const std::function<void(const Groups&, std::vector<double>&)>& stat);

}  // namespace spar::score
