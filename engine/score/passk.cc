#include "score/passk.h"

namespace spar::score {

// C(a,k)/C(n,k) as a product of k ratios, so it never overflows.
static double choose_ratio(int a, int n, int k) {
  if (k > a) return 0.0;
  double r = 1.0;
  for (int i = 0; i < k; ++i) r *= static_cast<double>(a - i) / static_cast<double>(n - i);
  return r;
}

double pass_hat_k(int n, int c, int k) { return choose_ratio(c, n, k); }

double pass_at_k(int n, int c, int k) { return 1.0 - choose_ratio(n - c, n, k); }

}  // namespace spar::score
