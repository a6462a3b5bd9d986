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
  std::string history = "runs/history.db";  // --history; empty: do not record
};

struct ScenarioEntry {
  std::string path;
  std::string id;
};

// Finds scenario files: each path is a .lua file or a folder searched recursively, in sorted
// order. Files under a folder named "personas" are skipped. Errors are kind "input".
Result<std::vector<std::string>> discover_scenarios(const std::vector<std::string>& paths);

// Loads every scenario once in the sandbox (so a broken script stops the run before it starts)
// and returns their ids. Duplicate ids are an input error.
Result<std::vector<ScenarioEntry>> load_scenarios(const std::vector<std::string>& files,
                                                  const persona::Options& options);

struct RunOutcome {
  int conversations = 0;
  int completed = 0;
  int errors = 0;
  json summary;
};

// Runs everything and writes OUT/results.jsonl and OUT/summary.json.
Result<RunOutcome> run(const RunOptions& options);

}  // namespace spar::run
