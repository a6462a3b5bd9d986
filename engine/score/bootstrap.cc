#include "score/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "score/summary.h"

namespace spar::score {

std::vector<Interval> cluster_bootstrap_ci95(const Groups& given, size_t statistics,
                                             const std::function<void(const Groups&, std::vector<double>&)>& stat) {
  Groups groups;
  for (const auto& g : given) {
    if (!g.empty()) groups.push_back(g);
  }
  if (groups.empty() || statistics == 0) return {};
  // std::mt19937_64's sequence is fixed by the standard; `% n` keeps the draw portable (its
  // bias, n / 2^64, is far below the bootstrap's own noise).
  std::mt19937_64 rng(kBootstrapSeed);
  auto draw = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  std::vector<std::vector<double>> samples(statistics);
  Groups resample(groups.size());
  std::vector<double> out(statistics);
  for (int b = 0; b < kBootstrapResamples; ++b) {
    for (auto& r : resample) {
      const auto& g = groups[draw(groups.size())];
      r.resize(g.size());
      for (auto& x : r) x = g[draw(g.size())];
    }
    std::fill(out.begin(), out.end(), 0.0);
    stat(resample, out);
    for (size_t i = 0; i < statistics; ++i) samples[i].push_back(out[i]);
  }
  std::vector<Interval> ci;
  for (auto& s : samples) {
    // A resample in which a statistic is undefined (NaN: no value to average) does not vote.
    std::erase_if(s, [](double x) { return std::isnan(x); });
    std::sort(s.begin(), s.end());
    ci.push_back(s.empty() ? Interval{NAN, NAN} : Interval{percentile_of_sorted(s, 2.5), percentile_of_sorted(s, 97.5)});
  }
  return ci;
}

}  // namespace spar::score
