// Records and files that cannot crash spar: JSON nested past the stack, huge and torn lines,
// a full disk, and judge replies of any shape.
#include <doctest/doctest.h>

#include <string>

#include "agent/fake.h"
#include "base/json_depth.h"
#include "conversation/conversation.h"
#include "conversation/judge.h"
#include "report/report.h"
#include "report/results.h"
#include "report/terminal.h"
#include "support.h"
#include "scored.h"

using namespace spar;
using spar::test::TempDir;
using spar::test::write_file;
using json = nlohmann::json;

namespace {
const std::string kGood1 = R"({"scenario":"a","trial":1,"status":"completed","pass":true})";
const std::string kGood2 = R"({"scenario":"a","trial":2,"status":"completed","pass":false})";
std::string deep(size_t levels) {
  return R"({"scenario":"a","trial":3,"x":)" + std::string(levels, '[') + std::string(levels, ']') + "}";
}
}  // namespace

TEST_CASE("run safety: the depth scan counts brackets outside strings only") {
  CHECK_FALSE(json_nests_deeper_than(R"({"a":[1,{"b":[]}]})", 4));
  CHECK(json_nests_deeper_than(R"({"a":[1,{"b":[]}]})", 3));
  CHECK_FALSE(json_nests_deeper_than(R"({"a":"[[[[[[\"[[[["})", 1));
  CHECK_FALSE(json_nests_deeper_than(R"(["\\",[]])", 2));
  CHECK(json_nests_deeper_than(std::string(100000, '['), kMaxJsonDepth));
  CHECK(parse_json_bounded(deep(200000)).is_discarded());
  CHECK(parse_json_bounded(deep(kMaxJsonDepth - 1)).is_object());
}

TEST_CASE("run safety: a record nested 200,000 deep is an input error naming its line, not a stack overflow") {
  std::string content = kGood1 + "\n" + deep(200000) + "\n" + kGood2 + "\n";
  auto read = report::parse_results(content, "r.jsonl");
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().kind == spar::ErrorKind::input);
  CHECK(read.error().message == "r.jsonl:2: malformed record: nested deeper than 512 levels");

  TempDir dir;
  write_file("run/results.jsonl", content);
  auto summary = report::write_report("run");
  REQUIRE_FALSE(summary.ok());
  CHECK(summary.error().message == "run/results.jsonl:2: malformed record: nested deeper than 512 levels");
}

TEST_CASE("run safety: a huge line is read, a torn last line is dropped") {
  json big = json::parse(kGood2);
  big["transcript"] = json::array({{{"turn", 1}, {"role", "user"}, {"content", std::string(32u << 20, 'x')}}});
  std::string content = kGood1 + "\n" + big.dump() + "\n" + R"({"scenario":"a","trial":3,"status":"comp)";
  auto read = report::parse_results(content, "r.jsonl");
  REQUIRE(read.ok());
  CHECK(read->records.size() == 2);
  CHECK(read->dropped_torn_line);
  CHECK(read->records[1]["transcript"][0]["content"].get_ref<const std::string&>().size() == (32u << 20));
}

TEST_CASE("run safety: a run.json or summary.json nested too deep is not JSON to spar") {
  TempDir dir;
  write_file("run/results.jsonl", kGood1 + "\n" + kGood2 + "\n");
  write_file("run/run.json", std::string(300000, '[') + std::string(300000, ']'));
  CHECK(report::read_json_file("run/run.json").is_discarded());
  CHECK(report::read_json_file("run/nothing.json").is_null());
  auto summary = report::write_report("run");  // the run's price and details are ignored, not fatal
  REQUIRE(summary.ok());
  CHECK(summary->value("completed", 0) == 2);
}

TEST_CASE("run safety: the first failed results write is final and names the reason") {
  auto writer = report::ResultsWriter::open("/dev/full", /*truncate=*/false);
  REQUIRE(writer.ok());
  auto st = (*writer)->append(json::parse(kGood1));
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().kind == spar::ErrorKind::io);
  CHECK(st.error().message == "/dev/full: No space left on device");
  auto again = (*writer)->append(json::parse(kGood2));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message == st.error().message);
}

TEST_CASE("run safety: write_file_atomic names the reason of a failed flush") {
  TempDir dir;
  std::filesystem::create_symlink("/dev/full", "summary.json.tmp");
  auto st = report::write_file_atomic("summary.json", "{}\n");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "summary.json: No space left on device");
  CHECK_FALSE(std::filesystem::exists("summary.json"));
}

TEST_CASE("run safety: a judge reply of any shape is a judgement or an error, never an exception") {
  auto odd = conversation::parse_judgement(R"({"score": 0.5, "reason": {"nested": [1, 2]}})");
  REQUIRE(odd.ok());
  CHECK(odd.value()["reason"] == "");
  auto deep_reply = conversation::parse_judgement(R"({"score": 0.5, "reason": )" + std::string(100000, '[') +
                                                  std::string(100000, ']') + "}");
  REQUIRE_FALSE(deep_reply.ok());
  CHECK(deep_reply.error().kind == spar::ErrorKind::judge);
}

TEST_CASE("run safety: control characters are escaped for the terminal, other text is kept") {
  CHECK(report::printable("plain, ünïcödé and \\ stay") == "plain, ünïcödé and \\ stay");
  CHECK(report::printable("\x1b]0;pwned\x07") == "\\x1b]0;pwned\\x07");
  CHECK(report::printable("a\rb\nc\td\x7f") == "a\\x0db\\x0ac\\x09d\\x7f");
  CHECK(report::printable(std::string("nul\0!", 5)) == "nul\\x00!");
  CHECK(report::printable("csi \xc2\x9b" "2J, nbsp \xc2\xa0") == "csi \\u009b2J, nbsp \xc2\xa0");
  CHECK(report::printable("cut \xc2") == "cut \xc2");
}

namespace {
const char* kTinyScenario = R"(return scenario {
  id = "shop/tiny",
  system = "You are a support agent.",
  state = { n = 0 },
  tools = { noop = { description = "Does nothing.", parameters = { type = "object" },
                     run = function(state, args) return { ok = true } end } },
  goal = function(state) return true end,
  max_turns = 2,
  persona = persona { run = function(u, facts) u:say("hello") u:say("bye") end },
}
)";

