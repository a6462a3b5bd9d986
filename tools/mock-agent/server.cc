// spar-mock-agent: an OpenAI-compatible Chat Completions server whose replies come from the
// deterministic rule engine in brain.h. This file is only HTTP, SSE, delays, chaos and the CLI.
//
// Threads: httplib serves requests from a thread pool; a dedicated thread waits for SIGINT or
// SIGTERM and stops the server. Handlers share only the immutable Knobs and the attempt counter.

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <algorithm>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <pthread.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <sys/socket.h>

#include "brain.h"
#include "judge.h"
#include "knobs.h"

namespace spar::mock {
namespace {

constexpr long long kCreated = 1767225600;  // fixed (2026-01-01T00:00:00Z): bodies are reproducible

std::atomic<bool> g_stopping{false};

// Sleeps up to `ms`, waking early when the server is stopping.
void pause_for(double ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(static_cast<long long>(ms * 1000));
  while (!g_stopping && std::chrono::steady_clock::now() < until) {
    auto left = until - std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        left, std::chrono::milliseconds(20)));
  }
}

std::string hex(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Counts how often an identical request body was seen, so that chaos faults are deterministic
// per (request, attempt) and a retry of a failed request can succeed.
class AttemptCounter {
 public:
  uint64_t next(uint64_t body_hash) {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_[body_hash]++;
  }

 private:
  std::mutex mu_;
  std::unordered_map<uint64_t, uint64_t> seen_;
};

struct Prepared {
  json completion;             // non-streaming body
  std::vector<std::string> events;  // SSE events, "data: ...\n\n" each
};

std::vector<std::string> split_words(const std::string& text, int per_chunk) {
  std::vector<std::string> out;
  std::string cur;
  int words = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    cur += text[i];
    bool boundary = text[i] == ' ' && (i + 1 >= text.size() || text[i + 1] != ' ');
    if (boundary && ++words >= per_chunk) {
      out.push_back(cur);
      cur.clear();
      words = 0;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

Prepared prepare(const json& request, const BrainReply& reply, const Knobs& knobs) {
  uint64_t seed = request_seed(request);
  uint64_t turn = count_user_messages(request);
  size_t n_messages =
      request.contains("messages") && request["messages"].is_array() ? request["messages"].size() : 0;
  std::string id = "chatcmpl-" + hex(hash64("completion", seed ^ (turn << 32) ^ n_messages));
  std::string model = request.contains("model") && request["model"].is_string()
                          ? request["model"].get<std::string>()
                          : "spar-mock-agent";

  int64_t prompt_tokens = 0;
  if (request.contains("messages") && request["messages"].is_array()) {
    for (const auto& m : request["messages"]) {
      if (m.is_object() && m.contains("content") && m["content"].is_string())
        prompt_tokens += approx_tokens(m["content"].get<std::string>());
      if (m.is_object() && m.contains("tool_calls")) prompt_tokens += approx_tokens(m["tool_calls"].dump());
    }
  }
  if (request.contains("tools")) prompt_tokens += approx_tokens(request["tools"].dump());
  int64_t completion_tokens = approx_tokens(reply.text);
  for (const auto& c : reply.tool_calls) completion_tokens += approx_tokens(c.name + c.arguments);
  completion_tokens = std::max<int64_t>(completion_tokens, 1);
  json usage = {{"prompt_tokens", prompt_tokens},
                {"completion_tokens", completion_tokens},
                {"total_tokens", prompt_tokens + completion_tokens}};

  Prepared p;
  json message = {{"role", "assistant"}};
  message["content"] = reply.text.empty() && !reply.tool_calls.empty() ? json(nullptr) : json(reply.text);
  if (!reply.tool_calls.empty()) {
    json calls = json::array();
    for (const auto& c : reply.tool_calls) {
      calls.push_back({{"id", c.id},
                       {"type", "function"},
                       {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
    }
    message["tool_calls"] = calls;
  }
  p.completion = {{"id", id},
                  {"object", "chat.completion"},
                  {"created", kCreated},
                  {"model", model},
                  {"choices",
                   json::array({{{"index", 0},
                                 {"message", message},
                                 {"logprobs", nullptr},
                                 {"finish_reason", reply.finish_reason}}})},
                  {"usage", usage}};

  auto chunk = [&](json delta, json finish) {
    json c = {{"id", id},
              {"object", "chat.completion.chunk"},
              {"created", kCreated},
              {"model", model},
              {"choices", json::array({{{"index", 0},
                                        {"delta", std::move(delta)},
                                        {"logprobs", nullptr},
                                        {"finish_reason", std::move(finish)}}})}};
    return "data: " + c.dump() + "\n\n";
  };
  p.events.push_back(chunk({{"role", "assistant"}, {"content", ""}}, nullptr));
  for (const auto& piece : split_words(reply.text, knobs.words_per_chunk)) {
    p.events.push_back(chunk({{"content", piece}}, nullptr));
  }
  for (size_t i = 0; i < reply.tool_calls.size(); ++i) {
    const auto& c = reply.tool_calls[i];
    p.events.push_back(chunk(
        {{"tool_calls", json::array({{{"index", i},
                                      {"id", c.id},
                                      {"type", "function"},
                                      {"function", {{"name", c.name}, {"arguments", ""}}}}})}},
        nullptr));
    // Arguments arrive in two pieces, as real servers split them.
    size_t half = c.arguments.size() / 2;
    for (const auto& part : {c.arguments.substr(0, half), c.arguments.substr(half)}) {
      if (part.empty()) continue;
      p.events.push_back(chunk(
          {{"tool_calls", json::array({{{"index", i}, {"function", {{"arguments", part}}}}})}},
          nullptr));
    }
  }
  p.events.push_back(chunk(json::object(), reply.finish_reason));
  bool include_usage = request.contains("stream_options") && request["stream_options"].is_object() &&
                       request["stream_options"].value("include_usage", false);
  if (include_usage) {
    json u = {{"id", id},
              {"object", "chat.completion.chunk"},
              {"created", kCreated},
              {"model", model},
              {"choices", json::array()},
              {"usage", usage}};
    p.events.push_back("data: " + u.dump() + "\n\n");
  }
  p.events.push_back("data: [DONE]\n\n");
  return p;
}

json error_body(const std::string& message, const std::string& type) {
  return {{"error", {{"message", message}, {"type", type}, {"code", nullptr}}}};
}

void handle_completion(const httplib::Request& req, httplib::Response& res, const Knobs& knobs,
                       AttemptCounter& attempts) {
  json request = json::parse(req.body, nullptr, false);
  if (request.is_discarded() || !request.is_object()) {
    res.status = 400;
    res.set_content(error_body("request body is not a JSON object", "invalid_request_error").dump(),
                    "application/json");
    return;
  }
  uint64_t seed = request_seed(request);
  uint64_t turn = count_user_messages(request);
  bool stream = request.value("stream", false);

  // Chaos: keyed by the request and how often this exact body was seen before.
  uint64_t attempt = req.has_header("X-Spar-Attempt")
                         ? std::strtoull(req.get_header_value("X-Spar-Attempt").c_str(), nullptr, 10)
                         : attempts.next(hash64(req.body));
  auto chaos = [&](const char* label) {
    return roll(seed, turn, std::string(label) + ":" + std::to_string(attempt));
  };
  if (knobs.timeout_rate > 0 && chaos("timeout") < knobs.timeout_rate) pause_for(knobs.hang_ms);
  if (knobs.fail_rate > 0 && chaos("fail") < knobs.fail_rate) {
    res.status = 500;
    res.set_content(error_body("injected failure (fail_rate)", "server_error").dump(),
                    "application/json");
    return;
  }

  double delay = knobs.latency_ms;
  if (knobs.jitter_ms > 0) delay += knobs.jitter_ms * roll(seed, turn, "jitter");
  if (delay > 0) pause_for(delay);

  BrainReply reply = is_judge_request(request) ? judge(request, knobs) : decide(request, knobs);
  auto prepared = std::make_shared<Prepared>(prepare(request, reply, knobs));
  bool garbage = knobs.garbage_rate > 0 && chaos("garbage") < knobs.garbage_rate;
  bool reset = knobs.reset_rate > 0 && chaos("reset") < knobs.reset_rate;

  if (!stream) {
    std::string body = garbage ? "{\"id\": \"chatcmpl-garbage\", \"choices\": [ <<not json>>"
                               : prepared->completion.dump();
    if (!reset) {
      res.set_content(body, "application/json");
      return;
    }
    auto shared = std::make_shared<std::string>(std::move(body));
    res.set_content_provider(shared->size(), "application/json",
                             [shared](size_t offset, size_t, httplib::DataSink& sink) {
                               if (offset > 0) return false;  // drop the connection mid-body
                               sink.write(shared->data(), shared->size() / 2);
                               return true;
                             });
    return;
  }

  if (garbage) {
    prepared->events.insert(prepared->events.begin() + 1, "data: {\"choices\": [ <<not json>>\n\n");
  }
  size_t cut = reset ? std::max<size_t>(1, prepared->events.size() / 2) : prepared->events.size();
  auto next = std::make_shared<size_t>(0);
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider(
      "text/event-stream", [prepared, next, cut](size_t, httplib::DataSink& sink) {
        if (*next >= cut) {
          if (cut < prepared->events.size()) return false;  // reset_rate: abort the stream
          sink.done();
          return true;
        }
        const std::string& e = prepared->events[(*next)++];
        return sink.write(e.data(), e.size());
      });
}

// Debian's prebuilt cpp-httplib listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG is fixed
// in the shared library), so a client opening many connections at once waits for TCP
// retransmits: a second or more per burst. The server has exactly one listening socket; find
// it and listen again with the system's maximum backlog.
void widen_listen_backlog() {
  for (int fd = 3; fd < 1024; ++fd) {
    int accepting = 0;
    socklen_t len = sizeof accepting;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) == 0 && accepting) {
      ::listen(fd, SOMAXCONN);
      return;
    }
  }
}

void print_help() {
  std::cout << "usage: spar-mock-agent [--host HOST] [--port PORT] [--threads N] [key=value ...]\n"
               "\n"
               "An OpenAI-compatible Chat Completions server (POST /v1/chat/completions, GET\n"
               "/health) that plays a deterministic, rule-based support agent. Replies are a pure\n"
               "function of the request and the knobs. Prints 'listening on http://HOST:PORT' once\n"
               "bound; stops cleanly on SIGINT or SIGTERM.\n"
               "\n"
               "options:\n"
               "  --host HOST    address to bind (default 127.0.0.1)\n"
               "  --port PORT    port to bind; 0 picks a free port (default 0)\n"
               "  --threads N    request-handling threads (default 64)\n"
               "  --help         show this help\n"
               "\n"
               "knobs (key=value):\n";
  for (const auto& k : knob_table()) {
    std::string head = "  " + k.name + "=" + k.default_text;
    if (head.size() < 26) head.resize(26, ' ');
    else head += " ";
    std::cout << head << k.help << "\n";
  }
  std::cout << "\nSee tools/mock-agent/README.md for the behaviour rules.\n";
}

int usage_error(const std::string& message) {
  std::cerr << "spar-mock-agent: " << message << "\n";
  return 2;
}

bool parse_int(const std::string& s, long min, long max, long& out) {
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v < min || v > max) return false;
  out = v;
  return true;
}

int run(int argc, char** argv) {
  std::string host = "127.0.0.1";
  long port = 0, threads = 64;
  Knobs knobs;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (arg == "--help" || arg == "-h") {
      print_help();
      return 0;
    } else if (arg == "--host") {
      auto v = value();
      if (!v || v->empty()) return usage_error("--host needs a value");
      host = *v;
    } else if (arg == "--port") {
      auto v = value();
      if (!v || !parse_int(*v, 0, 65535, port))
        return usage_error("--port needs a number in [0, 65535]");
    } else if (arg == "--threads") {
      auto v = value();
      if (!v || !parse_int(*v, 1, 4096, threads))
        return usage_error("--threads needs a number in [1, 4096]");
    } else if (arg.rfind("--", 0) == 0 || arg.rfind("-", 0) == 0) {
      return usage_error("unknown option '" + arg + "' (see --help)");
    } else if (auto err = apply_knob(knobs, arg)) {
      return usage_error(*err);
    }
  }

  // Block the stop signals in every thread; one thread waits for them synchronously.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  httplib::Server server;
  size_t pool = size_t(threads);
  server.new_task_queue = [pool] { return new httplib::ThreadPool(pool); };
  // Small SSE chunks must not wait for Nagle, and a client keeps its connections: without
  // these every request paid ~27 ms and a new connection every 5 requests.
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000000);
  server.set_keep_alive_timeout(60);
  AttemptCounter attempts;
  server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  server.Get("/v1/models", [](const httplib::Request&, httplib::Response& res) {
    json body = {{"object", "list"},
                 {"data", json::array({{{"id", "spar-mock-agent"},
                                        {"object", "model"},
                                        {"created", kCreated},
                                        {"owned_by", "spar"}}})}};
    res.set_content(body.dump(), "application/json");
  });
  server.Post("/v1/chat/completions",
              [&](const httplib::Request& req, httplib::Response& res) {
                handle_completion(req, res, knobs, attempts);
              });

  int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, int(port)) ? int(port) : -1);
  if (bound <= 0) {
    std::cerr << "spar-mock-agent: cannot bind " << host << ":" << port << "\n";
    return 1;
  }

  widen_listen_backlog();

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    g_stopping = true;
    server.stop();
  });

  std::cout << "listening on http://" << host << ":" << bound << std::endl;
  bool ok = server.listen_after_bind();
  if (!g_stopping) {
    // listen ended on its own (an error): release the signal thread.
    pthread_kill(waiter.native_handle(), SIGTERM);
  }
  waiter.join();
  return ok || g_stopping ? 0 : 1;
}

}  // namespace
}  // namespace spar::mock

int main(int argc, char** argv) { return spar::mock::run(argc, argv); }
