// `spar run --resume DIR`: run.json's "args" carry everything a run needs to finish as it
// started (run/runner.h run_args_json and options_from_run), with URL credentials masked.
#include <doctest/doctest.h>

#include "run/runner.h"
#include "support.h"

using namespace spar;
using spar::test::TempDir;
using spar::test::write_file;
using json = nlohmann::json;

namespace {
void write_run_json(const run::RunOptions& o) {
  write_file("out/run.json", json{{"args", run::run_args_json(o)}}.dump(2));
}
}  // namespace

TEST_CASE("resume: every argument of the run comes back from run.json") {
  TempDir dir;
  run::RunOptions o;
  o.paths = {"scenarios/a.lua", "more"};
  o.agent = "openai:model=m,base_url=http://127.0.0.1:9/v1";
  o.judge = "mock";
  o.judge_repeats = 3;
  o.trials = 4;
  o.seed = 99;
  o.conversation.checkpoints = {2, 5};
  o.conversation.max_tool_steps = 3;
  o.conversation.persona.personas_dir = "lib/personas";
  o.conversation.persona.limits.step_cpu_seconds = 0.25;
  o.conversation.persona.limits.memory_bytes = 8u << 20;
  o.factory.request_timeout_s = 7;
  o.factory.max_reply_bytes = 4096;
  o.history = "";  // --history "": the resumed run must not start appending to runs/history.db
  o.factory.retries = 5;
  o.factory.rps = 2.5;
  o.factory.tpm = 1000;
  o.factory.replay = "tape.jsonl";
  o.shard_index = 2;
  o.shard_count = 3;
  write_run_json(o);

  auto back = run::options_from_run("out", run::RunOptions{});
  REQUIRE(back.ok());
  CHECK(back->paths == o.paths);
  CHECK(back->agent == o.agent);
  CHECK(back->judge == "mock");
  CHECK(back->judge_repeats == 3);
  CHECK(back->trials == 4);
  CHECK(back->seed == 99);
  CHECK(back->conversation.checkpoints == std::vector<int>{2, 5});
  CHECK(back->conversation.max_tool_steps == 3);
  CHECK(back->conversation.persona.personas_dir == "lib/personas");
  CHECK(back->conversation.persona.limits.step_cpu_seconds == 0.25);
  CHECK(back->conversation.persona.limits.memory_bytes == (8u << 20));
  CHECK(back->factory.request_timeout_s == 7);
  CHECK(back->factory.max_reply_bytes == 4096);
  CHECK(back->history.empty());
  CHECK(back->factory.retries == 5);
  CHECK(back->factory.rps == 2.5);
  CHECK(back->factory.tpm == 1000);
  CHECK(back->factory.replay == "tape.jsonl");  // a replayed run resumed still opens no socket
  CHECK(back->factory.record.empty());
  CHECK(back->shard_index == 2);
  CHECK(back->shard_count == 3);

  // A flag given again with --resume wins over the recorded one.
  run::RunOptions given;
  given.factory.rps = 0.5;
  given.agent = "mock:latency_ms=1";
  auto overridden = run::options_from_run("out", given);
  REQUIRE(overridden.ok());
  CHECK(overridden->factory.rps == 0.5);
  CHECK(overridden->agent == "mock:latency_ms=1");
  CHECK(overridden->factory.retries == 5);
}

TEST_CASE("resume: URL credentials are not stored, and must be given again") {
  TempDir dir;
  run::RunOptions o;
  o.paths = {"s.lua"};
  o.agent = "http:url=https://bot:s3cret@agent.example/chat,reply=/text";
  json args = run::run_args_json(o);
  CHECK(args.dump().find("s3cret") == std::string::npos);
  write_run_json(o);

  auto back = run::options_from_run("out", run::RunOptions{});
  REQUIRE_FALSE(back.ok());
  CHECK(back.error().kind == spar::ErrorKind::input);
  CHECK(back.error().message.find("had URL credentials") != std::string::npos);

  run::RunOptions given;
  given.agent = o.agent;
  auto with_agent = run::options_from_run("out", given);
  REQUIRE(with_agent.ok());
  CHECK(with_agent->agent == o.agent);
}

TEST_CASE("resume: a run.json with wrongly typed args is an input error") {
  TempDir dir;
  write_file("out/run.json", R"({"args": {"paths": ["s.lua"], "rps": "fast"}})");
  auto back = run::options_from_run("out", run::RunOptions{});
  REQUIRE_FALSE(back.ok());
  CHECK(back.error().kind == spar::ErrorKind::input);
  CHECK(back.error().message.find("out/run.json") != std::string::npos);
}