// Plays kTinyScenario (in s.lua) with run id "r1d" against a fake agent; returns the record.
json play_tiny(agent::FakeAgent::Responder responder, std::vector<agent::Request>* seen = nullptr) {
  agent::Loop loop;
  agent::FakeAgent fake(loop, std::move(responder));
  json record;
  conversation::Plan plan{"s.lua", "shop/tiny", 2, 0x63, "r1d"};
  conversation::Conversation conv(plan, {}, fake, [&](record::Record r, json j) { record = test::scored(std::move(r), j, "s.lua"); });
  loop.post([&] { conv.start(); });
  loop.run();
  if (seen) *seen = fake.requests();
  return record;
}
}  // namespace

TEST_CASE("run safety: session ids carry the run id, and the record names it") {
  TempDir dir;
  write_file("s.lua", kTinyScenario);
  std::vector<agent::Request> seen;
  json rec = play_tiny([](const agent::Request&) -> Result<agent::Reply> { return agent::Reply{"ok"}; }, &seen);
  REQUIRE(rec["error"].is_null());
  CHECK(rec["run_id"] == "r1d");
  REQUIRE(seen.size() == 2);
  for (const auto& r : seen) CHECK(r.session_id == "shop/tiny#2-63-r1d");
}

TEST_CASE("run safety: tool-call arguments nested 200,000 deep end as {} for policies, not a stack overflow") {
  TempDir dir;
  write_file("s.lua", kTinyScenario);
  std::string arguments = R"({"x":)" + std::string(200000, '[') + std::string(200000, ']') + "}";
  int calls = 0;
  json rec = play_tiny([&](const agent::Request&) -> Result<agent::Reply> {
    agent::Reply r;
    if (calls++ == 0) {
      r.tool_calls.push_back({"call_1", "no_such_tool", arguments});  // an unknown tool: the persona reads no args
    } else {
      r.text = "done";
    }
    return r;
  });
  REQUIRE(rec["error"].is_null());
  CHECK(rec["usage"]["tool_calls"] == 1);
  CHECK(rec["transcript"][1]["tool_calls"][0]["arguments"] == arguments);  // the record keeps the text
}
