#include "run/progress.h"

#include <fmt/format.h>

#include "base/plural.h"
#include "report/terminal.h"
#include "run/run_file.h"

namespace spar::run {

void Progress::finished(const json& record, RunOutcome& outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  ++outcome.conversations;
  bool completed = record.value("error", json()).is_null();
  completed ? ++outcome.completed : ++outcome.errors;
  bool passed = completed && record.value("score", json::object()).value("pass", false);
  passes_ += passed;
  std::string verdict = !completed ? "ERROR" : passed ? "pass" : "FAIL";
  std::string detail;
  if (!completed && record["error"].is_object()) {
    detail = fmt::format(" {} error: {}", record["error"].value("kind", "unknown"), record["error"].value("message", ""));
  }
  // Scenario ids and error messages come from scripts and agents: escaped for the terminal.
  std::string line = report::printable(fmt::format("[{}/{}] {} #{} {} ({}){}", outcome.conversations, total_,
                                                   record_case_key(record, planned_), record.value("trial", 0), verdict,
                                                   count_of(record.value("turns", 0), "turn"), detail));
  // An error always prints, -q or not: one line, scenario, trial, path:line and message.
  if (quiet_) {
    if (!completed) fmt::print(stderr, "{}\n", line);
    return;
  }
  if (!tty_) {
    fmt::print(stderr, "{}\n", line);
    return;
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  double eta = elapsed / outcome.conversations * (total_ - outcome.conversations);
  if (!passed) fmt::print(stderr, "\r\x1b[2K{}\n", line);
  // Passes out of every conversation played: an error is not a pass, and is not left out.
  fmt::print(stderr, "\r\x1b[2K{}/{} done  pass {}/{} ({:.0f}%)  errors {}  ETA {}:{:02d}", outcome.conversations,
             total_, passes_, outcome.conversations, 100.0 * passes_ / outcome.conversations,
             outcome.errors, static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
  if (outcome.conversations == total_) fmt::print(stderr, "\n");
}

}  // namespace spar::run
