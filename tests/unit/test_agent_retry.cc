// Retries (agent/retry.h): what is retried, Retry-After, backoff with full jitter, attempts
// counted and numbered, the loop kept busy while a request waits; against cpp-httplib servers
// and the real spar-mock-agent's chaos knobs.
#include <atomic>
#include <ctime>
#include <mutex>
#include <set>
#include <vector>

#include "agent/internal.h"
#include "base/hash.h"
#include "agent/retry.h"
#include "test_agent_support.h"

using namespace spar::agent;
using namespace spar::test;
using spar::Error;
using spar::Result;

namespace {

// The default timeout only ends a hang: no reply from a local server takes a minute, however
// slow the machine. (The request timeout also caps Retry-After.)
FactoryOptions fast_retries(int retries, double timeout_s = 60) {
  FactoryOptions o;
  o.retries = retries;
  o.retry_base_s = 0.01;
  o.request_timeout_s = timeout_s;
  return o;
}

// A server whose n-th POST (1-based) is answered by `answer(n, req, res)`; it keeps the
// X-Spar-Attempt headers it saw.
struct ScriptedServer {
  std::atomic<int> posts{0};
  std::mutex mu;
  std::vector<std::string> attempts;
  std::function<void(int, const httplib::Request&, httplib::Response&)> answer;
  AgentTestServer server{[this](httplib::Server& s) {
    s.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
      int n = ++posts;
      {
        std::lock_guard<std::mutex> lock(mu);
        attempts.push_back(req.get_header_value("X-Spar-Attempt"));
      }
      answer(n, req, res);
    });
  }};
  std::string spec() const { return "openai:model=m,base_url=" + server.base_url(); }
};

