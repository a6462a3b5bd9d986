#include "run/resume.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "report/results.h"
#include "run/run_file.h"

namespace spar::run {

Result<std::set<std::pair<std::string, int>>> recorded_pairs(const std::string& results_path, bool retry_errors,
                                                             const std::set<std::string>& planned) {
  auto read = report::repair_results(results_path);
  if (!read.ok()) return read.error();
  if (read->dropped_torn_line) spdlog::warn("{}: dropped a torn last line", results_path);
  std::vector<json> keep;
  std::set<std::pair<std::string, int>> done;
  for (auto& r : read->records) {
    if (retry_errors && !r.value("error", json()).is_null()) continue;
    if (!done.insert({record_case_key(r, planned), r.value("trial", 0)}).second) continue;  // keep the first
    keep.push_back(std::move(r));
  }
  if (keep.size() != read->records.size()) {
    auto st = report::rewrite_results(results_path, keep);
    if (!st.ok()) return st.error();
  }
  return done;
}

Status check_same_run(const json& before, const RunOptions& options, const std::vector<ScenarioEntry>& scenarios) {
  const json& a = before["args"];
  if (a.value("seed", options.seed) != options.seed || a.value("trials", options.trials) != options.trials) {
    return make_error(ErrorKind::input, fmt::format("{}: was run with --seed {} -k {}; resume it with the same",
                                           options.out_dir, a.value("seed", options.seed),
                                           a.value("trials", options.trials)));
  }
  if (auto it = before.find("scenarios"); it != before.end() && it->is_array()) {
    std::vector<std::string> had, now;
    for (const auto& id : *it) had.push_back(id.is_string() ? id.get<std::string>() : id.dump());
    for (const auto& e : scenarios) now.push_back(e.key);
    if (had != now) {
      auto differ = std::mismatch(had.begin(), had.end(), now.begin(), now.end());
      std::string which = differ.first != had.end() ? "it had '" + *differ.first + "'"
                                                    : "it did not have '" + *differ.second + "'";
      return make_error(ErrorKind::input, fmt::format("{}: was run on other scenarios ({} scenarios, these paths give {}; {}); "
                                             "resume it with the same paths, or with --resume alone",
                                             options.out_dir, had.size(), now.size(), which));
    }
  }
  return ok_status();
}

}  // namespace spar::run
