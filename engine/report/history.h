// Run history: an embedded SQLite database (default runs/history.db) that records each run's
// summary and its headline metrics, overall, per case (score/cases.h) and per persona
// ("@name", when several play), so trends show across runs.
// The same database holds the human review labels (labels.h). history.cc, labels.cc and
// sqlite_db.cc are the only code in spar that touches SQLite. Safe for concurrent writers (busy
// timeout).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace spar::report {

using json = nlohmann::json;

// Appends one run. `run_info` is run.json (agent, seed, trials; may be null).
Status record_history(const std::string& db_path, const std::string& out_dir, const json& run_info,
                      const json& summary);

struct HistoryQuery {
  std::string scenario;              // "" = overall; a case key; "@persona"
  std::vector<std::string> metrics;  // empty = pass^1, pass^k, quality at the last checkpoint, recovery, violations
  int last = 20;                     // most recent runs
};

// The trend table `spar history` prints. Errors: a missing or unreadable database (kind "input").
Result<std::string> history_table(const std::string& db_path, const HistoryQuery& query);

}  // namespace spar::report
