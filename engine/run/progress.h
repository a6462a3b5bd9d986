// Progress output of `spar run` (progress.cc).
#pragma once

#include <unistd.h>

#include <chrono>
#include <mutex>
#include <set>
#include <string>

#include "run/runner.h"

namespace spar::run {

// Progress: on a terminal, one live line (failures and errors stay above it); otherwise one
// plain line per finished conversation. Thread-safe.
class Progress {
 public:
  // `planned`: the run's case keys, so a line names a case (scenario@persona where several play).
  Progress(int total, bool quiet, std::set<std::string> planned = {})
      : total_(total), quiet_(quiet), tty_(isatty(STDERR_FILENO) != 0), planned_(std::move(planned)) {}

  void finished(const json& record, RunOutcome& outcome);

 private:
  std::mutex mu_;
  int total_;
  bool quiet_, tty_;
  std::set<std::string> planned_;
  int passes_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace spar::run
