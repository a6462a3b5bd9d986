// report.html: one self-contained page (CSS, JS and SVG inline, no network) built from a run's
// summary and records. Opens from a file:// URL.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spar::report {

using json = nlohmann::json;

// The page for `summary` (summary.json), `records` (results.jsonl) and `run` (run.json, or null);
// `calibration` (report/calibrate.h, or null): the section comparing graders with human labels.
std::string render_html(const json& summary, const std::vector<json>& records, const json& run,
                        const json& calibration = nullptr);

}  // namespace spar::report
