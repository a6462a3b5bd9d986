// Scoring one conversation record (DESIGN.md §7, docs/metrics.md). Pure functions over the
// record's transcript, events, probes and violations: no I/O, no Lua.
#pragma once

#include <nlohmann/json.hpp>

namespace spar::score {

using json = nlohmann::json;

struct ScoreOptions {
  int recovery_turns = 2;  // R: a correction's new value must be used within R turns
};

// score_events() then score_checkpoints() (score/events.h, score/checkpoints.h). Fills in, in place:
//   events[i].recovered (bool or null when unscorable), turns_to_recover, leaked, leak_turn
//   probes[i].answered
//   checkpoints: {"3": {policy, recovery, retention, progress, judge, quality} | null, ...}
//   degradation: {dimension: last reached checkpoint - first, or null}
//   final_quality: quality at the last reached checkpoint that has one
// Reads checkpoint_turns (default 3, 8, 15, 25), policy_count, progress and judgements.
void score_conversation(json& record, const ScoreOptions& options);

// Penalty weights of the policy dimension: 1 - sum of weights, floored at 0; any critical
// violation in the window makes it 0.
constexpr double kMajorWeight = 0.25;
constexpr double kMinorWeight = 0.1;

}  // namespace spar::score
