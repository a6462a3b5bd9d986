// pass^k and pass@k: unbiased estimators over n trials with c passes (DESIGN.md §7).
//   pass^k = C(c,k) / C(n,k)        all k of k drawn trials pass
//   pass@k = 1 - C(n-c,k) / C(n,k)  at least one of k drawn trials passes
// Pure functions. REQUIRES: 0 <= c <= n, 1 <= k <= n.
#pragma once

namespace spar::score {

double pass_hat_k(int n, int c, int k);
double pass_at_k(int n, int c, int k);

}  // namespace spar::score
