// The checkpoint windows of one conversation (docs/metrics.md, "Dimensions"): per window
// policy, recovery, retention, progress, judge and quality, then degradation and final quality.
// Pure: reads the verdicts score_events() left on events and probes.
#pragma once

#include <nlohmann/json.hpp>

namespace spar::score {

using json = nlohmann::json;

// Fills in, in place:
//   checkpoints: {"3": {policy, recovery, retention, progress, judge, quality} | null, ...}
//   degradation: {dimension: last reached checkpoint - first, or null}
//   final_quality: quality at the last reached checkpoint that has one
// Reads turns, checkpoint_turns (default 3, 8, 15, 25), policy_count, violations, events'
// recovered, probes' answered, progress and judgements.
void score_checkpoints(json& record);

}  // namespace spar::score