std::string http_date(std::time_t t) {
  char buf[64];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace

TEST_CASE("retry: what is retried") {
  CHECK(is_retryable(Error{spar::ErrorKind::transport, "POST x failed: Connection refused"}, 0));
  CHECK(is_retryable(Error{spar::ErrorKind::timeout, "no complete reply"}, 0));
  CHECK(is_retryable(Error{spar::ErrorKind::http, "HTTP 429 from http://x", 429}, 0));
  CHECK(is_retryable(Error{spar::ErrorKind::http, "HTTP 429 (retry after 3 s) from http://x: slow down", 429, 3}, 0));
  CHECK(is_retryable(Error{spar::ErrorKind::http, "HTTP 500 from http://x", 500}, 0));
  CHECK(is_retryable(Error{spar::ErrorKind::http, "HTTP 503 from http://x", 503}, 0));
  CHECK_FALSE(is_retryable(Error{spar::ErrorKind::http, "HTTP 400 from http://x: bad request", 400}, 0));
  CHECK_FALSE(is_retryable(Error{spar::ErrorKind::http, "HTTP 401 from http://x", 401}, 0));
  CHECK_FALSE(is_retryable(Error{spar::ErrorKind::http, "HTTP 404 from http://x", 404}, 0));
  CHECK_FALSE(is_retryable(Error{spar::ErrorKind::http, "HTTP 408 from http://x", 408}, 0));
  CHECK(is_retryable(Error{spar::ErrorKind::protocol, "bad reply"}, 0));
  CHECK_FALSE(is_retryable(Error{spar::ErrorKind::protocol, "bad reply"}, 1));  // once only
  CHECK_FALSE(is_retryable(Error{spar::ErrorKind::exec, "exec agent exited"}, 0));
  CHECK_FALSE(is_retryable(Error{spar::ErrorKind::replay_miss, "no recorded reply"}, 0));
  CHECK_FALSE(is_retryable(Error{spar::ErrorKind::input, "bad spec"}, 0));
  // The status travels as a field; the message text decides nothing.
  CHECK_FALSE(is_retryable(Error{spar::ErrorKind::http, "HTTP 500 from http://x"}, 0));
  CHECK_FALSE(is_retryable(Error{spar::ErrorKind::http, "HTTP 503 from http://x", 400}, 0));
  CHECK(is_retryable(Error{spar::ErrorKind::http, "HTTP 400 from http://x", 503}, 0));
}

TEST_CASE("retry: http errors carry status and Retry-After as fields, and say them in the message") {
  using namespace spar::agent::internal;
  Error e = http_error(429, 7, "http://h/v1/chat/completions", "{\"error\": \"HTTP 500 (retry after 99 s)\"}");
  CHECK(e.kind == spar::ErrorKind::http);
  CHECK(e.message == "HTTP 429 (retry after 7 s) from http://h/v1/chat/completions: {\"error\": \"HTTP 500 (retry after 99 s)\"}");
  CHECK(e.http_status == 429);
  CHECK(e.retry_after_s == 7);
  Error plain = http_error(502, -1, "http://h", "");
  CHECK(plain.message == "HTTP 502 from http://h");
  CHECK(plain.http_status == 502);
  CHECK(plain.retry_after_s < 0);
  CHECK(Error{spar::ErrorKind::transport, "HTTP 500 from x"}.http_status == 0);

  std::time_t now = 1767225600;
  CHECK(parse_retry_after("3", now) == 3);
  CHECK(parse_retry_after(" 120 ", now) == 120);
  CHECK(parse_retry_after(http_date(now + 42), now) == 42);
  CHECK(parse_retry_after(http_date(now - 42), now) == 0);  // a date in the past: now
  CHECK(parse_retry_after("soon", now) == -1);
  CHECK(parse_retry_after("3s", now) == -1);
  CHECK(parse_retry_after("", now) == -1);
}

TEST_CASE("retry: backoff is full jitter, bounded, reproducible and not lockstep") {
  RetryPolicy p;  // base 0.5 s, cap 30 s
  for (int next = 2; next <= 12; ++next) {
    double ceiling_ms = std::min(30.0, 0.5 * std::ldexp(1.0, next - 2)) * 1000;
    std::set<long> seen;
    double sum = 0;
    for (uint64_t key = 0; key < 2000; ++key) {
      long ms = backoff_delay(p, next, spar::mix64_finalise(key)).count();
      CHECK(ms >= 0);
      CHECK(ms <= ceiling_ms);
      seen.insert(ms);
      sum += static_cast<double>(ms);
    }
    CHECK(seen.size() > 200);  // conversations do not retry in lockstep
    double mean = sum / 2000;  // full jitter: uniform over [0, ceiling]
    CHECK(mean > ceiling_ms * 0.4);
    CHECK(mean < ceiling_ms * 0.6);
  }
  CHECK(backoff_delay(p, 3, 12345) == backoff_delay(p, 3, 12345));
  // Retry-After wins on 429 and 503, capped at the request timeout; other statuses back off.
  p.max_retry_after_s = 10;
  CHECK(retry_delay(p, Error{spar::ErrorKind::http, "HTTP 429 (retry after 4 s) from x", 429, 4}, 2, 1).count() == 4000);
  CHECK(retry_delay(p, Error{spar::ErrorKind::http, "HTTP 503 (retry after 400 s) from x", 503, 400}, 2, 1).count() == 10000);
  CHECK(retry_delay(p, Error{spar::ErrorKind::http, "HTTP 500 (retry after 4 s) from x", 500, 4}, 2, 1).count() <= 500);
  CHECK(retry_delay(p, Error{spar::ErrorKind::http, "HTTP 429 from x", 429, 0.25}, 2, 1).count() == 250);
  CHECK(retry_delay(p, Error{spar::ErrorKind::http, "HTTP 429 (retry after 4 s) from x", 429}, 2, 1).count() <= 500);
}

TEST_CASE("retry: 429 with Retry-After, then 200") {
  ScriptedServer s;
  s.answer = [](int n, const httplib::Request&, httplib::Response& res) {
    if (n == 1) {
      res.status = 429;
      res.set_header("Retry-After", "1");
      res.set_content("{\"error\": {\"message\": \"rate limited\"}}", "application/json");
      return;
    }
    res.set_content(ok_completion("finally"), "application/json");
  };
  auto f = make_factory(s.spec(), fast_retries(2));
  auto start = std::chrono::steady_clock::now();
  auto r = send_one(*f, chat_request("hello"));
  double took = seconds_since(start);
  REQUIRE_MESSAGE(r.ok(), error_of(r));
  CHECK(r->text == "finally");
  CHECK(r->attempts == 2);
  CHECK(s.posts == 2);
  CHECK(took >= 0.95);  // Retry-After: 1, not the 10 ms backoff (a lower bound: load only adds)
  CHECK(s.attempts == std::vector<std::string>{"1", "2"});
}

TEST_CASE("retry: an HTTP-date Retry-After on 503; a huge one is capped at the request timeout") {
  ScriptedServer s;
  std::string retry_after;
  // Each request's first attempt is refused; any retry succeeds (keyed on the attempt header,
  // not on a request count, so a retry after a slow reply under a sanitizer cannot shift it).
  s.answer = [&](int, const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("X-Spar-Attempt") == "1") {
      res.status = 503;
      res.set_header("Retry-After", retry_after);
      return;
    }
    res.set_content(ok_completion("ok"), "application/json");
  };
  auto f = make_factory(s.spec(), fast_retries(2));
  // Start the clock before taking the date: the reply cannot come before the date's second
  // after it, whatever the machine does in between.
  auto start = std::chrono::steady_clock::now();
  retry_after = http_date(std::time(nullptr) + 2);
  auto r = send_one(*f, chat_request("hello"));
  REQUIRE_MESSAGE(r.ok(), error_of(r));
  CHECK(seconds_since(start) >= 0.9);  // 1 to 2 s, by the date's whole seconds
  CHECK(r->attempts == 2);

  retry_after = "3600";
  auto capped = make_factory(s.spec(), fast_retries(2, /*timeout_s=*/2.0));
  start = std::chrono::steady_clock::now();
  r = send_one(*capped, chat_request("hello"));
  REQUIRE_MESSAGE(r.ok(), error_of(r));
  double took = seconds_since(start);
  CHECK(took >= 1.95);  // waited the capped 2 s...
  CHECK(took < 600);    // ...not 3600 s (only a hang comes near this bound)
}

