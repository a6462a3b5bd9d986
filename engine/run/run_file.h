// The run folder: its lock, and run.json (the arguments a run was made with, read back for
// --resume) (run_file.cc).
#pragma once

#include <unistd.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "run/runner.h"

namespace spar::run {

// An exclusive flock(2) on OUT/run.lock, held until destroyed (for the whole run, resumes
// included): a second `spar run` on the same folder is refused instead of interleaving its
// records with the first's. The kernel drops the lock when spar exits, however it exits.
class FolderLock {
 public:
  static Result<std::unique_ptr<FolderLock>> take(const std::string& dir);
  ~FolderLock() { ::close(fd_); }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  explicit FolderLock(int fd) : fd_(fd) {}
  int fd_;
};

// Writes OUT/run.json: how this run was made (its id, agent, models, plan and arguments), so
// `spar report` can recompute it the same way and `--resume` can finish it. Returns what it wrote.
Result<json> write_run_file(const RunOptions& options, const std::string& run_id, const std::string& agent,
                            const json& user_model, const json& judge, const LoadedCases& cases);

// A record's case key among a run's planned keys (run.json "scenarios"): its scenario id, or
// "id@persona" when the run played that scenario with several personas.
std::string record_case_key(const json& record, const std::set<std::string>& planned);

}  // namespace spar::run
