// The one reader of a run folder's run.json (written by run/run_file.cc and run/merge.cc),
// for `spar report`, `--resume` and `spar merge`. Typed fields for what readers use; `raw`
// keeps the rest.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "score/summary.h"

namespace spar::report {

struct RunFile {
  nlohmann::json raw;                 // the whole object
  std::string run_id;                 // "" in a run.json from before run ids
  nlohmann::json args;                // the run's arguments (object), or null
  nlohmann::json scenarios;           // as written, or null
  std::optional<score::Price> price;  // when the run recorded one
};

// Reads DIR/run.json. Errors (kind input): `DIR: not a spar run folder (no run.json)`,
// `DIR: malformed run.json: ...` (not JSON, nested too deep, or not an object).
Result<RunFile> read_run_file(const std::string& dir);

}  // namespace spar::report
