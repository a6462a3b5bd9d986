#include "cli/cli.h"

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <map>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <functional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "base/plural.h"
#include "importer/import.h"
#include "importer/to_scenario.h"
#include "report/calibrate.h"
#include "report/diff.h"
#include "agent/client.h"
#include "report/history.h"
#include "report/labels.h"
#include "report/results.h"
#include "report/report.h"
#include "report/terminal.h"
#include "score/metrics.h"
#include "run/lint.h"
#include "run/merge.h"
#include "run/rescore.h"
#include "run/runner.h"
#include "persona/runtime.h"
#include "review/review.h"
#include "score/sample.h"

namespace spar::cli {

extern const std::string_view kPersonaTemplate;   // templates/persona.lua, embedded
extern const std::string_view kScenarioTemplate;  // templates/scenario.lua, embedded

namespace {

using json = nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitGates = 1;
constexpr int kExitInput = 2;
constexpr int kExitErrors = 3;  // spar run: a conversation ended in an error (docs/ci.md, "Exit codes")

int input_error(const std::string& message) {
  fmt::print(stderr, "spar: error: {}\n", report::printable(message));
  return kExitInput;
}

// A finite number in [lo, hi], the whole text: CLI11's Range and PositiveNumber let "nan"
// through (every comparison with NaN is false) and take "inf" and 1e300 as positive numbers.
CLI::Validator number_in(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        char* end = nullptr;
        double v = std::strtod(text.c_str(), &end);
        if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < lo || v > hi) {
          return fmt::format("expected a number from {} to {}, got '{}'", lo, hi, text);
        }
        return "";
      },
      fmt::format("NUMBER in [{}, {}]", lo, hi));
}

// A whole number in [lo, hi], the whole text (no sign, no fraction, no wrap-around of "-1").
std::optional<uint64_t> whole_number(std::string_view text, uint64_t lo, uint64_t hi) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || v < lo || v > hi) return std::nullopt;
  return v;
}

// "3,8,15,25": increasing turn numbers from 1 to 100000; nullopt otherwise.
std::optional<std::vector<int>> parse_checkpoints(const std::string& text) {
  std::vector<int> turns;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) {
    auto t = whole_number(part, 1, 100000);
    if (!t || (!turns.empty() && static_cast<int>(*t) <= turns.back())) return std::nullopt;
    turns.push_back(static_cast<int>(*t));
  }
  if (turns.empty()) return std::nullopt;
  return turns;
}

CLI::Validator whole_number_in(uint64_t lo, uint64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        return whole_number(text, lo, hi) ? "" : fmt::format("expected a whole number from {} to {}, got '{}'", lo, hi, text);
      },
      fmt::format("INTEGER in [{}, {}]", lo, hi));
}

// --gate 'KEY OP VALUE', repeatable; parsed as given so a bad gate fails before the run.
// --judge and its companions, the same for spar run and spar score.
template <class Options>
void add_judge_options(CLI::App& app, Options& o) {
  app.add_option("--judge", o.judge, "LLM judge for checkpoint windows of scenarios with a rubric (same syntax as --agent)");
  app.add_option("--judge-repeats", o.judge_repeats, "Judgements per window; their spread measures agreement")
      ->capture_default_str()->check(CLI::Range(1, 100));
  app.add_option("--judge-flaky", o.judge_flaky, "A window whose judgements spread more than this is flagged flaky")
      ->capture_default_str()->check(number_in(0.0, 1.0));
  app.add_option("--judge-cache", o.judge_cache, "Judge cache file (default: judge-cache.jsonl beside the --out folder)");
}

// --gate, repeatable; `parse` reads one (spar calibrate's keys are not a summary's metrics).
void add_gates(CLI::App& app, std::vector<score::Gate>& gates,
               Result<score::Gate> (*parse)(const std::string&) = score::parse_gate,
               const char* help = "Fail (exit 1) unless [SCOPE:]METRIC OP VALUE holds, e.g. 'pass^4>=0.8', 'quality@25>=0.7', "
                                  "one case 'retail/x@waffler:pass^1>=0.5', one persona's cases '@waffler:pass^1>=0.5'") {
  app.add_option_function<std::vector<std::string>>(
         "--gate",
         [&gates, parse](const std::vector<std::string>& texts) {
           for (const auto& t : texts) {
             auto g = parse(t);
             if (!g.ok()) throw CLI::ValidationError("--gate", g.error().message);
             gates.push_back(*g);
           }
         },
         help)
      ->type_size(1)->allow_extra_args(false);
}

// Prints each gate's verdict; returns the exit code.
int report_gates(const json& summary, const std::vector<score::Gate>& gates) {
  if (gates.empty()) return kExitOk;
  bool all = true;
  for (const auto& r : score::check_gates(summary, gates)) {
    fmt::print("gate {}: {} ({})\n", r.held ? "held" : "FAILED", r.gate.text, r.message);
    all = all && r.held;
  }
  return all ? kExitOk : kExitGates;
}

// ---- spar run ------------------------------------------------------------------------------

struct RunArgs {
  run::RunOptions options;
  std::vector<score::Gate> gates;
  bool allow_errors = false;
};

