// The evidence mix of a run (docs/metrics.md, "Evidence"): what decided its verdicts. Pure.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "score/cases.h"

namespace spar::score {

using json = nlohmann::json;

// Adds to a summary, from the completed records it was computed over:
//   evidence: {"events": {action, state, judge, text, unscored}, "probes": {...same...},
//              "violations": {action, text}}   (events: the confusion events only)
//   recovery.by_evidence: {"action"|"state"|"judge"|"text": {recovered, scored, rate}}
//   unread: the number of `unread` events, overall and in each per_scenario entry (by the
//   summary's case keys, `keys`).
void evidence_mix(const std::vector<const json*>& records, const CaseKeys& keys, json& summary);

}  // namespace spar::score
