// The one discovery walker behind `spar run` and `spar lint`: scenario paths (files or folders,
// searched recursively for *.lua, library files `_*.lua` and folders marked .spar-separate left
// out) to a sorted list of files.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace spar::run {

// A folder holding this file is a suite of its own (the tau suites: hundreds of tasks that
// want a user model): walking a folder above it passes it by; naming it, or a path in it, runs it.
inline constexpr const char* kSeparateMarker = ".spar-separate";

struct Discovery {
  bool skip_personas = true;  // run: a folder named `personas` holds personas, not scenarios
  bool require_some = true;   // run: a folder without any *.lua is an input error
  const char* missing = "no such scenario file or folder";  // "PATH: <missing>" for a path that is neither
};

// Files as given (normalised), folders expanded and sorted per folder, in argument order.
Result<std::vector<std::string>> discover_lua_files(const std::vector<std::string>& paths, const Discovery& how);

}  // namespace spar::run