// The run's count, in words: how many passed and failed, and how many of the failures were
// errors (a script, policy or goal error is the scenario's; the others the agent's or the
// network's). Every error is a failed trial in pass^k and in the pass counts.
void print_run_count(const json& summary) {
  int conversations = summary.value("conversations", 0), errors = summary.value("errors", 0);
  int passes = 0;
  const json per_scenario = summary.value("per_scenario", json::object());
  for (const auto& [id, s] : per_scenario.items()) passes += s.value("passes", 0);
  int script = summary.value("error_kinds", json::object()).value("script", 0);
  fmt::print("\n{}: {} passed, {} failed", count_of(conversations, "conversation"), passes, conversations - passes);
  if (errors > 0) {
    fmt::print(" ({} of them {}: {} script, {} agent or infrastructure; an error counts as a failed trial)", errors,
               errors == 1 ? "an error" : "errors", script, errors - script);
  }
  fmt::print("\n");
}

// A gate on `errors` is the user saying how many errors a run may have: it decides, not exit 3.
bool gates_errors(const std::vector<score::Gate>& gates) {
  return std::any_of(gates.begin(), gates.end(), [](const score::Gate& g) { return g.key == "errors"; });
}

// The sandbox's budgets (persona/runtime.h Limits), for spar run and spar score alike: a scenario
// whose steps need more CPU live needs it when scored again too.
void add_lua_budgets(CLI::App& app, persona::Limits& limits) {
  app.add_option("--step-cpu", limits.step_cpu_seconds, "CPU seconds a persona step, tool call or goal may use")
      ->capture_default_str()->check(number_in(0.001, 3600));
  app.add_option_function<double>(
         "--lua-memory",
         [&limits](double mib) { limits.memory_bytes = static_cast<size_t>(mib * 1024 * 1024); },
         "MiB of memory each conversation's Lua state may use (default 64)")
      ->check(number_in(1, 65536));
}

void setup_run(CLI::App& app, RunArgs& a) {
  auto& o = a.options;
  app.footer("The mock agent's knobs (--agent mock:KNOB=VALUE,...; docs/agents.md), with their defaults:\n" +
             agent::mock_knobs_help() +
             "  stream=1              replies stream (stream=0: one JSON reply)\n"
             "e.g. --agent mock:policy_slip=0.3,correction_rate=0.7 plays a flawed agent.");
  app.add_option("paths", o.paths, "Scenario files or folders (searched recursively)");
  app.add_option_function<std::string>(
      "--resume",
      [&o](const std::string& dir) {
        o.resume = true;
        o.out_dir = dir;
      },
      "Finish an interrupted run in this folder: play only the (scenario, trial) pairs it lacks");
  app.add_flag("--retry-errors", o.retry_errors, "With --resume: play again the conversations that ended in an error");
  app.add_option_function<std::string>(
      "--shard",
      [&o](const std::string& text) {
        size_t slash = text.find('/');
        auto i = whole_number(std::string_view(text).substr(0, slash), 1, 100000);
        auto n = slash == std::string::npos ? std::nullopt : whole_number(text.substr(slash + 1), 1, 100000);
        if (!i || !n || *i > *n) {
          throw CLI::ValidationError("--shard", "expected i/n with 1 <= i <= n <= 100000, like 2/4, got '" + text + "'");
        }
        o.shard_index = static_cast<int>(*i);
        o.shard_count = static_cast<int>(*n);
      },
      "Play only shard i of n (1-based) of the (scenario, trial) pairs; combine with spar merge");
  app.add_option("--agent", o.agent, "Agent under test: mock[:k=v,...] | openai:model=M,... | http:url=U,... | exec:cmd=...")
      ->capture_default_str();
  app.add_option("--user-model", o.user_model,
                 "Model that writes u:llm{} user turns (same syntax as --agent); without it, fallbacks are sent");
  add_judge_options(app, o);
  app.add_option("-k,--trials", o.trials, "Trials per scenario")->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_option("--seed", o.seed, "Run seed; each conversation's seed derives from it, the scenario and the trial")
      ->capture_default_str()->check(whole_number_in(0, std::numeric_limits<uint64_t>::max()));
  o.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  app.add_option("-j,--jobs", o.jobs, "Event-loop threads (default: the number of cores)")
      ->capture_default_str()->check(CLI::Range(1, 256));
  app.add_option("--concurrency", o.concurrency, "Conversations in flight, in total")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_option("--out", o.out_dir, "Output folder for results.jsonl and summary.json")->capture_default_str();
  app.add_option("--personas", o.conversation.persona.personas_dir,
                 "Persona folder (default: the nearest personas/ above each scenario)");
  app.add_option("--persona", o.personas,
                 "Play these personas (names or globs, comma-separated: 'waffler', '*', 'self-*,waffler') "
                 "of the persona folder against every scenario whose facts they fit, instead of each scenario's own")
      ->delimiter(',');
  app.add_flag("--first-persona", o.first_persona,
               "Play each scenario with the first persona it lists only (a quick run of a persona x scenario library)");
  app.add_option("--max-tool-steps", o.conversation.max_tool_steps, "Tool-call rounds allowed per turn")
      ->capture_default_str()->check(CLI::Range(1, 1000));
  app.add_option("--request-timeout", o.factory.request_timeout_s, "Seconds before an agent request times out")
      ->capture_default_str()->check(number_in(0.001, 86400));
  app.add_option("--max-reply-bytes", o.factory.max_reply_bytes,
                 "Bytes of one agent reply spar reads at most (streamed or not, HTTP body or exec line); "
                 "a bigger reply is a protocol error")
      ->capture_default_str()->check(CLI::Range(size_t{1024}, size_t{1} << 40));
  app.add_option("--retries", o.factory.retries,
                 "Retries of a model request after a 429, 5xx, timeout or connection error (backoff with jitter)")
      ->capture_default_str()->check(CLI::Range(0, 100));
  app.add_option("--rps", o.factory.rps, "Requests per second to each model, evenly spaced (0 = no limit)")
      ->capture_default_str()->check(number_in(0, 1e6));
  app.add_option("--tpm", o.factory.tpm, "Tokens per minute to each model (0 = no limit)")
      ->capture_default_str()->check(number_in(0, 1e12));
  auto* record = app.add_option("--record", o.factory.record,
                                "Record every agent, user-model and judge exchange to this cassette (JSON lines)");
  app.add_option("--replay", o.factory.replay,
                 "Answer every model request from this cassette: no network, no process, no API key")
      ->excludes(record);
  add_lua_budgets(app, o.conversation.persona.limits);
  app.add_option_function<std::string>(
         "--checkpoints",
         [&o](const std::string& text) {
           auto turns = parse_checkpoints(text);
           if (!turns) {
             throw CLI::ValidationError("--checkpoints", "expected increasing turn numbers from 1 to 100000 like "
                                                         "3,8,15,25, got '" + text + "'");
           }
           o.conversation.checkpoints = *turns;
         },
         "Checkpoint turns (default 3,8,15,25); a scenario's own checkpoints win");
  app.add_option("--recovery-turns", o.conversation.recovery_turns,
                 "R: turns within which a corrected value must be used")
      ->capture_default_str()->check(CLI::Range(0, 1000));
  app.add_option_function<std::string>(
      "--price",
      [&o](const std::string& text) {
        auto p = report::parse_price(text);
        if (!p.ok()) throw CLI::ValidationError("--price", p.error().message);
        o.price = *p;
      },
      "USD per million tokens, e.g. prompt=0.15,completion=0.60: adds cost to the summary");
  app.add_flag("-q,--quiet", o.quiet, "No progress output (errors still print, one line each)");
  app.add_option("--history", o.history, "SQLite run history to append to (\"\" = none)")->capture_default_str();
  add_gates(app, a.gates);
  app.add_flag("--allow-errors", a.allow_errors,
               "Exit 0 (or by the gates) even when conversations ended in an error; without it, and without a "
               "gate on 'errors', any error exits 3");
}

