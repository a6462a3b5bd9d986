// Drawing verdicts from records: after each live conversation, and in `spar score` over
// recorded ones (any schema version). One path for both: the scenario's checks
// (conversation/checks.h) when its file is there, then score::score_record. No agent is
// contacted.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/client.h"
#include "base/result.h"
#include "persona/runtime.h"
#include "record/record.h"
#include "score/score_record.h"

namespace spar::run {

using json = nlohmann::json;

struct ScoreSetup {
  persona::Options persona;
  score::RecordScoreOptions options;  // recovery_turns, --checkpoints, the judge's spec
  // --scenario: a scenario file, or a folder whose scenarios are matched to records by id.
  // Empty: each record's scenario_path when that file still exists.
  std::string scenario;
  // Live: a goal that fails with a Lua error ends the conversation in a script error (as the
  // conversation itself would have). Re-scoring: the record fails with a scorer warning.
  bool live = false;
};

// The record with its `score` (re)computed against the scenario at `scenario_path` ("" : none;
// the goal and policy verdicts of the record's earlier score are kept, if it has one).
// `judgements`: the judge's judgements of this conversation, or null to keep those of the
// earlier score. `note`, when not null, receives why the scenario was not checked.
record::Record score_one(record::Record record, const json& judgements, const ScoreSetup& setup,
                         const std::string& scenario_path, std::string* note = nullptr);

struct RescoreOptions {
  std::string input;  // a run folder (its results.jsonl) or a results file
  std::string out;    // output folder; empty: write back in place
  ScoreSetup setup;
  bool only_unscored = false;  // spar report: score only the records that have no score
  // --judge SPEC: judge every reached checkpoint window of each record whose scenario has a
  // rubric, and score with those judgements. Empty: keep the judgements of the earlier score.
  std::string judge;
  int judge_repeats = 1;     // --judge-repeats
  double judge_flaky = 0.2;  // --judge-flaky
  std::string judge_cache;   // --judge-cache; default: judge-cache.jsonl beside the output folder
  agent::FactoryOptions factory;  // how the judge client is made (retries, timeouts, cassette)
};

struct RescoreOutcome {
  std::string dir;  // where results.jsonl and the reports were written
  int records = 0;
  int rescored = 0;
  int judge_requests = 0;  // requests sent to the judge (cache misses)
  int judged_windows = 0;
  std::vector<std::string> notes;  // "path:line: ..." for each record scored without its scenario
};

// Reads the records, recomputes their scores and writes results.jsonl back atomically (into
// `out` when given, with the run's run.json). The caller writes the reports.
// Errors: "path:line: malformed record: ..." (kind "input").
Result<RescoreOutcome> rescore(const RescoreOptions& options);

}  // namespace spar::run
