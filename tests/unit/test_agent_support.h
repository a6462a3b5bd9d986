// Helpers for the agent-layer tests (retries, rate limits, record/replay): a cpp-httplib server
// on an ephemeral port, request builders, and finding the real spar-mock-agent.
#pragma once

#include <doctest/doctest.h>
#include <httplib.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "agent/client.h"

namespace spar::test {

// A cpp-httplib server on 127.0.0.1:<ephemeral>, serving from its own threads.
class AgentTestServer {
 public:
  explicit AgentTestServer(const std::function<void(httplib::Server&)>& setup) {
    setup(server_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~AgentTestServer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    stopped_.notify_all();
    server_.stop();
    thread_.join();
  }
  // For a handler that must never answer: blocks until the server is destroyed at the end of
  // the test, so a client's timeout (or its own destruction) is the only way out of the
  // request, however slow the machine. Use it instead of sleeping "longer than the timeout".
  void hang() {
    std::unique_lock<std::mutex> lock(mu_);
    stopped_.wait(lock, [this] { return stopping_; });
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable stopped_;
  bool stopping_ = false;
};

// A 127.0.0.1 port that refuses connections for as long as this object lives: a socket bound
// to an ephemeral port that never listens. Nothing else can bind the port meanwhile, unlike a
// fixed port or one a closed server just gave back.
class RefusedPort {
 public:
  RefusedPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
  }
  ~RefusedPort() { ::close(fd_); }
  RefusedPort(const RefusedPort&) = delete;
  RefusedPort& operator=(const RefusedPort&) = delete;
  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

inline agent::Request chat_request(const std::string& text, const std::string& session = "retail/refund#1-2a",
                                   uint64_t seed = 77) {
  agent::Request r;
  r.session_id = session;
  r.seed = seed;
  r.messages.push_back({"system", "You are a test.", {}, "", ""});
  r.messages.push_back({"user", text, {}, "", ""});
  return r;
}

inline std::string ok_completion(const std::string& text, int prompt_tokens = 3, int completion_tokens = 4) {
  return agent::json{{"choices", {{{"message", {{"role", "assistant"}, {"content", text}}}}}},
                     {"usage", {{"prompt_tokens", prompt_tokens}, {"completion_tokens", completion_tokens}}}}
      .dump();
}

template <class R>
std::string error_of(const R& r) {
  return r.ok() ? std::string() : std::string(spar::to_string(r.error().kind)) + ": " + r.error().message;
}

// Makes a factory for `spec` with `options`; fails the test on error.
inline std::unique_ptr<agent::AgentFactory> make_factory(const std::string& spec, const agent::FactoryOptions& options) {
  auto parsed = agent::parse_agent_spec(spec);
  REQUIRE_MESSAGE(parsed.ok(), error_of(parsed));
  auto f = agent::make_agent_factory(*parsed, options);
  REQUIRE_MESSAGE(f.ok(), error_of(f));
  return std::move(f).value();
}

// Sends one request on a fresh loop and runs it to completion.
inline Result<agent::Reply> send_one(agent::AgentFactory& f, const agent::Request& request) {
  agent::Loop loop;
  auto client = f.make(loop);
  REQUIRE_MESSAGE(client.ok(), error_of(client));
  std::optional<Result<agent::Reply>> out;
  bool inside = true;
  (*client)->send(request, [&](Result<agent::Reply> r) {
    CHECK_FALSE(inside);
    out = std::move(r);
  });
  inside = false;
  loop.run();
  REQUIRE(out.has_value());
  return std::move(*out);
}

// The real spar-mock-agent ($SPAR_MOCK_AGENT, which CTest sets, or beside
// build/tests/spar_tests). A missing binary fails the test: a skipped test would pass.
inline std::string mock_agent_binary() {
  std::string binary;
  if (const char* env = std::getenv("SPAR_MOCK_AGENT")) binary = env;
  if (binary.empty()) {
    char self[4096];
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    std::string dir = n > 0 ? std::string(self, static_cast<size_t>(n)) : "";
    dir = dir.substr(0, dir.rfind('/'));
    binary = dir.substr(0, dir.rfind('/')) + "/spar-mock-agent";
  }
  if (::access(binary.c_str(), X_OK) != 0) FAIL("spar-mock-agent not found at '" << binary << "' (build it, or set SPAR_MOCK_AGENT)");
  return binary;
}

inline double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace spar::test
