// The mock kind: spawns spar-mock-agent on an ephemeral 127.0.0.1 port and talks to it as an
// OpenAI-compatible server (streaming unless stream=0).
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <optional>
#include <cstdlib>
#include <thread>

#include <spdlog/spdlog.h>

#include "agent/adapters.h"
#include "agent/internal.h"
#include "agent/subprocess.h"
#include "base/near.h"
#include "knobs.h"  // tools/mock-agent: the knob table, to check knobs before spawning

namespace spar::agent {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr const char* kReadyPrefix = "listening on http://";

std::string default_mock_binary() {
  if (const char* env = std::getenv("SPAR_MOCK_AGENT"); env && *env) return env;
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "spar-mock-agent";
  std::string path(self, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/') + 1) + "spar-mock-agent";
}

// "host:port" from a line holding "listening on http://HOST:PORT[/...]", or "".
std::string ready_address(const std::string& line) {
  size_t at = line.find(kReadyPrefix);
  if (at == std::string::npos) return "";
  std::string rest = line.substr(at + std::string(kReadyPrefix).size());
  size_t end = rest.find_first_of("/ \t\r");
  rest = rest.substr(0, end);
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon + 1 == rest.size()) return "";
  return rest;
}

class MockFactory final : public AgentFactory {
 public:
  MockFactory(std::unique_ptr<Subprocess> proc, OpenAiConfig config, std::string knobs)
      : proc_(std::move(proc)), config_(std::move(config)), knobs_(std::move(knobs)) {
    // Drain the server's output for its whole life, so it never blocks on a full pipe.
    drain_ = std::thread([this] { drain(); });
  }

  ~MockFactory() override {
    proc_->terminate(std::chrono::seconds(2));
    stop_ = true;
    drain_.join();
  }

  Result<std::unique_ptr<AgentClient>> make(Loop& loop) override {
    return std::unique_ptr<AgentClient>(make_openai_client(loop, config_));
  }

  std::string describe() const override {
    return "mock (spar-mock-agent pid " + std::to_string(proc_->pid()) + " at " + config_.base_url +
           ", stream=" + (config_.stream ? "on" : "off") + (knobs_.empty() ? "" : ", " + knobs_) + ")";
  }

 private:
  void drain() {
    int fd[2] = {proc_->stdout_fd(), proc_->stderr_fd()};
    std::string line[2];
    while (!stop_ && (fd[0] >= 0 || fd[1] >= 0)) {
      pollfd fds[2] = {{fd[0], POLLIN, 0}, {fd[1], POLLIN, 0}};
      if (::poll(fds, 2, 100) <= 0) continue;
      for (int i = 0; i < 2; ++i) {
        if (fd[i] < 0 || fds[i].revents == 0) continue;
        if (!read_available(fd[i], line[i])) fd[i] = -1;  // closed: the server is gone
        for (size_t eol; (eol = line[i].find('\n')) != std::string::npos;) {
          spdlog::debug("spar-mock-agent: {}", line[i].substr(0, eol));
          line[i].erase(0, eol + 1);
        }
        if (line[i].size() > 65536) line[i].clear();
      }
    }
  }

  std::unique_ptr<Subprocess> proc_;
  OpenAiConfig config_;
  std::string knobs_;
  std::atomic<bool> stop_{false};
  std::thread drain_;
};

// Null when KEY=VALUE is a knob the mock takes; else the line to show, before any process starts.
std::optional<std::string> knob_problem(const std::string& key, const std::string& value) {
  mock::Knobs scratch;
  if (!mock::apply_knob(scratch, key + "=" + value)) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& k : mock::knob_table()) names.push_back(k.name);
  if (std::find(names.begin(), names.end(), key) != names.end()) {
    std::string why = *mock::apply_knob(scratch, key + "=" + value);
    return "--agent mock: " + why;
  }
  auto near = near_names(key, names);
  return "--agent mock: unknown knob '" + key + "'" + (near.empty() ? "" : " (did you mean " + near[0] + "?)") +
         "; the knobs are listed in spar run --help";
}

}  // namespace

