// A real failure becomes a regression scenario: `spar import --to-scenario OUT.lua` writes one
// imported conversation as a scenario with an inline persona (Lua, lint-clean) that replays the
// recorded user turns in order, declares the tools the transcript used (the source's schemas,
// else schemas inferred from the recorded arguments), answers each call with the result
// recorded for the same arguments, and pins what went wrong: expected calls (tau-bench's gold
// actions, --expect-call) as the goal, forbidden calls (--forbid-call) as critical rules.
// Pure: text in, text out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "importer/import.h"

namespace spar::importer {

// A pinned call: the tool, and the arguments it must (or must not) be called with; null args
// pin the tool with any arguments.
struct CallPin {
  std::string tool;
  json args;  // an object, or null
};

// "tool" or "tool {json object}" (the object's keys must all match, each value equal).
// `flag` names the option in the error.
Result<CallPin> parse_call_pin(std::string_view text, const char* flag);

struct ScenarioPins {
  std::vector<CallPin> expect;  // each must be called (with at least these arguments): the goal
  std::vector<CallPin> forbid;  // none may be called (with these arguments): critical rules
};

// The most levels a recorded value may nest to be written as a Lua table literal.
constexpr size_t kMaxScenarioValueDepth = 60;

// The scenario's Lua text. `scenario_id` is its id. An "input" error when nothing is pinned
// (no gold actions, no --expect-call, no --forbid-call) or a value cannot be written.
Result<std::string> to_scenario(const SourceConversation& c, const ImportOptions& options,
                                const std::string& scenario_id, const ScenarioPins& pins);

}  // namespace spar::importer

namespace spar::importer {

// `spar import FILES --to-scenario OUT`: finds the conversation whose source id is `id` (the
// only one when `id` is empty), writes its scenario to `out_path` (atomically; an existing
// file only with `force`) and returns the scenario id written.
Result<std::string> import_to_scenario(const std::vector<std::string>& files, const ImportOptions& options,
                                       const std::string& id, const ScenarioPins& pins, const std::string& out_path,
                                       bool force);

}  // namespace spar::importer
