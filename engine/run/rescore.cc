#include "run/rescore.h"

#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "conversation/checks.h"
#include "report/report.h"
#include "report/results.h"
#include "run/runner.h"

namespace spar::run {

namespace fs = std::filesystem;

record::Record score_one(record::Record r, const json& judgements, const ScoreSetup& setup,
                         const std::string& scenario_path, std::string* note) {
  const json old_score = r.score ? *r.score : json();
  score::ScenarioChecks checks;
  score::RecordScoreOptions options = setup.options;
  if (!scenario_path.empty()) {
    auto checked = conversation::check_scenario_file(r, scenario_path, setup.persona);
    if (checked.ok()) {
      checks = std::move(checked).value();
      options.scenario = scenario_path;
    } else if (setup.live || r.errored()) {
      // Live, the scenario opened a moment ago: its goal failed, a script error of this
      // conversation. (A record that errored is decided by its error either way.)
      if (!r.errored()) {
        r.ended = record::ended_for_error(to_string(checked.error().kind));
        r.error = record::ErrorInfo{std::string(to_string(checked.error().kind)), checked.error().message, std::nullopt, std::nullopt};
      }
    } else {
      checks.checked = true;
      checks.goal_met = false;
      checks.warnings.push_back({{"turn", r.turns}, {"kind", "scenario_error"}, {"message", checked.error().message}});
      options.scenario = scenario_path;
      if (note) *note = fmt::format("scenario {}: {}", scenario_path, checked.error().message);
    }
  } else {
    checks = score::carried_checks(old_score);
    if (note) {
      *note = checks.checked ? "no scenario file: the goal and policy verdicts of its earlier score are kept"
                             : "no scenario file and no earlier score: goal and policies not checked";
    }
  }
  if (judgements.is_object()) {
    checks.judgements = judgements;
  } else if (old_score.is_object() && old_score.contains("judgements")) {
    checks.judgements = old_score["judgements"];
    if (!options.judge && old_score["scorer"].is_object() && old_score["scorer"]["options"].is_object()) {
      const json& j = old_score["scorer"]["options"]["judge"];
      if (j.is_string()) options.judge = j.get<std::string>();
    }
  }
  r.score = score::score_record(r, checks, options);
  return r;
}

namespace {

// --scenario FOLDER: its scenarios by id.
Result<std::map<std::string, std::string>> scenarios_by_id(const std::string& folder, const persona::Options& options) {
  auto files = discover_scenarios({folder});
  if (!files.ok()) return files.error();
  auto loaded = load_scenarios(*files, options);
  if (!loaded.ok()) return loaded.error();
  std::map<std::string, std::string> out;
  for (const auto& s : *loaded) out[s.id] = s.path;
  return out;
}

}  // namespace

Result<RescoreOutcome> rescore(const RescoreOptions& o) {
  std::error_code ec;
  bool is_dir = !fs::is_regular_file(o.input, ec);  // a folder, or a path that is neither
  std::string results = is_dir ? (fs::path(o.input) / "results.jsonl").string() : o.input;
  std::string in_dir = is_dir ? o.input : fs::path(o.input).parent_path().string();
  if (in_dir.empty()) in_dir = ".";
  auto read = report::read_results(results);
  if (!read.ok()) return read.error();

  std::map<std::string, std::string> by_id;
  std::string one_file;
  if (!o.setup.scenario.empty()) {
    if (fs::is_directory(o.setup.scenario, ec)) {
      auto found = scenarios_by_id(o.setup.scenario, o.setup.persona);
      if (!found.ok()) return found.error();
      by_id = std::move(found).value();
    } else if (fs::is_regular_file(o.setup.scenario, ec)) {
      one_file = o.setup.scenario;
    } else {
      return make_error(ErrorKind::input, fmt::format("--scenario {}: no such scenario file or folder", o.setup.scenario));
    }
  }

  RescoreOutcome out;
  out.dir = o.out.empty() ? in_dir : o.out;
  std::vector<json> lines;
  for (size_t i = 0; i < read->records.size(); ++i) {
    const json& j = read->records[i];
    std::string where = fmt::format("{}:{}", results, read->lines[i]);
    ++out.records;
    if (o.only_unscored && j.contains("score")) {
      lines.push_back(j);
      continue;
    }
    record::Record r;
    try {
      r = j.get<record::Record>();
    } catch (const json::exception& e) {
      return make_error(ErrorKind::input, fmt::format("{}: malformed record: {}", where, e.what()));
    }
    std::string path;
    if (!one_file.empty()) {
      path = one_file;
    } else if (!o.setup.scenario.empty()) {
      if (auto it = by_id.find(r.scenario); it != by_id.end()) path = it->second;
    } else if (r.scenario_path && fs::is_regular_file(*r.scenario_path, ec)) {
      path = *r.scenario_path;
    }
    std::string note;
    r = score_one(std::move(r), json(), o.setup, path, &note);
    if (!note.empty()) out.notes.push_back(fmt::format("{}: {} #{}: {}", where, j.value("scenario", ""), j.value("trial", 0), note));
    ++out.rescored;
    lines.push_back(json(r));
  }

  if (out.rescored == 0 && o.out.empty()) return out;  // nothing changed
  fs::create_directories(out.dir, ec);
  if (ec) return make_error(ErrorKind::input, fmt::format("{}: cannot create output folder: {}", out.dir, ec.message()));
  std::string target = (fs::path(out.dir) / "results.jsonl").string();
  auto st = report::rewrite_results(target, lines);
  if (!st.ok()) return st.error();
  if (!o.out.empty()) {
    std::string run_json = (fs::path(in_dir) / "run.json").string();
    if (fs::exists(run_json, ec) && !fs::equivalent(in_dir, out.dir, ec)) {
      fs::copy_file(run_json, fs::path(out.dir) / "run.json", fs::copy_options::overwrite_existing, ec);
      if (ec) return make_error(ErrorKind::io, fmt::format("{}: cannot copy to {}: {}", run_json, out.dir, ec.message()));
    }
  }
  return out;
}

}  // namespace spar::run
