#include "report/run_json.h"

#include <filesystem>

#include <fmt/format.h>

#include "base/json_depth.h"
#include "report/results.h"

namespace spar::report {

Result<RunFile> read_run_file(const std::string& dir) {
  std::string path = (std::filesystem::path(dir) / "run.json").string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return make_error(ErrorKind::input, fmt::format("{}: not a spar run folder (no run.json)", dir));
  }
  auto text = read_text(path);
  if (!text.ok()) return make_error(ErrorKind::input, fmt::format("{}: malformed run.json: {}", dir, text.error().message));
  RunFile f;
  f.raw = parse_json_bounded(*text);
  if (f.raw.is_discarded()) return make_error(ErrorKind::input, fmt::format("{}: malformed run.json: not JSON", dir));
  if (!f.raw.is_object()) return make_error(ErrorKind::input, fmt::format("{}: malformed run.json: not an object", dir));
  if (auto it = f.raw.find("run_id"); it != f.raw.end() && it->is_string()) f.run_id = it->get<std::string>();
  if (auto it = f.raw.find("args"); it != f.raw.end() && it->is_object()) f.args = *it;
  if (auto it = f.raw.find("scenarios"); it != f.raw.end()) f.scenarios = *it;
  if (auto it = f.raw.find("price"); it != f.raw.end() && it->is_object()) {
    f.price = score::Price{it->value("prompt", 0.0), it->value("completion", 0.0)};
  }
  return f;
}

}  // namespace spar::report
