// Loop: one thread's event loop, built on libcurl's multi interface (curl_multi_poll).
// It drives every HTTP transfer of the conversations assigned to its thread, watches extra
// file descriptors (the exec adapter's pipes), runs timers, and runs posted tasks.
//
// Thread-safety: a Loop and everything registered on it belong to one thread. Only wake()
// may be called from another thread. Callbacks are never invoked re-entrantly from inside
// add()/post()/after(): they run from run().
#pragma once

#include <chrono>
#include <functional>
#include <memory>

typedef void CURL;  // same declaration as <curl/curl.h>; keeps libcurl out of callers' includes

namespace spar::agent {

class Loop {
 public:
  Loop();
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Runs `fn` on a later iteration of run().
  void post(std::function<void()> fn);

  // Runs `fn` once, `delay` from now.
  void after(std::chrono::milliseconds delay, std::function<void()> fn);

  // Starts a configured easy handle; `done(curl_code)` runs when the transfer ends (a CURLcode
  // value). The caller keeps ownership of the handle and may clean it up inside `done`.
  void add(CURL* easy, std::function<void(int curl_code)> done);

  // Aborts a transfer started with add() without calling its `done`.
  void remove(CURL* easy);

  // Calls `on_readable` whenever `fd` is readable (or hung up) until unwatch(fd).
  void watch(int fd, std::function<void()> on_readable);
  void unwatch(int fd);

  // Runs until nothing is pending (no transfers, tasks, timers or watched fds) or stop().
  void run();
  void stop();
  // Thread-safe: interrupts a blocking poll.
  void wake();

  size_t transfers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spar::agent