int do_run(RunArgs& a) {
  if (a.options.paths.empty()) {
    if (!a.options.resume) return input_error("run: give scenario files or folders (or --resume DIR)");
    auto restored = run::options_from_run(a.options.out_dir, a.options);
    if (!restored.ok()) return input_error(restored.error().message);
    a.options = std::move(restored).value();
    a.options.resume = true;
  }
  auto outcome = run::run(a.options);
  if (!outcome.ok()) return input_error(outcome.error().message);
  std::fputc('\n', stdout);
  report::print_table(outcome->summary, stdout);
  print_run_count(outcome->summary);
  fmt::print("wrote {0}/results.jsonl, summary.json, report.html and junit.xml\n", a.options.out_dir);
  if (int misses = outcome->summary.value("error_kinds", json::object()).value("replay_miss", 0); misses > 0) {
    fmt::print(stderr, "spar: {} conversation(s) asked for exchanges that {} does not hold (error kind replay_miss); "
               "record the cassette again with --record\n", misses, a.options.factory.replay);
    return kExitInput;
  }
  int gates = report_gates(outcome->summary, a.gates);
  int errors = outcome->summary.value("errors", 0);
  if (errors > 0 && !a.allow_errors && !gates_errors(a.gates)) {
    fmt::print(stderr, "spar: {} conversation(s) ended in an error (listed above; kinds in summary.json error_kinds): "
               "exit 3; --allow-errors or a gate on 'errors' lets a run pass with errors\n", errors);
    return kExitErrors;
  }
  return gates;
}

// ---- spar report ---------------------------------------------------------------------------

struct ReportArgs {
  std::string dir;
  report::ReportOptions options;
  std::vector<score::Gate> gates;
};

void setup_report(CLI::App& app, ReportArgs& a) {
  app.add_option("dir", a.dir, "A run folder holding results.jsonl")->required();
  a.options.labels_db = "runs/history.db";
  app.add_option("--history", a.options.labels_db,
                 "History database whose human labels of the run report.html compares the graders with (\"\" = none)")
      ->capture_default_str();
  app.add_option_function<std::string>(
      "--price",
      [&a](const std::string& text) {
        auto p = report::parse_price(text);
        if (!p.ok()) throw CLI::ValidationError("--price", p.error().message);
        a.options.price = *p;
      },
      "USD per million tokens, e.g. prompt=0.15,completion=0.60 (default: the run's)");
  app.add_option("--transcripts", a.options.max_transcripts,
                 "Transcripts report.html embeds, failures first; the rest point at results.jsonl")
      ->capture_default_str()->check(whole_number_in(0, 1000000000));
  add_gates(app, a.gates);
}

int do_report(ReportArgs& a) {
  // Records without a score (imports) are scored first, by their scenario when it is there.
  run::RescoreOptions unscored;
  unscored.input = a.dir;
  unscored.only_unscored = true;
  auto scored = run::rescore(unscored);
  if (!scored.ok()) return input_error(scored.error().message);
  auto summary = report::write_report(a.dir, a.options);
  if (!summary.ok()) return input_error(summary.error().message);
  report::print_table(*summary, stdout);
  fmt::print("\nwrote {0}/summary.json, report.html and junit.xml\n", a.dir);
  return report_gates(*summary, a.gates);
}