TEST_CASE("retry: a persistent 500 gives up, keeping the kind and counting attempts") {
  ScriptedServer s;
  s.answer = [](int, const httplib::Request&, httplib::Response& res) {
    res.status = 500;
    res.set_content("{\"error\": {\"message\": \"boom\"}}", "application/json");
  };
  auto f = make_factory(s.spec(), fast_retries(2));
  auto r = send_one(*f, chat_request("hello"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == spar::ErrorKind::http);
  CHECK(r.error().message.rfind("HTTP 500 from ", 0) == 0);
  CHECK(r.error().message.find("(after 3 attempts)") != std::string::npos);
  CHECK(s.posts == 3);
  CHECK(s.attempts == std::vector<std::string>{"1", "2", "3"});
}

TEST_CASE("retry: 4xx other than 429 is final") {
  for (int status : {400, 401, 404, 422}) {
    ScriptedServer s;
    s.answer = [status](int, const httplib::Request&, httplib::Response& res) {
      res.status = status;
      res.set_content("{\"error\": \"no\"}", "application/json");
    };
    auto f = make_factory(s.spec(), fast_retries(3));
    auto r = send_one(*f, chat_request("hello"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == spar::ErrorKind::http);
    CHECK(r.error().message.find("attempts") == std::string::npos);
    CHECK(s.posts == 1);
  }
}

TEST_CASE("retry: a malformed body is retried once") {
  ScriptedServer s;
  s.answer = [](int, const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"choices\": [ <<not json>>", "application/json");
  };
  auto f = make_factory(s.spec(), fast_retries(5));
  auto r = send_one(*f, chat_request("hello"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == spar::ErrorKind::protocol);
  CHECK(r.error().message.find("(after 2 attempts)") != std::string::npos);
  CHECK(s.posts == 2);

  ScriptedServer flaky;  // garbage once, then fine
  flaky.answer = [](int n, const httplib::Request&, httplib::Response& res) {
    res.set_content(n == 1 ? "garbage" : ok_completion("fine"), "application/json");
  };
  auto g = make_factory(flaky.spec(), fast_retries(5));
  auto ok = send_one(*g, chat_request("hello"));
  REQUIRE_MESSAGE(ok.ok(), error_of(ok));
  CHECK(ok->attempts == 2);
}

TEST_CASE("retry: timeouts and refused connections are retried") {
  // The first attempt never gets an answer (the timeout is its only way out); the retry does.
  // 2 s is the timeout for the retry's reply too: far more than a local reply needs.
  ScriptedServer slow;
  slow.answer = [&slow](int, const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("X-Spar-Attempt") == "1") return slow.server.hang();
    res.set_content(ok_completion("awake"), "application/json");
  };
  auto f = make_factory(slow.spec(), fast_retries(2, /*timeout_s=*/2));
  auto r = send_one(*f, chat_request("hello"));
  REQUIRE_MESSAGE(r.ok(), error_of(r));
  CHECK(r->text == "awake");
  CHECK(r->attempts == 2);
  CHECK(slow.attempts == std::vector<std::string>{"1", "2"});

  RefusedPort port;  // nothing listens there while the test runs
  auto refused = make_factory(std::string("openai:model=m,base_url=") + port.base_url(), fast_retries(2));
  auto e = send_one(*refused, chat_request("hello"));
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().kind == spar::ErrorKind::transport);
  CHECK(e.error().message.find("(after 3 attempts)") != std::string::npos);

  auto none = make_factory(std::string("openai:model=m,base_url=") + port.base_url(), fast_retries(0));
  e = send_one(*none, chat_request("hello"));
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message.find("attempts") == std::string::npos);  // --retries 0: one attempt, as before
}

