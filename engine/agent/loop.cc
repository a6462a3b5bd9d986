#include "agent/loop.h"

#include <curl/curl.h>
#include <poll.h>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace spar::agent {

namespace {
// curl_global_init is not thread-safe on older libcurl; do it once per process.
struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};
void ensure_curl_global() { static CurlGlobal once; }
using Clock = std::chrono::steady_clock;
}  // namespace

struct Loop::Impl {
  CURLM* multi = nullptr;
  std::map<CURL*, std::function<void(int)>> transfers;
  std::deque<std::function<void()>> tasks;
  std::multimap<Clock::time_point, std::function<void()>> timers;
  std::map<int, std::function<void()>> fds;
  bool stopping = false;
};

Loop::Loop() : impl_(std::make_unique<Impl>()) {
  ensure_curl_global();
  impl_->multi = curl_multi_init();
  if (!impl_->multi) throw std::runtime_error("curl_multi_init failed");
}

Loop::~Loop() {
  for (auto& [easy, done] : impl_->transfers) curl_multi_remove_handle(impl_->multi, easy);
  curl_multi_cleanup(impl_->multi);
}

void Loop::post(std::function<void()> fn) { impl_->tasks.push_back(std::move(fn)); }

void Loop::after(std::chrono::milliseconds delay, std::function<void()> fn) {
  impl_->timers.emplace(Clock::now() + delay, std::move(fn));
}

void Loop::add(CURL* easy, std::function<void(int)> done) {
  impl_->transfers[easy] = std::move(done);
  curl_multi_add_handle(impl_->multi, easy);
}

void Loop::remove(CURL* easy) {
  if (impl_->transfers.erase(easy)) curl_multi_remove_handle(impl_->multi, easy);
}

void Loop::watch(int fd, std::function<void()> on_readable) { impl_->fds[fd] = std::move(on_readable); }
void Loop::unwatch(int fd) { impl_->fds.erase(fd); }

size_t Loop::transfers() const { return impl_->transfers.size(); }

void Loop::stop() {
  impl_->stopping = true;
  wake();
}

void Loop::wake() { curl_multi_wakeup(impl_->multi); }

void Loop::run() {
  Impl& s = *impl_;
  s.stopping = false;
  while (!s.stopping) {
    // 1. Posted tasks (those posted while running wait for the next round).
    for (size_t n = s.tasks.size(); n > 0 && !s.stopping; --n) {
      auto fn = std::move(s.tasks.front());
      s.tasks.pop_front();
      fn();
    }
    // 2. Due timers.
    auto now = Clock::now();
    while (!s.timers.empty() && s.timers.begin()->first <= now && !s.stopping) {
      auto fn = std::move(s.timers.begin()->second);
      s.timers.erase(s.timers.begin());
      fn();
    }
    if (s.stopping) break;
    if (s.tasks.empty() && s.timers.empty() && s.transfers.empty() && s.fds.empty()) break;

    // 3. Wait for sockets, watched fds or the next timer.
    int timeout_ms = s.tasks.empty() ? 1000 : 0;
    if (!s.timers.empty()) {
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(s.timers.begin()->first - Clock::now()).count();
      timeout_ms = std::min<long>(timeout_ms, std::max<long>(0, wait));
    }
    std::vector<curl_waitfd> extra;
    extra.reserve(s.fds.size());
    for (auto& [fd, cb] : s.fds) extra.push_back(curl_waitfd{fd, CURL_WAIT_POLLIN, 0});
    int running = 0;
    curl_multi_perform(s.multi, &running);
    // A transfer that ended in this perform has its message queued: collect it without
    // sleeping (otherwise the poll below waits its full timeout with nothing to wake it).
    if (static_cast<size_t>(running) < s.transfers.size()) timeout_ms = 0;
    curl_multi_poll(s.multi, extra.data(), static_cast<unsigned>(extra.size()), timeout_ms, nullptr);
    curl_multi_perform(s.multi, &running);

    // 4. Completed transfers.
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(s.multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;
      curl_multi_remove_handle(s.multi, easy);
      auto it = s.transfers.find(easy);
      if (it == s.transfers.end()) continue;
      auto done = std::move(it->second);
      s.transfers.erase(it);
      done(static_cast<int>(code));
    }
    // 5. Readable fds (copy callbacks: a callback may unwatch).
    for (auto& w : extra) {
      if (w.revents == 0) continue;
      auto it = s.fds.find(w.fd);
      if (it != s.fds.end()) {
        auto cb = it->second;
        cb();
      }
    }
  }
}

}  // namespace spar::agent
