#include "run/runner.h"

#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/near.h"
#include "base/plural.h"
#include "agent/cassette.h"
#include "base/seed.h"
#include "report/history.h"
#include "score/cases.h"
#include "report/report.h"
#include "report/results.h"
#include "report/terminal.h"
#include "report/run_json.h"
#include "run/discover.h"
#include "run/progress.h"
#include "run/rescore.h"
#include "run/resume.h"
#include "run/run_file.h"

namespace spar::run {

namespace fs = std::filesystem;

Result<std::vector<std::string>> discover_scenarios(const std::vector<std::string>& paths) {
  if (paths.empty()) return make_error(ErrorKind::input, "no scenario path given");
  return discover_lua_files(paths, Discovery{});
}

namespace {

// The persona names of a personas folder: its *.lua files (not _*.lua libraries), relative and
// without ".lua", sorted.
std::vector<std::string> persona_library(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".lua" || persona::is_library_file(it->path().string())) continue;
    out.push_back(fs::relative(it->path(), dir, ec).replace_extension().generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool is_glob(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

}  // namespace

Result<LoadedCases> load_scenarios(const std::vector<std::string>& files, const persona::Options& options,
                                   const std::vector<std::string>& personas, bool first_only) {
  LoadedCases out;
  std::map<std::string, std::string> seen;
  std::set<std::string> matched;              // --persona patterns that matched some persona
  std::set<std::string> known;                // every persona name looked at, for "did you mean"
  for (const auto& f : files) {
    std::string id, dir = options.personas_dir.empty() ? persona::find_personas_dir(f) : options.personas_dir;
    std::vector<std::string> cast;
    std::vector<ScenarioEntry> cases;
    // With --persona the scenario's own personas do not play: they need not even be there (each
    // pair opened below checks the scenario itself).
    if (personas.empty()) {
      auto session = persona::Session::open(f, options);
      if (!session.ok()) return session.error();
      id = (*session)->info().id;
      cast = (*session)->info().personas;
      if (cast.empty()) cast.push_back((*session)->info().persona);  // an inline persona
      if (first_only) cast.resize(1);
      if (cast.size() == 1) {  // the persona just opened: no second load (a tau scenario's database is large)
        cases.push_back({f, id, (*session)->info().persona, ""});
        cast.clear();
      }
    } else {
      for (const auto& name : persona_library(dir)) {
        known.insert(name);
        for (const auto& pattern : personas) {
          if (fnmatch(pattern.c_str(), name.c_str(), 0) == 0) {
            matched.insert(pattern);
            cast.push_back(name);
            break;
          }
        }
      }
    }
    for (const auto& name : cast) {
      persona::Options played = options;
      played.persona = name;
      auto pair = persona::Session::open(f, played);
      if (!pair.ok()) {
        if (personas.empty() || !persona::is_missing_need(pair.error())) return pair.error();
        out.skipped.push_back({f, name, pair.error().message});  // named by its id below, once a pair gives it
        continue;
      }
      id = (*pair)->info().id;
      cases.push_back({f, id, (*pair)->info().persona, ""});
    }
    for (auto& s : out.skipped) {
      if (s.scenario == f && !id.empty()) s.scenario = id;
    }
    if (!cases.empty()) {
      if (auto it = seen.find(id); it != seen.end()) {
        return make_error(ErrorKind::input, fmt::format("{}: scenario id '{}' is already used by {}", f, id, it->second));
      }
      seen[id] = f;
    }
    for (auto& c : cases) {
      c.key = score::case_key({c.id, c.persona.empty() ? std::nullopt : std::optional<std::string>(c.persona)},
                              cases.size() > 1);
      out.cases.push_back(std::move(c));
    }
  }
  for (const auto& pattern : personas) {
    if (matched.count(pattern)) continue;
    std::string hint;
    if (!is_glob(pattern)) {
      auto near = near_names(pattern, std::vector<std::string>(known.begin(), known.end()));
      if (!near.empty()) hint = fmt::format(" (did you mean {}?)", fmt::join(near, ", "));
    }
    return make_error(ErrorKind::input, fmt::format("--persona {}: no persona {} in the persona folder{}{}", pattern,
                                           is_glob(pattern) ? "matches" : "has that name",
                                           known.empty() ? " (none found above the scenarios)" : "", hint));
  }
  if (!personas.empty() && out.cases.empty()) {
    std::string why = out.skipped.empty() ? "" : ": " + out.skipped.front().why;
    return make_error(ErrorKind::input, fmt::format("--persona {}: no scenario can be played by it{}", fmt::join(personas, ","), why));
  }
  return out;
}

namespace {

// One worker: a Loop, an agent client bound to it, and the conversations assigned to it.
class Worker {
 public:
  Worker(std::vector<conversation::Plan> plans, int concurrency, const RunOptions& options,
         agent::AgentFactory& factory, agent::AgentFactory* user_factory, agent::AgentFactory* judge_factory,
         conversation::JudgeCache* judge_cache, report::ResultsWriter& writer,
         std::function<void(const json&)> on_record, std::atomic<bool>& stop)
      : plans_(std::move(plans)), concurrency_(std::max(1, concurrency)), options_(options),
        factory_(factory), user_factory_(user_factory), judge_factory_(judge_factory), writer_(writer),
        on_record_(std::move(on_record)), stop_(stop) {
    judge_.cache = judge_cache;
    judge_.identity = options.judge;
    judge_.repeats = options.judge_repeats;
    judge_.flaky_spread = options.judge_flaky;
    score_setup_ = live_score_setup(options);
  }

  Status run() {
    auto client = factory_.make(loop_);
    if (!client.ok()) return client.error();
    client_ = std::move(client).value();
    if (user_factory_ != nullptr) {
      auto user = user_factory_->make(loop_);
      if (!user.ok()) return user.error();
      user_client_ = std::move(user).value();
    }
    if (judge_factory_ != nullptr) {
      auto judge = judge_factory_->make(loop_);
      if (!judge.ok()) return judge.error();
      judge_client_ = std::move(judge).value();
      judge_.client = judge_client_.get();
    }
    for (int i = 0; i < concurrency_; ++i) loop_.post([this] { start_next(); });
    loop_.run();
    return write_status_;
  }

 private:
  void start_next() {
    // After a failed write (a full disk) no worker starts another conversation; those in
    // flight finish, and the run ends with the write's error.
    if (next_ >= plans_.size() || stop_) return;
    size_t slot = next_++;
    auto conv = std::make_unique<conversation::Conversation>(
        plans_[slot], options_.conversation, *client_,
        [this, slot](record::Record record, json judgements) {
          on_finished(slot, score_one(std::move(record), judgements, score_setup_, plans_[slot].scenario_path));
        },
        user_client_.get(),
        judge_.client ? &judge_ : nullptr);
    auto* raw = conv.get();
    live_[slot] = std::move(conv);
    raw->start();
  }

  void on_finished(size_t slot, record::Record scored) {
    json record = scored;
    auto st = writer_.append(record);
    if (!st.ok()) {
      if (write_status_.ok()) write_status_ = st;
      stop_ = true;
    } else {
      on_record_(record);
    }
    // The conversation is still on the stack: destroy it, and start the next, from the loop.
    loop_.post([this, slot] {
      live_.erase(slot);
      start_next();
    });
  }

  agent::Loop loop_;
  std::vector<conversation::Plan> plans_;
  int concurrency_;
  const RunOptions& options_;
  agent::AgentFactory& factory_;
  agent::AgentFactory* user_factory_;
  agent::AgentFactory* judge_factory_;
  conversation::Judge judge_;
  ScoreSetup score_setup_;
  report::ResultsWriter& writer_;
  std::function<void(const json&)> on_record_;
  std::atomic<bool>& stop_;
  std::unique_ptr<agent::AgentClient> client_;
  std::unique_ptr<agent::AgentClient> user_client_;
  std::unique_ptr<agent::AgentClient> judge_client_;
  std::map<size_t, std::unique_ptr<conversation::Conversation>> live_;
  size_t next_ = 0;
  Status write_status_ = Ok{};
};

// spar-mock-agent serves each conversation in flight on a thread of its own (plus 16 spare)
// and takes at most 4096 threads (tools/mock-agent/server.cc --threads).
constexpr int kMockMaxConcurrency = 4096 - 16;

}  // namespace

ScoreSetup live_score_setup(const RunOptions& options) {
  ScoreSetup setup;
  setup.persona = options.conversation.persona;
  setup.options.recovery_turns = options.conversation.recovery_turns;
  if (!options.judge.empty()) setup.options.judge = agent::redact_agent_spec(options.judge);
  setup.live = true;
  return setup;
}

std::string new_run_id() {
  std::random_device rd;
  uint64_t id = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return fmt::format("{:016x}", id);
}

std::vector<conversation::Plan> plan_conversations(const std::vector<ScenarioEntry>& scenarios, int trials,
                                                   uint64_t seed, int shard_index, int shard_count) {
  std::vector<conversation::Plan> plans;
  size_t p = 0;
  for (int trial = 1; trial <= trials; ++trial) {
    for (const auto& s : scenarios) {
      if (p++ % static_cast<size_t>(shard_count) != static_cast<size_t>(shard_index - 1)) continue;
      conversation::Plan plan{s.path, s.id, trial, conversation_seed(seed, s.key, trial)};
      plan.persona = s.persona;
      plan.key = s.key;
      plans.push_back(std::move(plan));
    }
  }
  return plans;
}


Result<RunOutcome> run(const RunOptions& options) {
  auto files = discover_scenarios(options.paths);
  if (!files.ok()) return files.error();
  if (options.first_persona && !options.personas.empty()) {
    return make_error(ErrorKind::input, "--first-persona and --persona choose the personas two ways: give one");
  }
  auto loaded = load_scenarios(*files, options.conversation.persona, options.personas, options.first_persona);
  if (!loaded.ok()) return loaded.error();
  const std::vector<ScenarioEntry>* scenarios = &loaded->cases;
  std::set<std::string> planned;
  for (const auto& c : loaded->cases) planned.insert(c.key);
  // --persona's pairs that cannot be played: never silent.
  for (const auto& s : loaded->skipped) {
    fmt::print(stderr, "not played: {} with persona {}: {}\n", report::printable(s.scenario), report::printable(s.persona),
               report::printable(s.why));
  }
  std::error_code ec;
  std::string run_id = new_run_id();

  auto spec = agent::parse_agent_spec(options.agent);
  if (!spec.ok()) return spec.error();
  if (spec->kind == "mock" && !spec->params.count("threads") && options.concurrency > kMockMaxConcurrency) {
    return make_error(ErrorKind::input, fmt::format("--concurrency {}: the mock agent serves at most {} conversations in "
                                           "flight; give --concurrency {} or less",
                                           options.concurrency, kMockMaxConcurrency, kMockMaxConcurrency));
  }
  // Nothing is written to the output folder before its lock is held.
  fs::create_directories(options.out_dir, ec);
  if (ec) return make_error(ErrorKind::input, fmt::format("{}: cannot create output folder: {}", options.out_dir, ec.message()));
  auto lock = FolderLock::take(options.out_dir);
  if (!lock.ok()) return lock.error();
  agent::FactoryOptions factory_options = options.factory;  // + the --record/--replay cassette, opened once
  factory_options.record_append = options.resume;
  factory_options.concurrency = options.concurrency;
  if (auto opened = agent::open_cassette(factory_options); !opened.ok()) return opened.error();
  auto factory = agent::make_agent_factory(*spec, factory_options);
  if (!factory.ok()) return factory.error();
  // The optional models beside the agent: the user model and the judge.
  auto optional_factory = [&](const std::string& text, const char* flag) -> Result<std::unique_ptr<agent::AgentFactory>> {
    if (text.empty()) return std::unique_ptr<agent::AgentFactory>();
    auto parsed = agent::parse_agent_spec(text);
    if (!parsed.ok()) return make_error(ErrorKind::input, std::string(flag) + ": " + parsed.error().message);
    agent::FactoryOptions role_options = factory_options;
    role_options.role = std::string(flag) == "--judge" ? "judge" : "user";
    auto made = agent::make_agent_factory(*parsed, role_options);
    if (!made.ok()) return make_error(ErrorKind::input, std::string(flag) + ": " + made.error().message);
    return std::move(made).value();
  };
  auto user_made = optional_factory(options.user_model, "--user-model");
  if (!user_made.ok()) return user_made.error();
  auto user_factory = std::move(user_made).value();
  auto judge_made = optional_factory(options.judge, "--judge");
  if (!judge_made.ok()) return judge_made.error();
  auto judge_factory = std::move(judge_made).value();
  std::unique_ptr<conversation::JudgeCache> judge_cache;
  if (judge_factory) {
    auto cache = conversation::JudgeCache::open_for_run(options.judge_cache, options.out_dir);
    if (!cache.ok()) return cache.error();
    judge_cache = std::move(cache).value();
  }

  std::string results_path = (fs::path(options.out_dir) / "results.jsonl").string();
  std::set<std::pair<std::string, int>> done;
  if (options.resume) {
    if (!fs::exists(results_path, ec)) {
      return make_error(ErrorKind::input, fmt::format("{}: nothing to resume (no results.jsonl)", options.out_dir));
    }
    auto before = report::read_run_file(options.out_dir);
    if (before.ok() && before->args.is_object()) {
      auto same = check_same_run(before->raw, options, *scenarios);
      if (!same.ok()) return same.error();
    }
    // The resumed run keeps its id (a run.json from before run ids gets a new one).
    if (before.ok() && !before->run_id.empty()) run_id = before->run_id;
    auto pairs = recorded_pairs(results_path, options.retry_errors, planned);
    if (!pairs.ok()) return pairs.error();
    done = std::move(pairs).value();
  }
  auto writer = report::ResultsWriter::open(results_path, /*truncate=*/!options.resume);
  if (!writer.ok()) return writer.error();

  // run.json: how this run was made, so `spar report` can recompute it the same way.
  auto run_file = write_run_file(options, run_id, (*factory)->describe(),
                                 user_factory ? json(user_factory->describe()) : json(nullptr),
                                 judge_factory ? json(judge_factory->describe()) : json(nullptr), *loaded);
  if (!run_file.ok()) return run_file.error();
  const json& run_info = *run_file;

  // The plan: this shard's (scenario, trial) pairs not yet recorded, round robin to the workers.
  int jobs = std::max(1, std::min(options.jobs, options.concurrency));
  std::vector<std::vector<conversation::Plan>> assigned(static_cast<size_t>(jobs));
  size_t index = 0;
  for (auto& plan : plan_conversations(*scenarios, options.trials, options.seed, options.shard_index,
                                       options.shard_count)) {
    if (done.count({plan.key, plan.trial})) continue;
    plan.run_id = run_id;
    plan.agent_spec = agent::redact_agent_spec(options.agent);
    assigned[index++ % static_cast<size_t>(jobs)].push_back(std::move(plan));
  }
  const int total = static_cast<int>(index);
  std::set<std::string> ids, cast;
  for (const auto& c : *scenarios) {
    ids.insert(c.id);
    cast.insert(c.persona);
  }
  std::string what = ids.size() == scenarios->size()
                         ? count_of(ids.size(), "scenario")
                         : fmt::format("{}: {} by {}", count_of(scenarios->size(), "case"), count_of(ids.size(), "scenario"),
                                       count_of(cast.size(), "persona"));
  spdlog::info("running {} ({} x {}{}{}) against {}", count_of(total, "conversation"), what, count_of(options.trials, "trial"), options.shard_count > 1 ? fmt::format(", shard {}/{}", options.shard_index, options.shard_count) : "",
               done.empty() ? "" : fmt::format(", {} already recorded", done.size()), (*factory)->describe());
  RunOutcome outcome;
  Progress progress(total, options.quiet, planned);
  auto on_record = [&](const json& record) { progress.finished(record, outcome); };

  // --concurrency is split exactly: worker i keeps C/jobs (+1 for the first C%jobs) in flight.
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<Worker>> workers;
  for (size_t i = 0; i < assigned.size(); ++i) {
    auto& plans = assigned[i];
    int per_worker = options.concurrency / jobs + (static_cast<int>(i) < options.concurrency % jobs ? 1 : 0);
    workers.push_back(std::make_unique<Worker>(std::move(plans), per_worker, options, **factory, user_factory.get(),
                                               judge_factory.get(), judge_cache.get(), **writer, on_record, stop));
  }
  std::vector<Status> statuses(workers.size(), Status(Ok{}));
  if (workers.size() == 1) {
    statuses[0] = workers[0]->run();
  } else {
    std::vector<std::thread> threads;
    for (size_t i = 0; i < workers.size(); ++i) threads.emplace_back([&, i] { statuses[i] = workers[i]->run(); });
    for (auto& t : threads) t.join();
  }
  for (auto& st : statuses) {
    if (!st.ok()) return st.error();
  }

  report::ReportOptions report_options;
  report_options.price = options.price;
  report_options.labels_db = options.history;  // report.html's calibration section, once the run has labels
  auto summary = report::write_report(options.out_dir, report_options);
  if (!summary.ok()) return summary.error();
  outcome.summary = std::move(summary).value();
  if (!options.history.empty()) {
    auto st = report::record_history(options.history, options.out_dir, run_info, outcome.summary);
    if (!st.ok()) spdlog::warn("run history not recorded: {}", report::printable(st.error().message));
  }
  return outcome;
}

}  // namespace spar::run
