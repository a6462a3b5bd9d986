#include "run/run_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>

#include "report/report.h"
#include "report/results.h"
#include "report/run_json.h"
#include "score/cases.h"

namespace spar::run {

namespace fs = std::filesystem;

Result<std::unique_ptr<FolderLock>> FolderLock::take(const std::string& dir) {
  std::string path = (fs::path(dir) / "run.lock").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(ErrorKind::input, fmt::format("{}: cannot create the lock file: {}", path, std::strerror(errno)));
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return make_error(ErrorKind::input, fmt::format("{}: another spar run is using this folder (it holds {}); wait for "
                                             "it to finish or choose another --out", dir, path));
    }
    return make_error(ErrorKind::input, fmt::format("{}: cannot lock: {}", path, std::strerror(error)));
  }
  return std::unique_ptr<FolderLock>(new FolderLock(fd));
}

json run_args_json(const RunOptions& options) {
  // Specs are kept with URL credentials masked (`--resume` then asks for them again).
  return {{"paths", options.paths},
          {"agent", agent::redact_agent_spec(options.agent)},
          {"user_model", agent::redact_agent_spec(options.user_model)},
          {"judge", agent::redact_agent_spec(options.judge)},
          {"judge_repeats", options.judge_repeats},
          {"judge_flaky", options.judge_flaky},
          {"judge_cache", options.judge_cache},
          {"trials", options.trials},
          {"seed", options.seed},
          {"checkpoints", options.conversation.checkpoints},
          {"recovery_turns", options.conversation.recovery_turns},
          {"max_tool_steps", options.conversation.max_tool_steps},
          {"personas", options.conversation.persona.personas_dir},
          {"persona", options.personas},
          {"first_persona", options.first_persona},
          {"step_cpu", options.conversation.persona.limits.step_cpu_seconds},
          {"lua_memory", options.conversation.persona.limits.memory_bytes},
          {"request_timeout", options.factory.request_timeout_s},
          {"max_reply_bytes", options.factory.max_reply_bytes},
          {"history", options.history},
          {"retries", options.factory.retries},
          {"rps", options.factory.rps},
          {"tpm", options.factory.tpm},
          {"record", options.factory.record},
          {"replay", options.factory.replay},
          {"shard_index", options.shard_index},
          {"shard_count", options.shard_count}};
}