TEST_CASE("retry: the loop drives other conversations while one waits") {
  // One request is told to come back in an hour (capped at the 60 s request timeout). While its
  // retry waits, five more requests are sent and all complete; then the client is destroyed.
  // Nothing depends on how long anything takes: a loop that blocked in the wait would answer
  // the waiting request first (or not at all), and the checks below would fail.
  ScriptedServer s;
  s.answer = [](int, const httplib::Request& req, httplib::Response& res) {
    bool slow = req.body.find("wait for me") != std::string::npos;
    if (slow) {
      res.status = 429;
      res.set_header("Retry-After", "3600");
      return;
    }
    res.set_content(ok_completion("quick"), "application/json");
  };
  auto f = make_factory(s.spec(), fast_retries(2));
  Loop loop;
  auto client = f->make(loop);
  REQUIRE(client.ok());
  bool slow_called = false;
  int quick = 0;
  (*client)->send(chat_request("wait for me", "a#1-1"), [&](Result<Reply>) { slow_called = true; });
  std::function<void()> poll = [&] {
    if (s.posts < 1 || loop.transfers() != 0) {  // until the 429 came back and the retry waits
      loop.after(std::chrono::milliseconds(1), poll);
      return;
    }
    for (int i = 0; i < 5; ++i) {
      (*client)->send(chat_request("go " + std::to_string(i), "b#1-" + std::to_string(i)), [&](Result<Reply> r) {
        REQUIRE_MESSAGE(r.ok(), error_of(r));
        CHECK(r->text == "quick");
        CHECK_FALSE(slow_called);
        if (++quick == 5) {
          client->reset();  // drops the waiting retry...
          loop.stop();      // ...whose timer would keep run() going for the capped minute
        }
      });
    }
  };
  loop.after(std::chrono::milliseconds(1), poll);
  loop.run();
  CHECK(quick == 5);
  CHECK_FALSE(slow_called);
  CHECK(s.posts == 6);  // the waiting request was never sent again
}

TEST_CASE("retry: destroying a client while a retry waits drops its callback") {
  // Retry-After: 3600 (capped at the 60 s timeout) keeps the retry waiting for as long as the
  // poll below may need to see it, however late its 1 ms timer runs.
  ScriptedServer s;
  s.answer = [](int, const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_header("Retry-After", "3600");
  };
  auto f = make_factory(s.spec(), fast_retries(3));
  Loop loop;
  auto client = f->make(loop);
  REQUIRE(client.ok());
  bool called = false;
  (*client)->send(chat_request("hello"), [&](Result<Reply>) { called = true; });
  // Destroy the client once the first attempt has failed and the retry timer is pending.
  std::function<void()> poll = [&] {
    if (s.posts >= 1 && loop.transfers() == 0) {
      client->reset();
      loop.stop();  // the dropped retry's timer would keep run() going for the capped minute
      return;
    }
    loop.after(std::chrono::milliseconds(1), poll);
  };
  loop.after(std::chrono::milliseconds(1), poll);
  loop.run();
  CHECK_FALSE(called);
  CHECK(s.posts == 1);
}

TEST_CASE("retry: the real mock agent's chaos knobs are survived with retries") {
  std::string binary = mock_agent_binary();  // fails the test when missing
  // 40% failures per attempt (HTTP 500s, resets mid-reply), rolled by the mock from the request
  // and its X-Spar-Attempt, so the outcome is the same on every machine: with 8 retries every
  // request gets through; without, many fail. No hangs here: against the sanitized mock a
  // timeout short enough to keep this test quick could also cut a slow honest reply (hangs are
  // covered by "timeouts and refused connections are retried" and tests/e2e/retries.sh).
  auto run = [&](int retries, int& failed, int& attempts) {
    FactoryOptions o = fast_retries(retries);
    o.mock_binary = binary;
    auto f = make_factory("mock:fail_rate=0.25,reset_rate=0.2", o);
    Loop loop;
    auto client = f->make(loop);
    REQUIRE(client.ok());
    failed = attempts = 0;
    for (int i = 0; i < 30; ++i) {
      (*client)->send(chat_request("I want to cancel my subscription", "s#1-" + std::to_string(i), 1000 + i),
                      [&](Result<Reply> r) {
                        if (!r.ok()) {
                          ++failed;
                          CHECK((r.error().kind == spar::ErrorKind::http || r.error().kind == spar::ErrorKind::transport ||
                                 r.error().kind == spar::ErrorKind::protocol));
                          return;
                        }
                        attempts += r->attempts;
                      });
    }
    loop.run();
  };
  int failed = 0, attempts = 0;
  run(8, failed, attempts);
  CHECK(failed == 0);
  CHECK(attempts > 30);  // some needed retries
  run(0, failed, attempts);
  CHECK(failed >= 3);
}
