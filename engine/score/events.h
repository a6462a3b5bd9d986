// Verdicts on one conversation's confusion events and retention probes (docs/metrics.md,
// "Recovery, per event"). Pure functions over the record's transcript: no I/O, no Lua.
#pragma once

#include <nlohmann/json.hpp>

#include "score/recovery.h"

namespace spar::score {

using json = nlohmann::json;

// Fills in, in place, events[i].recovered (bool, or null when unscorable), turns_to_recover,
// leaked, leak_turn (and unscored: why), and probes[i].answered.
void score_events(json& record, const ScoreOptions& options);

}  // namespace spar::score
