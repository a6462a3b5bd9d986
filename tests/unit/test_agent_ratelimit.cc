// Rate limits (agent/rate_limit.h): the bucket arithmetic on a fake clock, token charges
// corrected by usage, and 40 real requests at --rps 20 shared by two worker loops.
#include <algorithm>
#include <mutex>
#include <vector>

#include "agent/fake.h"
#include "agent/rate_limit.h"
#include "test_agent_support.h"

using namespace spar::agent;
using namespace spar::test;
using spar::Result;
using std::chrono::milliseconds;

namespace {
using Clock = RateLimiter::Clock;
long ms(Clock::duration d) { return std::chrono::duration_cast<milliseconds>(d).count(); }
}  // namespace

TEST_CASE("rate limit: requests per second are evenly spaced (a bucket of one request)") {
  RateLimiter limiter(10, 0);
  Clock::time_point t0{};
  t0 += std::chrono::hours(1);
  CHECK(ms(limiter.try_acquire(0, t0)) == 0);
  CHECK(ms(limiter.try_acquire(0, t0)) == 100);
  CHECK(ms(limiter.try_acquire(0, t0)) == 100);  // asking takes nothing
  CHECK(ms(limiter.try_acquire(0, t0 + milliseconds(100))) == 0);
  CHECK(ms(limiter.try_acquire(0, t0 + milliseconds(150))) == 50);
  // An idle limiter does not save up a burst, and a late sender gets no backlog of slots.
  CHECK(ms(limiter.try_acquire(0, t0 + milliseconds(5000))) == 0);
  CHECK(ms(limiter.try_acquire(0, t0 + milliseconds(5000))) == 100);
  CHECK(ms(limiter.try_acquire(0, t0 + milliseconds(5099))) == 1);
}

TEST_CASE("rate limit: tokens per minute, a bucket of one second's tokens, corrected by usage") {
  RateLimiter limiter(0, 6000);  // 100 tokens/s, bucket 100 tokens
  Clock::time_point t0{};
  t0 += std::chrono::hours(1);
  CHECK(ms(limiter.try_acquire(50, t0)) == 0);
  CHECK(ms(limiter.try_acquire(50, t0)) == 0);    // the bucket is now empty
  CHECK(ms(limiter.try_acquire(50, t0)) == 500);  // 50 tokens refill in 0.5 s
  auto t1 = t0 + milliseconds(500);
  CHECK(ms(limiter.try_acquire(50, t1)) == 0);  // empty again at t0 + 1.5 s
  // The reply used 250 tokens instead of the estimated 50: 2 s more to pay (empty at 3.5 s),
  // and 10 tokens may start 0.9 s before that.
  limiter.settle(200, t1);
  CHECK(ms(limiter.try_acquire(10, t1)) == 2100);
  // A refund makes room again, but never more than a full bucket.
  limiter.settle(-100000, t1);
  CHECK(ms(limiter.try_acquire(100, t1)) == 0);
  CHECK(ms(limiter.try_acquire(1, t1)) == 10);
  // A request bigger than the bucket waits for an empty bucket, then goes.
  RateLimiter big(0, 6000);
  CHECK(ms(big.try_acquire(300, t0)) == 0);
  CHECK(ms(big.try_acquire(300, t0)) == 3000);
  // Both limits: the later of the two wins.
  RateLimiter both(1, 6000);
  CHECK(ms(both.try_acquire(10, t0)) == 0);
  CHECK(ms(both.try_acquire(10, t0)) == 1000);
}

TEST_CASE("rate limit: the estimate is request characters / 4") {
  Request r = chat_request("");
  r.messages = {{"system", std::string(40, 's'), {}, "", ""}, {"user", std::string(7, 'u'), {}, "", ""}};
  CHECK(estimate_tokens(r) == 12);  // ceil(47 / 4)
  r.messages.push_back({"assistant", "", {{"c1", "lookup", std::string(8, 'a')}}, "", ""});
  CHECK(estimate_tokens(r) == 16);  // ceil((47 + "lookup" + 8 argument chars) / 4)
}

TEST_CASE("rate limit: completed replies charge their real usage") {
  Loop loop;
  auto limiter = std::make_shared<RateLimiter>(0, 60000);  // 1000 tokens/s
  auto fake = std::make_unique<FakeAgent>(loop, [](const Request&) -> Result<Reply> {
    Reply r;
    r.text = "ok";
    r.usage = {1500, 1500};  // 3000 tokens: 3 s of budget
    return r;
  });
  auto client = make_rate_limited_client(loop, std::move(fake), limiter);
  Request small = chat_request("hi");  // a few tokens estimated
  bool done = false;
  auto before = Clock::now();
  client->send(small, [&](Result<Reply> r) { done = r.ok(); });
  loop.run();
  auto after = Clock::now();
  REQUIRE(done);
  // 3000 tokens charged at 1000/s, minus the 1 s bucket: the bucket is full again 2 s after
  // the charge, which happened somewhere between `before` and `after` (however long that was).
  long wait = ms(limiter->try_acquire(0, after));
  CHECK(wait <= 2000);
  CHECK(wait >= 2000 - ms(after - before) - 1);
}

TEST_CASE("rate limit: 40 requests at --rps 20 from two workers take >= 1.9 s, no burst") {
  std::mutex mu;
  std::vector<Clock::time_point> arrivals;
  AgentTestServer server([&](httplib::Server& s) {
    s.Post("/v1/chat/completions", [&](const httplib::Request&, httplib::Response& res) {
      {
        std::lock_guard<std::mutex> lock(mu);
        arrivals.push_back(Clock::now());
      }
      res.set_content(ok_completion("ok"), "application/json");
    });
  });
  FactoryOptions o;
  o.retries = 0;
  o.rps = 20;
  auto f = make_factory("openai:model=m,base_url=" + server.base_url(), o);
  auto start = Clock::now();
  std::atomic<int> ok{0};
  auto worker = [&](int id) {  // one loop per thread, as the runner does; one shared limiter
    Loop loop;
    auto client = f->make(loop);
    REQUIRE(client.ok());
    for (int i = 0; i < 20; ++i) {
      (*client)->send(chat_request("hi " + std::to_string(i), "w" + std::to_string(id) + "#1-" + std::to_string(i)),
                      [&](Result<Reply> r) { ok += r.ok(); });
    }
    loop.run();
  };
  std::thread a(worker, 1), b(worker, 2);
  a.join();
  b.join();
  double took = seconds_since(start);
  CHECK(ok == 40);
  CHECK(took >= 1.9);  // 39 gaps of 50 ms (a lower bound: a slow machine only adds)
  REQUIRE(arrivals.size() == 40);
  std::sort(arrivals.begin(), arrivals.end());
  // No burst: the i-th request cannot arrive before i/20 s, since each arrives after its slot
  // and slots are 50 ms apart. Only lower bounds: a loaded machine delays arrivals and may
  // bunch them up at the server, so gaps between arrivals prove nothing.
  for (size_t i = 0; i < arrivals.size(); ++i) {
    double at = std::chrono::duration<double>(arrivals[i] - start).count();
    CHECK_MESSAGE(at >= 0.05 * static_cast<double>(i) - 0.002, "request " << i << " arrived at " << at << " s");
  }
}
