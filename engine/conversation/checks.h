// The scenario's Lua verdicts on a record: its policies on every agent action and its goal.
// The same function runs after a live conversation and in `spar score`, so both give the same
// verdicts from the same observations.
#pragma once

#include <string>

#include "base/result.h"
#include "persona/runtime.h"
#include "record/record.h"
#include "score/score_record.h"

namespace spar::conversation {

// Replays the record's agent actions through `session` (a fresh Session of the scenario) in
// order. Before each tool call and each text reply it runs the scenario's policies with the
// ctx a live conversation had: {turn, kind, tool?, args?, text, calls (the earlier tool calls
// with their recorded results), last_user, last_agent, state}; each tool call then runs through
// the scenario's tool, so the state at every action is the state it had live, and the goal is
// evaluated on the state that replay leaves (for an import: the state its tool calls build). A
// replayed state that differs from the recorded final_state adds a "state_replay" warning.
// Errors: the goal failed with a Lua error (kind "script").
Result<score::ScenarioChecks> check_scenario(const record::Record& record, persona::Session& session);

// Opens `scenario_path` in the sandbox and checks the record against it.
Result<score::ScenarioChecks> check_scenario_file(const record::Record& record, const std::string& scenario_path,
                                                  const persona::Options& options);

}  // namespace spar::conversation