// ---- spar import ---------------------------------------------------------------------------

struct ImportArgs {
  std::vector<std::string> files;
  std::string format, out = "runs/import", to_scenario, id;
  importer::ImportOptions options;
  importer::ScenarioPins pins;
  bool force = false;
};

// --expect-call / --forbid-call 'TOOL {json args}', repeatable, parsed as given.
void add_pins(CLI::App& app, const std::string& flag, std::vector<importer::CallPin>& pins, CLI::Option* needs,
              const std::string& help) {
  app.add_option_function<std::vector<std::string>>(
         flag,
         [&pins, flag](const std::vector<std::string>& texts) {
           for (const auto& t : texts) {
             auto pin = importer::parse_call_pin(t, flag.c_str());
             if (!pin.ok()) throw CLI::ValidationError(pin.error().message);
             pins.push_back(*pin);
           }
         },
         help)
      ->needs(needs);
}

void setup_import(CLI::App& app, ImportArgs& a) {
  app.add_option("files", a.files, "Transcript files")->required();
  app.add_option("--format", a.format, "openai (JSON lines) | messages (a {role, content} list) | tau-bench")
      ->required()->check(CLI::IsMember({"openai", "messages", "tau-bench"}));
  app.add_option("--out", a.out, "Folder for results.jsonl (replaced)")->capture_default_str();
  app.add_option("--scenario-id", a.options.scenario_id, "Import every conversation as a trial of this scenario");
  app.add_option("--domain", a.options.domain, "tau-bench: the domain in scenario ids tau-bench/DOMAIN/task-N")
      ->capture_default_str();
  auto* to = app.add_option("--to-scenario", a.to_scenario,
                            "Write one conversation as a regression scenario (Lua) instead of records");
  app.add_option("--id", a.id, "With --to-scenario: the conversation's id in the source")->needs(to);
  add_pins(app, "--expect-call", a.pins.expect, to,
           "With --to-scenario: 'TOOL {json args}' must be called (the goal); repeatable");
  add_pins(app, "--forbid-call", a.pins.forbid, to,
           "With --to-scenario: 'TOOL' or 'TOOL {json args}' must not be called (a critical rule); repeatable");
  app.add_flag("--force", a.force, "With --to-scenario: overwrite an existing file")->needs(to);
}

int do_import(ImportArgs& a) {
  a.options.format = importer::parse_import_format(a.format).value();
  static const std::regex domain("^[a-z0-9][a-z0-9_-]*$");
  if (!std::regex_match(a.options.domain, domain)) return input_error("--domain: use lowercase letters, digits, '-' and '_'");
  if (a.options.scenario_id.find_first_of("\r\n\t") != std::string::npos) {
    return input_error("--scenario-id: no newlines or tabs");
  }
  if (!a.to_scenario.empty()) {
    auto id = importer::import_to_scenario(a.files, a.options, a.id, a.pins, a.to_scenario, a.force);
    if (!id.ok()) return input_error(id.error().message);
    fmt::print("wrote {} (scenario {})\n", a.to_scenario, report::printable(*id));
    return kExitOk;
  }
  a.options.run_id = run::new_run_id();
  auto outcome = importer::import_files(a.files, a.options, a.out);
  if (!outcome.ok()) return input_error(outcome.error().message);
  fmt::print("imported {} into {}\n", count_of(outcome->records, "conversation"), outcome->results_path);
  return kExitOk;
}

// ---- spar score ----------------------------------------------------------------------------

struct ScoreArgs {
  run::RescoreOptions options;
  std::vector<score::Gate> gates;
};

void setup_score(CLI::App& app, ScoreArgs& a) {
  auto& o = a.options;
  app.add_option("input", o.input, "A run folder (its results.jsonl) or a results file")->required();
  app.add_option("--out", o.out, "Write results.jsonl and the reports here (default: in place)");
  app.add_option("--scenario", o.setup.scenario,
                 "Scenario file or folder to check policies and goals with (default: each record's scenario_path)");
  app.add_option("--recovery-turns", o.setup.options.recovery_turns,
                 "R: turns within which a corrected value must be used")
      ->capture_default_str()->check(CLI::Range(0, 1000));
  app.add_option_function<std::string>(
      "--checkpoints",
      [&o](const std::string& text) {
        auto turns = parse_checkpoints(text);
        if (!turns) throw CLI::ValidationError("--checkpoints", "expected increasing turn numbers from 1 to 100000 "
                                                                "like 3,8,15,25, got '" + text + "'");
        o.setup.options.checkpoints = *turns;
      },
      "Checkpoint turns, overriding those recorded");
  app.add_option("--personas", o.setup.persona.personas_dir, "Persona folder for --scenario");
  add_lua_budgets(app, o.setup.persona.limits);
  add_judge_options(app, o);  // re-judges the reached windows; only the judge is contacted
  app.add_option("--request-timeout", o.factory.request_timeout_s, "Seconds before a judge request times out")
      ->capture_default_str()->check(number_in(0.001, 86400));
  app.add_option("--retries", o.factory.retries, "Retries of a judge request after a 429, 5xx, timeout or connection error")
      ->capture_default_str()->check(CLI::Range(0, 100));
  add_gates(app, a.gates);
}

