#include "agent/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <deque>

#include "agent/openai_wire.h"

namespace spar::agent {

RateLimiter::RateLimiter(double rps, double tpm) : rps_(std::max(0.0, rps)), tpm_(std::max(0.0, tpm)) {}

RateLimiter::Clock::duration RateLimiter::try_acquire(double tokens, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  Clock::time_point start = now;
  Clock::duration request_cost{}, token_cost{};
  if (rps_ > 0) {
    // Bucket of one request: the next send may start once the previous one's cost is paid.
    request_cost = std::chrono::duration_cast<Clock::duration>(Seconds(1.0 / rps_));
    start = std::max(start, request_full_at_);
  }
  if (tpm_ > 0) {
    token_cost = std::chrono::duration_cast<Clock::duration>(Seconds(std::max(0.0, tokens) / (tpm_ / 60)));
    // The bucket holds one second of tokens: a request may start while the debt left after it
    // fits in that second; a bigger request waits for an empty bucket.
    Clock::duration capacity = std::chrono::duration_cast<Clock::duration>(Seconds(1.0));
    Clock::duration room = capacity > token_cost ? capacity - token_cost : Clock::duration::zero();
    start = std::max(start, token_full_at_ - room);
  }
  if (start > now) return start - now;
  if (rps_ > 0) request_full_at_ = std::max(request_full_at_, now) + request_cost;
  if (tpm_ > 0) token_full_at_ = std::max(token_full_at_, now) + token_cost;
  return Clock::duration::zero();
}

void RateLimiter::settle(double tokens, Clock::time_point now) {
  if (tpm_ <= 0 || tokens == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto delta = std::chrono::duration_cast<Clock::duration>(Seconds(std::abs(tokens) / (tpm_ / 60)));
  if (tokens > 0) {
    token_full_at_ = std::max(token_full_at_, now) + delta;
  } else {
    token_full_at_ = std::max(token_full_at_ - delta, now);  // a refund never overfills the bucket
  }
}

double estimate_tokens(const Request& request) {
  size_t chars = 0;
  for (const Message& m : request.messages) {
    chars += m.content.size();
    for (const ToolCall& c : m.tool_calls) chars += c.name.size() + c.arguments.size();
  }
  for (const ToolSpec& t : request.tools) chars += t.name.size() + t.description.size() + dump_json(t.parameters).size();
  return std::ceil(static_cast<double>(chars) / 4);
}

namespace {

class RateLimitedClient final : public AgentClient {
 public:
  RateLimitedClient(Loop& loop, std::unique_ptr<AgentClient> inner, std::shared_ptr<RateLimiter> limiter)
      : loop_(loop), inner_(std::move(inner)), limiter_(std::move(limiter)) {}

  bool streaming() const override { return inner_->streaming(); }

  void send(Request request, Done done) override {
    double estimate = estimate_tokens(request);
    queue_.push_back(Pending{std::move(request), std::move(done), estimate});
    if (!waiting_) pump();
  }

 private:
  struct Pending {
    Request request;
    Done done;
    double estimate = 0;
  };

  // Sends queued requests, in order, while the limiter has room; then waits for the next.
  void pump() {
    while (!queue_.empty()) {
      auto wait = limiter_->try_acquire(queue_.front().estimate);
      if (wait > RateLimiter::Clock::duration::zero()) {
        waiting_ = true;
        std::weak_ptr<bool> alive = alive_;
        loop_.after(std::chrono::ceil<std::chrono::milliseconds>(wait), [this, alive] {
          if (alive.expired()) return;
          waiting_ = false;
          pump();
        });
        return;
      }
      Pending p = std::move(queue_.front());
      queue_.pop_front();
      forward(std::move(p));
    }
  }

  void forward(Pending p) {
    // The inner client is owned by this one, so its callback never outlives `this`.
    inner_->send(std::move(p.request), [this, done = std::move(p.done), estimate = p.estimate](Result<Reply> reply) {
      if (reply.ok()) {
        const Usage& u = reply->usage;
        double actual = static_cast<double>(u.prompt_tokens + u.completion_tokens);
        if (actual <= 0) actual = estimate + std::ceil(static_cast<double>(reply->text.size()) / 4);
        limiter_->settle(actual - estimate);
      }
      done(std::move(reply));
    });
  }

  Loop& loop_;
  std::unique_ptr<AgentClient> inner_;
  std::shared_ptr<RateLimiter> limiter_;
  std::deque<Pending> queue_;  // waiting for room, oldest first
  bool waiting_ = false;       // a timer will pump the queue
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<AgentClient> make_rate_limited_client(Loop& loop, std::unique_ptr<AgentClient> inner,
                                                      std::shared_ptr<RateLimiter> limiter) {
  return std::make_unique<RateLimitedClient>(loop, std::move(inner), std::move(limiter));
}

}  // namespace spar::agent
