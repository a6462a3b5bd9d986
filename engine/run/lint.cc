#include "run/lint.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "agent/fake.h"
#include "conversation/conversation.h"
#include "run/rescore.h"
#include "run/discover.h"

namespace spar::run {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// Plays the scenario once against an agent that always answers the same line, and returns the
// script error the persona or a policy raised, if any.
std::vector<std::string> dry_run(const std::string& path, const persona::Options& options) {
  agent::Loop loop;
  agent::FakeAgent agent(loop, [](const agent::Request&) -> Result<agent::Reply> {
    agent::Reply r;
    r.text = "Thanks. Could you tell me a bit more?";
    return r;
  });
  json record;
  conversation::Options conv_options;
  conv_options.persona = options;
  ScoreSetup setup;
  setup.persona = options;
  setup.live = true;
  conversation::Conversation conv({path, "lint", 1, 1}, conv_options, agent, [&](record::Record r, json judgements) {
    record = score_one(std::move(r), judgements, setup, path);
  });
  loop.post([&] { conv.start(); });
  loop.run();
  std::vector<std::string> out;
  if (record["error"].is_object()) {
    out.push_back(record["error"].value("message", "dry run failed"));
  }
  for (const auto& w : record["score"].value("warnings", json::array())) {
    if (w.value("kind", "") == "policy_error") out.push_back(fmt::format("{}: {}", path, w.value("message", "")));
  }
  return out;
}

}  // namespace

Result<LintReport> lint(const std::vector<std::string>& paths, const persona::Options& options) {
  // The walker of `spar run`, but lint also checks the personas, and an empty folder is fine.
  auto files = discover_lua_files(
      paths, Discovery{.skip_personas = false, .require_some = false, .missing = "no such file or folder"});
  if (!files.ok()) return files.error();
  LintReport report;
  for (const auto& f : *files) {
    auto kind = persona::Session::script_kind(f);
    if (!kind.ok()) {
      report.problems.push_back(kind.error().message);
      continue;
    }
    if (*kind == "persona") {
      ++report.personas;
      continue;
    }
    ++report.scenarios;
    auto session = persona::Session::open(f, options);
    if (!session.ok()) {
      report.problems.push_back(session.error().message);
      continue;
    }
    for (auto& p : (*session)->lint()) report.problems.push_back(std::move(p));
    for (auto& p : dry_run(f, options)) report.problems.push_back(std::move(p));
  }
  return report;
}

}  // namespace spar::run
