// Rate limits: --rps (requests per second) and --tpm (tokens per minute) for one model, shared
// by every worker thread of a run.
//
// RateLimiter is a pair of token buckets in the GCRA form ("a virtual time at which the bucket
// is full again"), so a caller learns at once how long to wait:
//   - requests: the bucket holds 1 request, so sends are spaced at least 1/rps apart (no burst;
//     40 requests at --rps 20 take 1.95 s);
//   - tokens: the bucket holds one second's worth (tpm/60 tokens). A request is charged its
//     estimate (request characters / 4) when it is sent; when its reply arrives the charge is
//     corrected to the reply's prompt + completion usage (or, without usage, the estimate plus
//     the reply's characters / 4). A request larger than the bucket waits for an empty bucket
//     and then goes, leaving the debt to later requests.
// Room is taken only at the moment a request is really sent (try_acquire), never booked ahead:
// a worker whose loop was busy for a while cannot then fire a backlog of booked slots at once.
// Thread-safe: try_acquire() and settle() may be called from any thread.
//
// make_rate_limited_client wraps a client so that its sends go out in order, each once the
// limiter has room; while a send waits, a Loop::after timer keeps the loop driving the other
// conversations. Put it inside the retry layer: every attempt is a request.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

#include "agent/client.h"

namespace spar::agent {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // rps, tpm <= 0: that limit is off.
  RateLimiter(double rps, double tpm);

  // Takes room for one request of an estimated `tokens` tokens and returns zero when both
  // buckets have it now; otherwise takes nothing and returns how long until they will.
  Clock::duration try_acquire(double tokens, Clock::time_point now = Clock::now());

  // Corrects the token charge of a finished request by `tokens` (actual - estimate; may be
  // negative).
  void settle(double tokens, Clock::time_point now = Clock::now());

  double rps() const { return rps_; }
  double tpm() const { return tpm_; }

 private:
  using Seconds = std::chrono::duration<double>;
  const double rps_;
  const double tpm_;
  std::mutex mu_;
  Clock::time_point request_full_at_;  // when the request bucket is full again
  Clock::time_point token_full_at_;    // when the token bucket is full again
};

// The token estimate of a request: its characters (message contents, tool call arguments and
// tool schemas) / 4, rounded up.
double estimate_tokens(const Request& request);

// Wraps `inner` (REQUIRES: bound to `loop`; `limiter` is shared with the other workers).
std::unique_ptr<AgentClient> make_rate_limited_client(Loop& loop, std::unique_ptr<AgentClient> inner,
                                                      std::shared_ptr<RateLimiter> limiter);

}  // namespace spar::agent
