// Retries: an AgentClient decorator that sends a failed request again, after a delay, when the
// failure looks transient. make_agent_factory puts it around every client (--retries N).
//
// What is retried (at most `retries` more attempts per request):
//   - "transport" (connect refused, connection reset, TLS...) and "timeout";
//   - "http" with Error::http_status 429 or 5xx; every other status (400, 401, ...) is final;
//   - "protocol" (a malformed body or stream) once: a flaky proxy or server is worth one more
//     try, an agent that always answers garbage is not worth more.
// Everything else ("exec", "input", "replay_miss", ...) is final at once.
//
// The delay before attempt n+1 is "full jitter" exponential backoff: uniform in
// [0, min(cap, base * 2^(n-1))], drawn from a hash of the request's session id, seed and n, so
// it is reproducible and conversations never retry in lockstep. A 429 or 503 carrying
// Retry-After (seconds or an HTTP-date) waits exactly that long instead, capped at
// `max_retry_after_s` (the request timeout). The delay is a Loop::after timer: the loop keeps
// driving every other conversation meanwhile.
//
// Each attempt carries Request::attempt = 1, 2, ... (HTTP adapters send it as the
// X-Spar-Attempt header). A reply reports how many attempts it took in Reply::attempts. The
// error after the last attempt keeps its kind; when more than one attempt was made its message
// ends with " (after N attempts)".
//
// Thread-safety: like every client, bound to one Loop and used from its thread only.
// Destroying the client drops pending retries and callbacks uncalled.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "agent/client.h"

namespace spar::agent {

struct RetryPolicy {
  int retries = 2;                 // attempts after the first; 0: never retry
  double base_s = 0.5;             // backoff base
  double cap_s = 30;               // backoff cap
  double max_retry_after_s = 120;  // a server's Retry-After is honoured up to this
};

// Whether `error` may be retried, given how many protocol errors were already retried for
// this request.
bool is_retryable(const Error& error, int protocol_retries);

// The full-jitter backoff before attempt `next_attempt` (2, 3, ...) for a request whose
// session/seed hash is `key`.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int next_attempt, uint64_t key);

// The delay before the next attempt after `error` (Retry-After when the server gave one on a
// 429 or 503, else backoff_delay).
std::chrono::milliseconds retry_delay(const RetryPolicy& policy, const Error& error, int next_attempt,
                                      uint64_t key);

// Wraps `inner` (REQUIRES: bound to `loop`).
std::unique_ptr<AgentClient> make_retrying_client(Loop& loop, std::unique_ptr<AgentClient> inner,
                                                  RetryPolicy policy);

}  // namespace spar::agent
