// Verdicts on one conversation's confusion events and retention probes (docs/metrics.md,
// "Recovery, per event"). Pure functions over the record's transcript: no I/O, no Lua.
#pragma once

#include <nlohmann/json.hpp>

#include "score/recovery.h"

namespace spar::score {

using json = nlohmann::json;

// Fills in, in place, events[i].recovered (bool, or null when unscored), turns_to_recover,
// leaked, leak_turn, decided_by (action | text | unscored) and unscored (why), and
// probes[i].answered (bool, or null when unscored), decided_by (text | unscored), unscored.
void score_events(json& record, const ScoreOptions& options);

// Copies what the scenario says about an event onto it, as observations for scoring: an
// intent_change's from_tool/to_tool (its `intents` table) and the tool arguments that carry the
// event's `field` as `args` (its `fields` table). Replaces what an earlier binding wrote.
void bind_event(json& event, const json& intents, const json& fields);

}  // namespace spar::score
