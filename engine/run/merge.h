// spar merge OUT DIR...: combines the run folders of shards (spar run --shard i/n) into one run
// whose summary equals the unsharded run's (wall-clock latency percentiles aside).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace spar::run {

struct MergeOutcome {
  int records = 0;
  int expected = 0;                   // scenarios x trials of the shards' run
  std::vector<std::string> missing;   // "scenario #trial" pairs no shard recorded
  nlohmann::json summary;
};

// Errors (kind "input"): a folder without results, shards of different runs (seed, trials or
// scenarios differ), or a (scenario, trial) recorded twice.
Result<MergeOutcome> merge(const std::string& out_dir, const std::vector<std::string>& dirs);

}  // namespace spar::run
