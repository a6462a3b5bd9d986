// The report of a run directory: summary.json from results.jsonl, and the console table.
#pragma once

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace spar::report {

using json = nlohmann::json;

// Reads DIR/results.jsonl, computes the summary and writes DIR/summary.json (atomically).
Result<json> write_report(const std::string& dir);

// The pass^k table: one row per scenario, then the overall row.
void print_table(const json& summary, std::FILE* out);

// Writes text to path through a temporary file and a rename.
Status write_file_atomic(const std::string& path, const std::string& text);

}  // namespace spar::report
