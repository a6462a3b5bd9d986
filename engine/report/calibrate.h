// spar calibrate: a run's records joined with the human labels of the history database
// (labels.h) by run_id + conversation_key + item, and spar's graders compared with the people
// (score/calibration.h). Also the `calibration` section of report.html.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "report/labels.h"
#include "score/calibration.h"

namespace spar::report {

using json = nlohmann::json;

// The comparison (score::compare_with_humans) over `records` and the labels of their
// conversations (labels of other runs or conversations are counted in `labels_elsewhere`), with
// `records`, `unscored_records` (records without a score: no grader speaks for them) and
// `ungraded_units` (items people labelled that no grader decided: spar said "unscored").
json calibration_of(const std::vector<json>& records, const std::vector<Label>& labels,
                    const score::CompareOptions& options = {});

// The labels in `db` of the runs `records` belong to (none when the database does not exist).
Result<std::vector<Label>> labels_of_runs(const std::vector<json>& records, const std::string& db);

// Reads DIR/results.jsonl and the labels in `db`. Errors: an unreadable results file or database.
Result<json> calibrate_dir(const std::string& dir, const std::string& db, const score::CompareOptions& options = {});

// The tables spar calibrate prints: per grader n, agreement, kappa, alpha and the flag; reviewer
// against reviewer; then per grader the confusion table and the worst disagreements with both
// rationales.
std::string render_calibration(const json& comparison);

}  // namespace spar::report
