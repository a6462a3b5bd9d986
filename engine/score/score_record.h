// score_record(): the verdicts of one record, from its observations and the scenario checks.
// Pure: no I/O, no Lua. The one function behind both a live run and `spar score`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "record/record.h"
#include "score/recovery.h"

namespace spar::score {

using json = nlohmann::json;

// What the scenario's Lua said about a record (conversation::check_scenario), or, without a
// scenario, what an earlier score said (carried_checks). `checked` false: nothing did.
struct ScenarioChecks {
  bool checked = false;
  std::optional<bool> goal_met;    // nullopt: no goal could be evaluated
  std::string goal_evidence;       // why the goal was not met, when the goal said (`false, "why"`)
  int policy_count = 0;            // the scenario's policies
  int tool_count = 0;              // the scenario's tools (0: none, or unknown)
  json violations = json::array();  // [{rule, severity, message?, turn, action, tool?}]
  json warnings = json::array();    // scorer-side warnings (policy_error, ...)
  json judgements;                  // {"<checkpoint>": judgement} or null (no judge)
  json intents = json::object();    // the scenario's intents and fields tables (score::bind_event),
  json fields = json::object();     // for re-binding the record's events
};

// The scenario checks an earlier score holds (goal, violations, policy count, judgements), for
// re-scoring a record whose scenario is gone: the Lua verdicts are kept, the pure ones recomputed.
ScenarioChecks carried_checks(const json& old_score);

struct RecordScoreOptions {
  int recovery_turns = 2;                      // R (docs/metrics.md)
  std::optional<std::vector<int>> checkpoints;  // overrides the record's checkpoint_turns
                                                // (the checkpoints used are stamped either way)
  std::optional<std::string> judge;            // the judge spec the judgements came from
  std::optional<std::string> scenario;         // the scenario file the checks came from
};

using Score = json;  // the v1 "score" object (docs/record.md)

// pass = goal_met && no critical violation && no error; a record with a label and no scenario
// checks: pass = label.pass (decided_by "label"); nothing to decide by: "unscored".
Score score_record(const record::Record& record, const ScenarioChecks& checks, const RecordScoreOptions& options);

// The version stamped on every score.
inline constexpr const char* kScorerVersion = "0.1.0";

}  // namespace spar::score
