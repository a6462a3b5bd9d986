// Runner: plans a run (scenarios x trials), drives the conversations on event-loop threads,
// writes each record as it finishes, and writes the report at the end.
//
// One thread's Loop (libcurl multi) drives many conversations at once; --concurrency bounds
// how many are in flight in total. Conversations are assigned to worker loops up front,
// deterministically (round robin over the plan order).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/client.h"
#include "base/result.h"
#include "conversation/conversation.h"
#include "score/summary.h"

namespace spar::run {

using json = nlohmann::json;

struct RunOptions {
  std::vector<std::string> paths;  // scenario files or folders (searched recursively for *.lua)
  std::string agent = "mock";      // --agent SPEC
  std::string user_model;          // --user-model SPEC: writes u:llm{} turns; empty: fallbacks
  std::string judge;               // --judge SPEC: scores checkpoint windows; empty: no judge
  int judge_repeats = 1;           // --judge-repeats
  double judge_flaky = 0.2;        // --judge-flaky: spread above which a window is flaky
  std::string judge_cache;         // --judge-cache; default: judge-cache.jsonl beside the out folder
  int trials = 1;                  // -k
  uint64_t seed = 1;               // --seed
  int concurrency = 32;            // conversations in flight, in total
  int jobs = 1;                    // event-loop threads
  std::string out_dir = "runs/latest";
  conversation::Options conversation;
  std::optional<score::Price> price;  // --price: adds cost to the summary
  agent::FactoryOptions factory;
  bool quiet = false;              // no progress output
  bool resume = false;             // --resume: finish the run in out_dir (same scenarios, trials, seed)
  bool retry_errors = false;       // with resume: run again the conversations that ended in an error
  int shard_index = 1;             // --shard i/n: this run plays the pairs p (0-based, plan order)
  int shard_count = 1;             //   with p % n == i - 1
  std::string history = "runs/history.db";  // --history; empty: do not record
  std::vector<std::string> personas;  // --persona NAME|GLOB,...: the personas to play instead of each scenario's own
  bool first_persona = false;          // --first-persona: each scenario with its first listed persona only
};

// One case of a run: a scenario played by one persona. `key` names it in records' summaries, seeds
// and progress: the scenario id when the run plays the scenario with one persona, else "id@persona".
struct ScenarioEntry {
  std::string path;
  std::string id;
  std::string persona;  // the persona played ("" for an unnamed inline persona)
  std::string key;
};

// A (scenario, persona) pair --persona selected that cannot be played: the scenario's facts lack
// what the persona needs.
struct SkippedPair {
  std::string scenario;
  std::string persona;
  std::string why;
};

struct LoadedCases {
  std::vector<ScenarioEntry> cases;  // in file order, each scenario's personas in the order listed (or sorted, for --persona)
  std::vector<SkippedPair> skipped;
};

// Finds scenario files: each path is a .lua file or a folder searched recursively, in sorted
// order. Files under a folder named "personas" are skipped. Errors are kind "input".
Result<std::vector<std::string>> discover_scenarios(const std::vector<std::string>& paths);

// Loads every (scenario, persona) pair once in the sandbox (so a broken script stops the run before
// it starts) and returns the cases: each scenario with each persona it lists, or, when `personas`
// (--persona: names or globs, matched against the persona files of the folder each scenario's
// personas resolve in) is given, with each matching persona whose needs its facts meet. Duplicate
// ids, a --persona name or glob that matches no persona, and nothing playable are input errors.
// `first_only` (--first-persona): each scenario with the first persona it lists, alone.
Result<LoadedCases> load_scenarios(const std::vector<std::string>& files, const persona::Options& options,
                                   const std::vector<std::string>& personas = {}, bool first_only = false);

struct RunOutcome {
  int conversations = 0;
  int completed = 0;
  int errors = 0;
  json summary;
};

// One conversation to play: a case and a trial, with its seed (from the case's key).
std::vector<conversation::Plan> plan_conversations(const std::vector<ScenarioEntry>& scenarios, int trials,
                                                   uint64_t seed, int shard_index, int shard_count);

// Runs everything and writes OUT/results.jsonl, summary.json, report.html, junit.xml, run.json.
// With resume, keeps the records already in OUT (a torn last line is cut off) and plays only the
// missing (scenario, trial) pairs.
Result<RunOutcome> run(const RunOptions& options);

struct ScoreSetup;
// How a live run scores each conversation (run/rescore.h): its --recovery-turns and judge.
ScoreSetup live_score_setup(const RunOptions& options);

// A fresh random run id: 16 hex characters from std::random_device.
std::string new_run_id();

// run.json's "args": what options_from_run reads back. URL credentials in specs are masked.
json run_args_json(const RunOptions& options);

// The arguments a run was made with, from DIR/run.json, for `spar run --resume DIR` without
// scenario paths. Errors: no run.json (kind "input").
Result<RunOptions> options_from_run(const std::string& dir, RunOptions base);

}  // namespace spar::run
