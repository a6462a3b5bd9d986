// The verdicts of a record's r:expect{} observations (docs/record.md, `expectations`), drawn from
// the transcript alone, so `spar score` recomputes them without Lua. Pure.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "score/cases.h"

namespace spar::score {

using json = nlohmann::json;

// All the agent's text in `turn`, its messages joined by newlines (tool-call rounds included).
std::string agent_text_of_turn(const json& transcript, int turn);

// The agent's tool calls in `turn`: [{"name", "arguments"}].
json agent_calls_of_turn(const json& transcript, int turn);

// [{"met", "message"}], one per observation: "turn 4 (personas/x.lua:31): expected the reply to
// contain \"4471\"; it said: \"...\"".
json score_expectations(const json& transcript, const json& expectations);

// summary.json's `expectations`: {"checked", "failed", "failures": [{"scenario", "case",
// "trial", "message"}] (the first kListedFailures)}, over the records' score.expectations;
// "case" is the record's case key (score/cases.h) in `keys`.
inline constexpr size_t kListedFailures = 5;
json expectation_counts(const std::vector<const json*>& records, const CaseKeys& keys);

}  // namespace spar::score
