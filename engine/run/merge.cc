#include "run/merge.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "report/report.h"
#include "report/results.h"
#include "report/run_json.h"
#include "run/run_file.h"

namespace spar::run {

namespace fs = std::filesystem;
using json = nlohmann::json;

Result<MergeOutcome> merge(const std::string& out_dir, const std::vector<std::string>& dirs) {
  json first_run;
  std::string first_dir;
  std::map<std::pair<std::string, int>, std::string> seen;  // pair -> the folder that holds it
  std::vector<json> records;
  for (const auto& dir : dirs) {
    auto run_file = report::read_run_file(dir);
    if (!run_file.ok()) return run_file.error();
    json run = std::move(run_file->raw);
    if (first_run.is_null()) {
      first_run = run;
      first_dir = dir;
    } else {
      for (const char* key : {"seed", "trials", "scenarios", "checkpoints"}) {
        if (run.value(key, json()) != first_run.value(key, json())) {
          return make_error(ErrorKind::input, fmt::format("{} and {} are shards of different runs ({} differs)", first_dir, dir, key));
        }
      }
    }
    auto read = report::read_results((fs::path(dir) / "results.jsonl").string());
    if (!read.ok()) return read.error();
    std::set<std::string> planned;
    for (const auto& k : first_run.value("scenarios", json::array())) planned.insert(k.is_string() ? k.get<std::string>() : k.dump());
    for (auto& r : read->records) {
      auto pair = std::make_pair(record_case_key(r, planned), r.value("trial", 0));
      if (auto it = seen.find(pair); it != seen.end()) {
        return make_error(ErrorKind::input, fmt::format("{} #{} is recorded in both {} and {}", pair.first, pair.second,
                                               it->second, dir));
      }
      seen[pair] = dir;
      records.push_back(std::move(r));
    }
  }

  MergeOutcome out;
  out.records = static_cast<int>(records.size());
  const json scenarios = first_run.value("scenarios", json::array());
  int trials = first_run.value("trials", 0);
  out.expected = static_cast<int>(scenarios.size()) * trials;
  std::map<std::string, size_t> order;
  for (size_t i = 0; i < scenarios.size(); ++i) order[scenarios[i].get<std::string>()] = i;
  for (int t = 1; t <= trials; ++t) {
    for (const auto& s : scenarios) {
      if (!seen.count({s.get<std::string>(), t})) out.missing.push_back(fmt::format("{} #{}", s.get<std::string>(), t));
    }
  }
  // One canonical order: by scenario as planned, then trial.
  std::set<std::string> planned;
  for (const auto& [key, i] : order) planned.insert(key);
  std::stable_sort(records.begin(), records.end(), [&](const json& a, const json& b) {
    auto ka = std::make_pair(order[record_case_key(a, planned)], a.value("trial", 0));
    auto kb = std::make_pair(order[record_case_key(b, planned)], b.value("trial", 0));
    return ka < kb;
  });

  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return make_error(ErrorKind::input, fmt::format("{}: cannot create: {}", out_dir, ec.message()));
  auto st = report::rewrite_results((fs::path(out_dir) / "results.jsonl").string(), records);
  if (!st.ok()) return st.error();
  json run = first_run;
  run.erase("shard");
  if (run.contains("args")) {
    run["args"]["shard_index"] = 1;
    run["args"]["shard_count"] = 1;
  }
  run["merged_from"] = dirs;
  st = report::write_file_atomic((fs::path(out_dir) / "run.json").string(), run.dump(2) + "\n");
  if (!st.ok()) return st.error();
  auto summary = report::write_report(out_dir);
  if (!summary.ok()) return summary.error();
  out.summary = std::move(summary).value();
  return out;
}

}  // namespace spar::run
