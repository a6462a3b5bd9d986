// Lint: loads every persona and scenario in the sandbox and reports problems as
// "path:line: message". A scenario is also checked statically (see Session::lint) and dry-run
// once, to its max_turns, against a scripted in-memory stand-in agent that answers every kind of
// turn (a question, a proposal, tool calls, a refusal, a confirmation), which catches runtime
// mistakes anywhere in the persona's story (a misspelt method at turn 23, a nil fact, a tool
// returning nothing) without any network. A line hook counts the script lines the dry runs
// reached; lines never reached are warnings.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "persona/runtime.h"

namespace spar::run {

struct LintReport {
  int personas = 0;
  int scenarios = 0;
  std::vector<std::string> problems;
  std::vector<std::string> warnings;  // "path:line: warning: ..." lines the dry runs never reached
  std::vector<std::string> notes;     // per scenario: the turns its dry run played
};

// `paths` are files or folders (searched recursively for *.lua). Errors: a path that does not
// exist (kind "input").
Result<LintReport> lint(const std::vector<std::string>& paths, const persona::Options& options);

}  // namespace spar::run
