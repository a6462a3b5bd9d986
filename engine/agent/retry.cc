#include "agent/retry.h"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "agent/internal.h"
#include "base/hash.h"

namespace spar::agent {

bool is_retryable(const Error& error, int protocol_retries) {
  if (error.kind == ErrorKind::transport || error.kind == ErrorKind::timeout) return true;
  if (error.kind == ErrorKind::protocol) return protocol_retries < 1;
  if (error.kind == ErrorKind::http) {
    int status = error.http_status;
    return status == 429 || (status >= 500 && status <= 599);
  }
  return false;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int next_attempt, uint64_t key) {
  int exponent = std::clamp(next_attempt - 2, 0, 62);
  double ceiling = std::min(policy.cap_s, policy.base_s * std::ldexp(1.0, exponent));
  uint64_t bits = mix64_finalise(key ^ mix64_finalise(static_cast<uint64_t>(next_attempt)));
  double unit = static_cast<double>(bits >> 11) * 0x1.0p-53;  // uniform in [0, 1)
  return std::chrono::milliseconds(std::llround(std::max(0.0, ceiling) * unit * 1000));
}

std::chrono::milliseconds retry_delay(const RetryPolicy& policy, const Error& error, int next_attempt,
                                      uint64_t key) {
  int status = error.http_status;
  double after = error.retry_after_s;
  if ((status == 429 || status == 503) && after >= 0) {
    double seconds = std::min(after, std::max(0.0, policy.max_retry_after_s));
    return std::chrono::milliseconds(std::llround(seconds * 1000));
  }
  return backoff_delay(policy, next_attempt, key);
}

namespace {

class RetryingClient final : public AgentClient {
 public:
  RetryingClient(Loop& loop, std::unique_ptr<AgentClient> inner, RetryPolicy policy)
      : loop_(loop), inner_(std::move(inner)), policy_(policy) {}

  ~RetryingClient() override { *alive_ = false; }

  bool streaming() const override { return inner_->streaming(); }

  void send(Request request, Done done) override {
    auto op = std::make_shared<Op>();
    op->key = fnv1a(request.session_id) ^ mix64_finalise(request.seed);
    op->request = std::move(request);
    op->done = std::move(done);
    attempt(op);
  }

 private:
  struct Op {
    Request request;
    Done done;
    uint64_t key = 0;
    int attempts = 0;
    int protocol_retries = 0;
  };

  void attempt(const std::shared_ptr<Op>& op) {
    ++op->attempts;
    // The last possible attempt gets the request itself; earlier ones a copy to resend.
    Request request = op->attempts > policy_.retries ? std::move(op->request) : op->request;
    request.attempt = op->attempts;
    // The inner client is owned by this one, so its callback never outlives `this`.
    inner_->send(std::move(request), [this, op](Result<Reply> reply) { on_result(op, std::move(reply)); });
  }

  void on_result(const std::shared_ptr<Op>& op, Result<Reply> reply) {
    if (reply.ok()) {
      reply->attempts = op->attempts;
      return op->done(std::move(reply));
    }
    Error error = reply.error();
    if (op->attempts > policy_.retries || !is_retryable(error, op->protocol_retries)) {
      if (op->attempts > 1) error.message += " (after " + std::to_string(op->attempts) + " attempts)";
      return op->done(std::move(error));
    }
    if (error.kind == ErrorKind::protocol) ++op->protocol_retries;
    auto delay = retry_delay(policy_, error, op->attempts + 1, op->key);
    spdlog::debug("{}: attempt {} failed ({}), retrying in {} ms: {}", op->request.session_id, op->attempts,
                  to_string(error.kind), delay.count(), error.message);
    std::weak_ptr<bool> alive = alive_;
    loop_.after(delay, [this, alive, op] {
      if (auto a = alive.lock(); a && *a) attempt(op);
    });
  }

  Loop& loop_;
  std::unique_ptr<AgentClient> inner_;
  RetryPolicy policy_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<AgentClient> make_retrying_client(Loop& loop, std::unique_ptr<AgentClient> inner,
                                                  RetryPolicy policy) {
  return std::make_unique<RetryingClient>(loop, std::move(inner), policy);
}

}  // namespace spar::agent
