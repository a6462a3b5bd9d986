// Lint: loads every persona and scenario in the sandbox and reports problems as
// "path:line: message". A scenario is also checked statically (see Session::lint) and dry-run
// once against an in-memory agent, which catches runtime mistakes in the persona's story
// (a misspelt method, a nil fact) without any network.
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
};

// `paths` are files or folders (searched recursively for *.lua). Errors: a path that does not
// exist (kind "input").
Result<LintReport> lint(const std::vector<std::string>& paths, const persona::Options& options);

}  // namespace spar::run