Result<RunOptions> options_from_run(const std::string& dir, RunOptions o) {
  auto run = report::read_run_file(dir);
  if (!run.ok() || !run->args.is_object()) {
    return make_error(ErrorKind::input, fmt::format("{}: nothing to resume (no run.json with the run's arguments)", dir));
  }
  const json& a = run->args;
  const RunOptions defaults;
  try {
    // What defines the run (its plan and how it is scored) comes back as it was.
    o.paths = a.value("paths", std::vector<std::string>{});
    o.trials = a.value("trials", o.trials);
    o.seed = a.value("seed", o.seed);
    o.personas = a.value("persona", std::vector<std::string>{});  // --persona: part of the plan
    o.first_persona = a.value("first_persona", false);
    o.conversation.checkpoints = a.value("checkpoints", o.conversation.checkpoints);
    o.conversation.recovery_turns = a.value("recovery_turns", o.conversation.recovery_turns);
    o.shard_index = a.value("shard_index", 1);
    o.shard_count = a.value("shard_count", 1);
    // The rest comes back too, unless given again on the command line (a value that differs
    // from the default): a resumed run keeps its rate limits, retries, budgets, and its
    // --record or --replay cassette, but `--resume DIR --rps 2` can slow it down.
    auto restore = [&](auto& field, const auto& default_value, const char* key) {
      if (field == default_value && a.contains(key)) field = a[key].get<std::decay_t<decltype(field)>>();
    };
    restore(o.agent, defaults.agent, "agent");
    restore(o.user_model, defaults.user_model, "user_model");
    restore(o.judge, defaults.judge, "judge");
    restore(o.judge_repeats, defaults.judge_repeats, "judge_repeats");
    restore(o.judge_flaky, defaults.judge_flaky, "judge_flaky");
    restore(o.judge_cache, defaults.judge_cache, "judge_cache");
    restore(o.conversation.max_tool_steps, defaults.conversation.max_tool_steps, "max_tool_steps");
    restore(o.conversation.persona.personas_dir, defaults.conversation.persona.personas_dir, "personas");
    restore(o.conversation.persona.limits.step_cpu_seconds, defaults.conversation.persona.limits.step_cpu_seconds, "step_cpu");
    restore(o.conversation.persona.limits.memory_bytes, defaults.conversation.persona.limits.memory_bytes, "lua_memory");
    restore(o.factory.request_timeout_s, defaults.factory.request_timeout_s, "request_timeout");
    restore(o.factory.max_reply_bytes, defaults.factory.max_reply_bytes, "max_reply_bytes");
    restore(o.history, defaults.history, "history");  // a run kept out of the history stays out when resumed
    restore(o.factory.retries, defaults.factory.retries, "retries");
    restore(o.factory.rps, defaults.factory.rps, "rps");
    restore(o.factory.tpm, defaults.factory.tpm, "tpm");
    restore(o.factory.record, defaults.factory.record, "record");
    restore(o.factory.replay, defaults.factory.replay, "replay");
  } catch (const json::exception& e) {
    return make_error(ErrorKind::input, fmt::format("{}/run.json: bad args: {}", dir, e.what()));
  }
  for (const std::string* spec : {&o.agent, &o.user_model, &o.judge}) {
    if (spec->find("***@") != std::string::npos) {
      return make_error(ErrorKind::input, fmt::format("{}/run.json: the spec '{}' had URL credentials, which spar does not "
                                             "store; give it again (--agent, --user-model or --judge)", dir, *spec));
    }
  }
  if (run->price) o.price = run->price;
  return o;
}

Result<json> write_run_file(const RunOptions& options, const std::string& run_id, const std::string& agent,
                            const json& user_model, const json& judge, const LoadedCases& cases) {
  std::time_t now = std::time(nullptr);
  char started_at[32];
  std::strftime(started_at, sizeof started_at, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  json run_info = {{"spar", "0.1.0"},
                   {"run_id", run_id},
                   {"started_at", started_at},
                   {"agent", agent},
                   {"user_model", user_model},
                   {"judge", judge},
                   {"judge_repeats", options.judge_repeats},
                   {"trials", options.trials},
                   {"seed", options.seed},
                   {"checkpoints", options.conversation.checkpoints},
                   {"recovery_turns", options.conversation.recovery_turns},
                   {"scenarios", json::array()}};
  // The planned cases by key (a scenario id, or id@persona where several personas play it), and
  // the pairs --persona selected that could not be played.
  for (const auto& s : cases.cases) run_info["scenarios"].push_back(s.key);
  if (!cases.skipped.empty()) {
    run_info["skipped"] = json::array();
    for (const auto& s : cases.skipped) {
      run_info["skipped"].push_back({{"scenario", s.scenario}, {"persona", s.persona}, {"why", s.why}});
    }
  }
  run_info["args"] = run_args_json(options);
  if (options.shard_count > 1) run_info["shard"] = fmt::format("{}/{}", options.shard_index, options.shard_count);
  if (options.price) {
    run_info["price"] = {{"prompt", options.price->prompt_per_million}, {"completion", options.price->completion_per_million}};
  }
  auto wrote = report::write_file_atomic((fs::path(options.out_dir) / "run.json").string(), run_info.dump(2) + "\n");
  if (!wrote.ok()) return wrote.error();
  return run_info;
}

std::string record_case_key(const json& record, const std::set<std::string>& planned) {
  score::CaseId id = score::case_id(record);
  return score::case_key(id, !planned.count(id.scenario));
}

}  // namespace spar::run