int do_score(ScoreArgs& a) {
  auto done = run::rescore(a.options);
  if (!done.ok()) return input_error(done.error().message);
  for (const auto& n : done->notes) fmt::print(stderr, "spar: note: {}\n", report::printable(n));
  auto summary = report::write_report(done->dir);
  if (!summary.ok()) return input_error(summary.error().message);
  report::print_table(*summary, stdout);
  if (!a.options.judge.empty()) {
    fmt::print("\njudged {} ({}, the rest from the cache)", count_of(done->judged_windows, "window"),
               count_of(done->judge_requests, "judge request"));
  }
  fmt::print("\nscored {}; wrote {}/results.jsonl, summary.json, report.html and junit.xml\n", count_of(done->rescored, "record"),
             done->dir);
  return report_gates(*summary, a.gates);
}

// ---- spar merge ----------------------------------------------------------------------------

struct MergeArgs {
  std::string out;
  std::vector<std::string> dirs;
};

void setup_merge(CLI::App& app, MergeArgs& a) {
  app.add_option("out", a.out, "The folder for the merged run")->required();
  app.add_option("dirs", a.dirs, "The shards' run folders")->required();
}

int do_merge(MergeArgs& a) {
  auto m = run::merge(a.out, a.dirs);
  if (!m.ok()) return input_error(m.error().message);
  report::print_table(m->summary, stdout);
  fmt::print("\nmerged {} of {} from {} into {}\n", m->records, count_of(m->expected, "conversation"),
             count_of(a.dirs.size(), "folder"), a.out);
  if (!m->missing.empty()) {
    fmt::print(stderr, "spar: warning: {} in no shard, first: {}\n", count_of(m->missing.size(), "conversation is", "conversations are"),
               report::printable(m->missing[0]));
  }
  return kExitOk;
}

// ---- spar history --------------------------------------------------------------------------

struct HistoryArgs {
  std::string db = "runs/history.db";
  report::HistoryQuery query;
};

void setup_history(CLI::App& app, HistoryArgs& a) {
  app.add_option("--db", a.db, "The history database")->capture_default_str();
  app.add_option("--scenario", a.query.scenario,
                 "One case's trend: a scenario id, scenario@persona, or @persona (default: overall)");
  app.add_option_function<std::vector<std::string>>(
      "--metric",
      [&a](const std::vector<std::string>& keys) {
        for (const auto& k : keys) {
          auto probe = score::metric(json::object(), k);
          if (!probe.ok()) throw CLI::ValidationError("--metric", probe.error().message);
          a.query.metrics.push_back(k);
        }
      },
      "Metrics to show (repeatable), e.g. pass^1, quality@25, recovery.correction");
  app.add_option("--last", a.query.last, "How many recent runs")->capture_default_str()->check(CLI::Range(1, 100000));
}

int do_history(HistoryArgs& a) {
  auto table = report::history_table(a.db, a.query);
  if (!table.ok()) return input_error(table.error().message);
  fmt::print("{}", *table);
  return kExitOk;
}

// ---- spar review ---------------------------------------------------------------------------

struct ReviewArgs {
  std::string dir;
  std::string db = "runs/history.db";
  std::string reviewer;
  int port = 0;
  std::string export_to;
  std::string import_from;
  size_t sample = 0;
  uint64_t seed = 1;
  std::string personas;
};

