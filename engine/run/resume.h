// Resuming a run: what is already recorded, and whether the folder holds the same run (resume.cc).
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "run/runner.h"

namespace spar::run {

// The (case key, trial) pairs already recorded in a run folder being resumed (keys among `planned`,
// run_file.h record_case_key); a torn last line is cut off. With retry_errors, error records are
// removed from the file first.
Result<std::set<std::pair<std::string, int>>> recorded_pairs(const std::string& results_path, bool retry_errors,
                                                             const std::set<std::string>& planned);

// A resumed run must be the run in the folder: the same seed, trials and cases.
Status check_same_run(const json& before, const RunOptions& options, const std::vector<ScenarioEntry>& scenarios);

}  // namespace spar::run
