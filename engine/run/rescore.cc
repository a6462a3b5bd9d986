#include "run/rescore.h"

#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "agent/cassette.h"
#include "agent/loop.h"
#include "conversation/checks.h"
#include "conversation/judge.h"
#include "report/report.h"
#include "report/results.h"
#include "run/runner.h"
#include "score/events.h"

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
      // Live, a policy rule that failed with an error is a script error of this conversation,
      // as a failing goal is: counted, printed, never a pass.
      if (setup.live && !r.errored()) {
        for (const auto& w : checks.warnings) {
          if (w.value("kind", "") != "policy_error") continue;
          r.ended = record::ended_for_error("script");
          r.error = record::ErrorInfo{"script", w.value("message", ""), std::nullopt, std::nullopt};
          break;
        }
      }
      // What the scenario binds events to (intents' tools, fields' arguments), as it says now.
      for (auto& e : r.events) {
        json j = e;
        score::bind_event(j, checks.intents, checks.fields);
        e = j.get<record::Event>();
      }
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
  for (const auto& s : loaded->cases) out[s.id] = s.path;
  return out;
}

struct ToScore {
  record::Record record;
  std::string path;   // the scenario file, or ""
  std::string where;  // results.jsonl:line
  json judgements;    // null: keep the earlier score's
};

// --judge: judges the reached checkpoint windows of every record whose scenario has a rubric,
// all concurrently on one loop (conversation::judge_window, as a live run does).
Status judge_records(std::vector<std::pair<size_t, ToScore>>& items, const RescoreOptions& o, const std::string& out_dir,
                     RescoreOutcome& out) {
  auto spec = agent::parse_agent_spec(o.judge);
  if (!spec.ok()) return make_error(ErrorKind::input, "--judge: " + spec.error().message);
  agent::FactoryOptions factory_options = o.factory;
  factory_options.role = "judge";
  if (auto opened = agent::open_cassette(factory_options); !opened.ok()) return opened.error();
  auto factory = agent::make_agent_factory(*spec, factory_options);
  if (!factory.ok()) return make_error(ErrorKind::input, "--judge: " + factory.error().message);
  auto cache = conversation::JudgeCache::open_for_run(o.judge_cache, out_dir);
  if (!cache.ok()) return cache.error();
  agent::Loop loop;
  auto client = (*factory)->make(loop);
  if (!client.ok()) return make_error(ErrorKind::input, "--judge: " + client.error().message);
  conversation::Judge judge;
  judge.client = client->get();
  judge.cache = cache->get();
  judge.identity = o.judge;
  judge.repeats = o.judge_repeats;
  judge.flaky_spread = o.judge_flaky;

  std::map<std::string, std::string> rubrics;  // scenario file -> its rubric ("" : none, or it does not open)
  int waiting = 0;
  for (auto& [index, item] : items) {
    if (item.path.empty()) continue;
    auto [it, fresh] = rubrics.try_emplace(item.path);
    if (fresh) {
      auto session = persona::Session::open(item.path, o.setup.persona);
      if (session.ok()) it->second = (*session)->info().judge_rubric;
    }
    if (it->second.empty()) continue;
    const record::Record& r = item.record;
    json cps = o.setup.options.checkpoints ? json(*o.setup.options.checkpoints) : json(r.checkpoint_turns);
    json transcript = json(r)["transcript"];
    item.judgements = json::object();
    std::string base = fmt::format("{}#{}-{:x}", r.scenario, r.trial, r.seed.value_or(0));
    if (!r.run_id.empty()) base += "-" + r.run_id;
    for (const auto& c : cps) {
      int turn = c.get<int>();
      if (turn > r.turns) continue;  // a window the conversation never reached
      ++waiting;
      ++out.judged_windows;
      conversation::judge_window(judge, it->second, transcript, cps, turn, r.seed.value_or(0),
                                 fmt::format("{}/judge@{}", base, turn),
                                 [&item, &waiting, &out, &loop, turn](json judgement, int sent, agent::Usage) {
                                   item.judgements[std::to_string(turn)] = std::move(judgement);
                                   out.judge_requests += sent;
                                   if (--waiting == 0) loop.stop();
                                 });
    }
  }
  if (waiting > 0) loop.run();
  return Ok{};
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
  std::vector<std::pair<size_t, ToScore>> items;  // index into lines
  for (size_t i = 0; i < read->records.size(); ++i) {
    const json& j = read->records[i];
    std::string where = fmt::format("{}:{}", results, read->lines[i]);
    ++out.records;
    lines.push_back(j);
    if (o.only_unscored && j.contains("score")) continue;
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
    items.emplace_back(i, ToScore{std::move(r), std::move(path), std::move(where), json()});
  }
  if (!o.judge.empty()) {
    auto judged = judge_records(items, o, out.dir, out);
    if (!judged.ok()) return judged.error();
  }
  ScoreSetup setup = o.setup;
  if (!o.judge.empty()) setup.options.judge = agent::redact_agent_spec(o.judge);
  for (auto& [i, item] : items) {
    std::string note;
    const json& j = read->records[i];
    record::Record r = score_one(std::move(item.record), item.judgements, setup, item.path, &note);
    if (!note.empty()) out.notes.push_back(fmt::format("{}: {} #{}: {}", item.where, j.value("scenario", ""), j.value("trial", 0), note));
    ++out.rescored;
    lines[i] = json(r);
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
