// The report of a run directory: summary.json from results.jsonl, and the console table.
#pragma once

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "score/summary.h"

namespace spar::report {

using json = nlohmann::json;

struct ReportOptions {
  std::optional<score::Price> price;  // default: the price recorded in DIR/run.json, if any
  // Transcripts report.html embeds (failed and errored conversations first); the others
  // point at their results.jsonl line.
  size_t max_transcripts = 1000;
  // The history database whose human labels of this run report.html compares the graders with
  // (its calibration section); "" or a database without labels for the run: no section.
  std::string labels_db;
};

// Reads DIR/results.jsonl, computes the summary and writes DIR/summary.json (atomically).
Result<json> write_report(const std::string& dir, const ReportOptions& options = {});

// Parses "prompt=X,completion=Y" (USD per million tokens); errors are kind "input".
Result<score::Price> parse_price(const std::string& text);

// The pass^k table: one row per scenario, then the overall row.
void print_table(const json& summary, std::FILE* out);

// Writes text to path through a temporary file and a rename.
Status write_file_atomic(const std::string& path, const std::string& text);

}  // namespace spar::report
