#include "run/discover.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "persona/runtime.h"

namespace spar::run {

namespace fs = std::filesystem;

Result<std::vector<std::string>> discover_lua_files(const std::vector<std::string>& paths, const Discovery& how) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) {
      files.push_back(fs::path(p).lexically_normal().string());
      continue;
    }
    if (!fs::is_directory(p, ec)) return make_error(ErrorKind::input, fmt::format("{}: {}", p, how.missing));
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(p, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return make_error(ErrorKind::input, fmt::format("{}: {}", p, ec.message()));
      if (how.skip_personas && it->is_directory() && it->path().filename() == "personas") {
        it.disable_recursion_pending();
        continue;
      }
      // A folder marked as a suite of its own is walked only when it, or a path in it, is named.
      if (it->is_directory() && fs::exists(it->path() / kSeparateMarker, ec)) {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && it->path().extension() == ".lua" && !persona::is_library_file(it->path())) {
        found.push_back(it->path().lexically_normal().string());
      }
    }
    if (how.require_some && found.empty()) return make_error(ErrorKind::input, fmt::format("{}: no scenarios (*.lua) found", p));
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace spar::run