std::string mock_knobs_help() {
  std::string out;
  for (const auto& k : mock::knob_table()) {
    std::string left = "  " + k.name + "=" + k.default_text;
    out += left + std::string(left.size() < 24 ? 24 - left.size() : 2, ' ') + k.help + "\n";
  }
  return out;
}

Result<std::unique_ptr<AgentFactory>> make_mock_factory(const AgentSpec& spec, const FactoryOptions& options) {
  // Every key but `stream` and `threads` is a knob of the server, forwarded as KEY=VALUE.
  AgentSpec openai;
  openai.kind = "openai";
  if (auto it = spec.params.find("stream"); it != spec.params.end()) openai.params.insert(*it);
  openai.params["model"] = "mock";
  openai.params["base_url"] = "http://127.0.0.1";  // replaced below
  Result<OpenAiConfig> config = openai_config_from_spec(openai, options, /*stream_default=*/true);
  if (!config) return config.error();

  std::string binary = options.mock_binary.empty() ? default_mock_binary() : options.mock_binary;
  if (::access(binary.c_str(), X_OK) != 0) {
    return make_error(ErrorKind::input, "cannot find spar-mock-agent at " + binary +
                                   " (build it, or set SPAR_MOCK_AGENT to its path)");
  }
  // `threads` sizes the server's pool; by default one thread per conversation in flight
  // plus headroom, at least the server's own default of 64 (a request waiting for a free
  // thread would count as agent latency).
  std::string threads = std::to_string(std::max(64, options.concurrency + 16));
  if (auto it = spec.params.find("threads"); it != spec.params.end()) threads = it->second;
  std::vector<std::string> argv = {binary, "--port", "0", "--host", "127.0.0.1", "--threads", threads};
  std::string knobs;
  for (const auto& [key, value] : spec.params) {
    if (key == "stream" || key == "threads") continue;
    if (auto bad = knob_problem(key, value)) return make_error(ErrorKind::input, *bad);
    argv.push_back(key + "=" + value);
    knobs += (knobs.empty() ? "" : " ") + key + "=" + value;
  }
  auto started = Subprocess::spawn(argv);
  if (!started) return started.error();
  std::unique_ptr<Subprocess> proc = std::move(*started);

  // Wait for "listening on http://127.0.0.1:PORT".
  std::string out, err, address;
  auto deadline = Clock::now() + kStartTimeout;
  bool out_open = true, err_open = true;
  while (address.empty()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0 || (!out_open && !err_open)) break;
    pollfd fds[2] = {{out_open ? proc->stdout_fd() : -1, POLLIN, 0}, {err_open ? proc->stderr_fd() : -1, POLLIN, 0}};
    if (::poll(fds, 2, static_cast<int>(left)) <= 0) continue;
    if (fds[0].revents) out_open = read_available(proc->stdout_fd(), out);
    if (fds[1].revents) err_open = read_available(proc->stderr_fd(), err);
    for (size_t eol; address.empty() && (eol = out.find('\n')) != std::string::npos;) {
      address = ready_address(out.substr(0, eol));
      out.erase(0, eol + 1);
    }
  }
  if (address.empty()) {
    bool died = !out_open && !err_open;
    proc->terminate(std::chrono::milliseconds(500));
    read_available(proc->stderr_fd(), err);
    std::string what = died ? "exited (" + proc->status_text() + ")"
                            : "did not print 'listening on http://...' within 10 s";
    std::string tail = internal::one_line(err.size() > 400 ? err.substr(err.size() - 400) : err, 400);
    return make_error(ErrorKind::exec, "spar-mock-agent " + what + (tail.empty() ? "" : ": " + tail));
  }
  config->base_url = "http://" + address + "/v1";
  return std::unique_ptr<AgentFactory>(std::make_unique<MockFactory>(std::move(proc), std::move(*config), knobs));
}

}  // namespace spar::agent
