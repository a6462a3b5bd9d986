// Progress output of `spar run` (progress.cc).
#pragma once

#include <unistd.h>

#include <chrono>
#include <mutex>

#include "run/runner.h"

namespace spar::run {

// Progress: on a terminal, one live line (failures and errors stay above it); otherwise one
// plain line per finished conversation. Thread-safe.
class Progress {
 public:
  Progress(int total, bool quiet) : total_(total), quiet_(quiet), tty_(isatty(STDERR_FILENO) != 0) {}

  void finished(const json& record, RunOutcome& outcome);

 private:
  std::mutex mu_;
  int total_;
  bool quiet_, tty_;
  int passes_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace spar::run