void setup_review(CLI::App& app, ReviewArgs& a) {
  app.add_option("dir", a.dir, "A run folder or spar import's output (its results.jsonl)")->required();
  app.add_option("--db", a.db, "The history database the labels go to")->capture_default_str();
  app.add_option("--reviewer", a.reviewer, "Who is labelling (default: $USER)");
  app.add_option("--port", a.port, "Port on 127.0.0.1 (0: any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
  app.add_option("--export", a.export_to, "Write the labels of DIR's conversations as JSON lines to FILE (- = stdout) and exit");
  app.add_option("--import", a.import_from, "Add the labels of a JSON lines FILE (from --export) and exit");
  app.add_option("--sample", a.sample, "Review only the N conversations most worth a person's time")->check(CLI::Range(1, 1000000));
  app.add_option("--seed", a.seed, "Seed of --sample's ties and random picks")->capture_default_str();
  app.add_option("--personas", a.personas, "Persona folder, to load the scenarios' declared policies");
  app.get_option("--export")->excludes(app.get_option("--import"));
}

std::atomic<bool> g_review_stop{false};
extern "C" void review_stop_signal(int) { g_review_stop = true; }

// DIR's conversations for review, with each scenario's declared policy names when its file loads.
Result<std::vector<review::Conversation>> review_set(const ReviewArgs& a, std::string* where) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string path = fs::is_directory(a.dir, ec) ? (fs::path(a.dir) / "results.jsonl").string() : a.dir;
  *where = path;
  auto read = report::read_results(path);
  if (!read.ok()) return read.error();
  std::vector<review::Conversation> out;
  std::map<std::string, std::pair<std::vector<std::string>, std::string>> scenarios;  // path -> (names, problem)
  persona::Options popts;
  popts.personas_dir = a.personas;
  for (size_t i = 0; i < read->records.size(); ++i) {
    const json& j = read->records[i];
    record::Record r;
    try {
      r = j.get<record::Record>();
    } catch (const std::exception& e) {
      return make_error(ErrorKind::input, fmt::format("{}:{}: not a record: {}", path, read->lines[i], e.what()));
    }
    review::Conversation c;
    c.record = j;
    c.key = report::conversation_key(r);
    c.run_id = r.run_id;
    std::string scenario;
    auto opt = j.contains("score") && j["score"].is_object() ? j["score"].value("scorer", json::object()) : json::object();
    if (opt.is_object() && opt.value("options", json::object()).is_object()) {
      auto o = opt.value("options", json::object());
      if (o.contains("scenario") && o["scenario"].is_string()) scenario = o["scenario"].get<std::string>();
    }
    if ((scenario.empty() || !fs::is_regular_file(scenario, ec)) && r.scenario_path) scenario = *r.scenario_path;
    if (scenario.empty() || !fs::is_regular_file(scenario, ec)) {
      c.policy_note = "The scenario file is not reachable from here" +
                      (scenario.empty() ? std::string() : " (" + scenario + ")") +
                      ": only the rules spar flagged are listed, so a missed violation of another rule cannot be labelled.";
    } else {
      auto it = scenarios.find(scenario);
      if (it == scenarios.end()) {
        auto session = persona::Session::open(scenario, popts);
        std::pair<std::vector<std::string>, std::string> v;
        if (session.ok()) v.first = (*session)->info().policy_names;
        else v.second = session.error().message;
        it = scenarios.emplace(scenario, v).first;
      }
      c.declared_policies = it->second.first;
      if (!it->second.second.empty()) {
        c.policy_note = "The scenario " + scenario + " did not load (" + it->second.second +
                        "): only the rules spar flagged are listed.";
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

int do_review(ReviewArgs& a) {
  std::string where;
  auto set = review_set(a, &where);
  if (!set.ok()) return input_error(set.error().message);
  std::set<std::pair<std::string, std::string>> here;
  for (const auto& c : *set) here.insert({c.run_id, c.key});

  if (!a.export_to.empty()) {
    auto labels = report::read_labels(a.db);
    if (!labels.ok()) return input_error(labels.error().message);
    std::string text;
    size_t n = 0;
    for (const auto& l : *labels) {
      if (!here.count({l.run_id, l.conversation})) continue;
      text += report::label_to_json(l).dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
      ++n;
    }
    if (a.export_to == "-") {
      fmt::print("{}", text);
      std::fflush(stdout);
    } else {
      auto st = report::write_file_atomic(a.export_to, text);
      if (!st.ok()) return input_error(st.error().message);
      fmt::print(stderr, "exported {} labels to {}\n", n, a.export_to);
    }
    return kExitOk;
  }

  if (!a.import_from.empty()) {
    auto content = report::read_text(a.import_from);
    if (!content.ok()) return input_error(content.error().message);
    std::vector<report::Label> labels;
    std::istringstream in(*content);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      json j = json::parse(line, nullptr, false);
      if (j.is_discarded()) return input_error(fmt::format("{}:{}: not JSON", a.import_from, n));
      auto l = report::label_from_json(j);
      if (!l.ok()) return input_error(fmt::format("{}:{}: {}", a.import_from, n, l.error().message));
      if (!here.count({l->run_id, l->conversation})) {
        return input_error(fmt::format("{}:{}: no conversation '{}' of run '{}' in {}", a.import_from, n,
                                       l->conversation, l->run_id, where));
      }
      labels.push_back(*l);
    }
    auto st = report::add_labels(a.db, labels);
    if (!st.ok()) return input_error(st.error().message);
    fmt::print(stderr, "imported {} labels into {}\n", labels.size(), a.db);
    return kExitOk;
  }

  if (a.reviewer.empty()) {
    const char* user = std::getenv("USER");
    if (user && *user) a.reviewer = user;
  }
  if (a.reviewer.empty()) return input_error("who is reviewing? $USER is not set: pass --reviewer NAME");

  std::vector<review::Conversation> convs = std::move(*set);
  if (a.sample > 0) {
    std::vector<json> records;
    for (const auto& c : convs) records.push_back(c.record);
    auto picks = score::sample_for_review(records, a.sample, a.seed);
    std::vector<review::Conversation> chosen;
    fmt::print("sample: {} of {} conversations (seed {})\n", picks.size(), convs.size(), a.seed);
    for (size_t i = 0; i < picks.size(); ++i) {
      review::Conversation c = convs[picks[i].index];
      c.reason = fmt::format("{}", fmt::join(picks[i].reasons, "; "));
      fmt::print("{:>4}. {}  {}\n", i + 1, report::printable(c.key), report::printable(c.reason));
      chosen.push_back(std::move(c));
    }
    convs = std::move(chosen);
  }

  struct sigaction sa {};
  sa.sa_handler = review_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  review::Options o;
  o.db = a.db;
  o.reviewer = a.reviewer;
  o.port = a.port;
  auto st = review::serve(
      convs, o,
      [](int port) {
        fmt::print("review: http://127.0.0.1:{}/\n", port);
        std::fflush(stdout);
      },
      g_review_stop);
  if (!st.ok()) return input_error(st.error().message);
  return kExitOk;
}

// ---- spar calibrate ------------------------------------------------------------------------

struct CalibrateArgs {
  std::string dir;
  std::string db = "runs/history.db";
  score::CompareOptions compare;
  std::vector<score::Gate> gates;
  bool json_out = false;
};

void setup_calibrate(CLI::App& app, CalibrateArgs& a) {
  app.add_option("dir", a.dir, "A run folder holding results.jsonl")->required();
  app.add_option("--db", a.db, "The history database holding the labels")->capture_default_str();
  app.add_option("--threshold", a.compare.threshold, "Flag a grader whose kappa against the people is below this")
      ->capture_default_str()->check(number_in(-1, 1));
  add_gates(app, a.gates, score::parse_calibration_gate,
            "Fail (exit 1) unless GRADER.STAT OP VALUE holds, e.g. 'judge.kappa>=0.6' or 'outcome.agreement>=0.9'");
  app.add_flag("--json", a.json_out, "Write the whole comparison as JSON on stdout (gate verdicts go to stderr)");
}

int do_calibrate(CalibrateArgs& a) {
  auto c = report::calibrate_dir(a.dir, a.db, a.compare);
  if (!c.ok()) return input_error(c.error().message);
  auto results = score::check_calibration_gates(*c, a.gates);
  json gates = json::array();
  bool all = true;
  for (const auto& r : results) {
    gates.push_back({{"gate", r.gate.text}, {"held", r.held}, {"value", r.value ? json(*r.value) : json(nullptr)},
                     {"message", r.message}});
    all = all && r.held;
  }
  if (a.json_out) {
    (*c)["gates"] = gates;
    fmt::print("{}\n", c->dump(2, ' ', false, json::error_handler_t::replace));
  } else {
    fmt::print("{}", report::render_calibration(*c));
  }
  for (const auto& r : results) {
    fmt::print(a.json_out ? stderr : stdout, "gate {}: {} ({})\n", r.held ? "held" : "FAILED", report::printable(r.gate.text),
               report::printable(r.message));
  }
  return all ? kExitOk : kExitGates;
}

// ---- spar diff -----------------------------------------------------------------------------

struct DiffArgs {
  std::string base, now;
  report::DiffOptions options;
  std::string format = "table";
};

void parse_bounds(const std::vector<std::string>& texts, std::vector<report::Bound>& out, const char* flag) {
  for (const auto& t : texts) {
    auto eq = t.find('=');
    char* end = nullptr;
    double v = eq == std::string::npos ? 0 : std::strtod(t.c_str() + eq + 1, &end);
    if (eq == std::string::npos || end == t.c_str() + eq + 1 || *end != '\0') {
      throw CLI::ValidationError(flag, "expected METRIC=VALUE, got '" + t + "'");
    }
    std::string key = t.substr(0, eq);
    auto probe = score::metric(json::object(), key);
    if (!probe.ok()) throw CLI::ValidationError(flag, probe.error().message);
    out.push_back({key, v});
  }
}

void setup_diff(CLI::App& app, DiffArgs& a) {
  app.add_option("base", a.base, "The baseline run folder (or its summary.json)")->required();
  app.add_option("new", a.now, "The new run folder (or its summary.json)")->required();
  app.add_option("--max-drop", a.options.max_drop, "A metric that gets worse by more than this is a regression")
      ->capture_default_str()->check(number_in(0, 1000));
  app.add_option_function<std::vector<std::string>>(
      "--min", [&a](const std::vector<std::string>& t) { parse_bounds(t, a.options.mins, "--min"); },
      "NEW must reach METRIC=VALUE overall, e.g. pass^1=0.9");
  app.add_option_function<std::vector<std::string>>(
      "--max", [&a](const std::vector<std::string>& t) { parse_bounds(t, a.options.maxes, "--max"); },
      "NEW must stay at or below METRIC=VALUE overall, e.g. violations=0.1");
  app.add_option("--format", a.format, "table or markdown (for a PR comment)")
      ->capture_default_str()->check(CLI::IsMember({"table", "markdown"}));
}

int do_diff(DiffArgs& a) {
  auto base = report::load_summary(a.base);
  if (!base.ok()) return input_error(base.error().message);
  auto now = report::load_summary(a.now);
  if (!now.ok()) return input_error(now.error().message);
  auto d = report::diff_summaries(*base, *now, a.options);
  if (!d.ok()) return input_error(d.error().message);
  fmt::print("{}", report::render_diff(*d, a.format, a.options));
  return d->regressions.empty() ? kExitOk : kExitGates;
}

// ---- spar lint -----------------------------------------------------------------------------

struct LintArgs {
  std::vector<std::string> paths;
  persona::Options persona;
};

void setup_lint(CLI::App& app, LintArgs& a) {
  app.add_option("paths", a.paths, "Persona and scenario files or folders")->required();
  app.add_option("--personas", a.persona.personas_dir, "Persona folder (default: the nearest personas/ above each scenario)");
}

int do_lint(LintArgs& a) {
  auto report = run::lint(a.paths, a.persona);
  if (!report.ok()) return input_error(report.error().message);
  for (const auto& p : report->problems) fmt::print("{}\n", report::printable(p));
  for (const auto& w : report->warnings) fmt::print("{}\n", report::printable(w));
  for (const auto& n : report->notes) fmt::print(stderr, "{}\n", report::printable(n));
  fmt::print(stderr, "lint: {}, {}, {}, {}\n", count_of(report->personas, "persona"),
             count_of(report->scenarios, "scenario"), count_of(report->problems.size(), "problem"),
             count_of(report->warnings.size(), "warning"));
  return report->problems.empty() ? kExitOk : kExitInput;
}

// ---- spar new ------------------------------------------------------------------------------

struct NewArgs {
  std::string kind;
  std::string name;
  std::string dir = ".";
  bool force = false;
};

void setup_new(CLI::App& app, NewArgs& a) {
  app.add_option("kind", a.kind, "persona or scenario")->required()->check(CLI::IsMember({"persona", "scenario"}));
  app.add_option("name", a.name, "persona: a name like 'skeptic'; scenario: 'domain/name' like 'retail/late-delivery'")
      ->required();
  app.add_option("--dir", a.dir, "Project folder holding personas/ and scenarios/")->capture_default_str();
  app.add_flag("--force", a.force, "Overwrite an existing file");
}

std::string fill(std::string_view tmpl, const std::vector<std::pair<std::string, std::string>>& vars) {
  std::string out(tmpl);
  for (const auto& [key, value] : vars) {
    std::string mark = "{{" + key + "}}";
    for (size_t pos = out.find(mark); pos != std::string::npos; pos = out.find(mark, pos + value.size())) {
      out.replace(pos, mark.size(), value);
    }
  }
  return out;
}

int do_new(NewArgs& a) {
  namespace fs = std::filesystem;
  static const std::regex persona_name("^[a-z0-9][a-z0-9_-]*$");
  static const std::regex scenario_name("^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$");
  bool persona = a.kind == "persona";
  if (!std::regex_match(a.name, persona ? persona_name : scenario_name)) {
    return input_error(fmt::format("bad {} name '{}': use lowercase letters, digits, '-' and '_'{}", a.kind, a.name,
                                   persona ? "" : ", with '/' between folders"));
  }
  fs::path path = fs::path(a.dir) / (persona ? "personas" : "scenarios") / (a.name + ".lua");
  std::error_code ec;
  if (fs::exists(path, ec) && !a.force) return input_error(fmt::format("{}: already exists (use --force)", path.string()));
  fs::create_directories(path.parent_path(), ec);
  std::string base = fs::path(a.name).filename().string();
  std::string text = persona ? fill(kPersonaTemplate, {{"name", base}})
                             : fill(kScenarioTemplate, {{"id", a.name}, {"name", base}});
  auto st = report::write_file_atomic(path.string(), text);
  if (!st.ok()) return input_error(st.error().message);
  fmt::print("wrote {}\n", path.string());
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("spar");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%^%l%$: %v");
  spdlog::set_level(spdlog::level::warn);

  CLI::App app{"spar: rehearse conversational AI agents against scripted, adversarial simulated users"};
  app.set_version_flag("--version", "spar 0.1.0");
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "Log level on stderr: trace|debug|info|warn|error|off")
      ->capture_default_str()->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  RunArgs run_args;
  ReportArgs report_args;
  DiffArgs diff_args;
  HistoryArgs history_args;
  CalibrateArgs calibrate_args;
  MergeArgs merge_args;
  ImportArgs import_args;
  ScoreArgs score_args;
  LintArgs lint_args;
  NewArgs new_args;
  ReviewArgs review_args;
  struct Command {
    const char* name;
    const char* help;
    std::function<void(CLI::App&)> setup;
    std::function<int()> exec;
  };
  const std::vector<Command> commands = {
      {"run", "Run scenarios against an agent and write results, summary and the pass^k table",
       [&](CLI::App& c) { setup_run(c, run_args); }, [&] { return do_run(run_args); }},
      {"report", "Recompute summary.json from a run folder's results.jsonl",
       [&](CLI::App& c) { setup_report(c, report_args); }, [&] { return do_report(report_args); }},
      {"score", "Recompute the verdicts of recorded conversations (no agent is contacted), then the reports",
       [&](CLI::App& c) { setup_score(c, score_args); }, [&] { return do_score(score_args); }},
      {"diff", "Compare two runs per scenario and overall; exit 1 on a regression",
       [&](CLI::App& c) { setup_diff(c, diff_args); }, [&] { return do_diff(diff_args); }},
      {"import", "Turn transcripts spar did not play into records (or --to-scenario: a regression scenario)",
       [&](CLI::App& c) { setup_import(c, import_args); }, [&] { return do_import(import_args); }},
      {"merge", "Combine shards (spar run --shard i/n) into one run: spar merge OUT DIR...",
       [&](CLI::App& c) { setup_merge(c, merge_args); }, [&] { return do_merge(merge_args); }},
      {"history", "Show trends per scenario and per metric across recorded runs",
       [&](CLI::App& c) { setup_history(c, history_args); }, [&] { return do_history(history_args); }},
      {"review", "Serve the human grader's page over a run (127.0.0.1): label conversations with a rationale each",
       [&](CLI::App& c) { setup_review(c, review_args); }, [&] { return do_review(review_args); }},
      {"calibrate", "Compare spar's graders with the human labels of a run: agreement, kappa, alpha, disagreements",
       [&](CLI::App& c) { setup_calibrate(c, calibrate_args); }, [&] { return do_calibrate(calibrate_args); }},
      {"lint", "Load personas and scenarios in the sandbox, dry-run each scenario, report problems as path:line",
       [&](CLI::App& c) { setup_lint(c, lint_args); }, [&] { return do_lint(lint_args); }},
      {"new", "Write a commented template: spar new persona NAME | spar new scenario DOMAIN/NAME",
       [&](CLI::App& c) { setup_new(c, new_args); }, [&] { return do_new(new_args); }},
  };
  std::vector<CLI::App*> subs;
  for (const auto& c : commands) {
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    c.setup(*sub);
    subs.push_back(sub);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return input_error(fmt::format("{} (see spar --help)", e.what()));
  }
  spdlog::set_level(spdlog::level::from_str(log_level));
  for (size_t i = 0; i < commands.size(); ++i) {
    if (subs[i]->parsed()) return commands[i].exec();
  }
  return input_error("no command given (see spar --help)");
}

}  // namespace spar::cli
