// spar import: OpenAI-style messages to record transcripts, and --to-scenario's Lua, loaded back
// through the real sandbox.
#include <doctest/doctest.h>

#include "persona/runtime.h"
#include "importer/import.h"
#include "importer/to_scenario.h"
#include "support.h"

using spar::importer::json;
namespace importer = spar::importer;

namespace {

json call(const std::string& id, const std::string& name, json arguments) {
  return {{"id", id}, {"type", "function"}, {"function", {{"name", name}, {"arguments", std::move(arguments)}}}};
}

std::string error_of(const json& messages) {
  auto t = importer::transcript_of(messages);
  REQUIRE_FALSE(t.ok());
  return t.error().message;
}

}  // namespace

TEST_CASE("transcript_of: turns by user messages, tool calls as JSON text, legacy messages") {
  json messages = json::array({
      {{"role", "developer"}, {"content", "Be brief."}},
      {{"role", "user"}, {"content", json::array({{{"type", "text"}, {"text", "Hi"}}, {{"type", "image_url"}}})}},
      {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", json::array({call("c1", "lookup", json{{"id", 7}}),
                                                                               call("", "find", "{\"q\":\"x\"}")})}},
      {{"role", "tool"}, {"tool_call_id", "c1"}, {"content", "{}"}},
      {{"role", "function"}, {"content", "found"}},
      {{"role", "assistant"}, {"content", "Done."}},
      {{"role", "user"}, {"content", "Thanks"}},
  });
  int turns = 0, calls = 0, assistant = 0;
  auto t = importer::transcript_of(messages, &turns, &calls, &assistant);
  REQUIRE(t.ok());
  CHECK(turns == 2);
  CHECK(calls == 2);
  CHECK(assistant == 2);
  const json& e = *t;
  CHECK(e[0] == json{{"turn", 0}, {"role", "system"}, {"content", "Be brief."}});
  CHECK(e[1]["content"] == "Hi\n[image_url]");
  CHECK(e[2]["content"] == "");
  CHECK(e[2]["tool_calls"] == json::array({{{"id", "c1"}, {"name", "lookup"}, {"arguments", "{\"id\":7}"}},
                                           {{"id", "call_2"}, {"name", "find"}, {"arguments", "{\"q\":\"x\"}"}}}));
  CHECK(e[3]["name"] == "lookup");
  // A legacy function message answers the oldest unanswered call.
  CHECK(e[4] == json{{"turn", 1}, {"role", "tool"}, {"content", "found"}, {"tool_call_id", "call_2"}, {"name", "find"}});
  CHECK(e[6]["turn"] == 2);
}

TEST_CASE("transcript_of: a message that cannot be read is an error naming it") {
  CHECK(error_of(json::array({1})) == "messages[0]: a message is a JSON object {\"role\", \"content\"}");
  CHECK(error_of(json::array({{{"content", "x"}}})) == "messages[0]: no \"role\"");
  CHECK(error_of(json::array({{{"role", "user"}, {"content", "x"}}, {{"role", "robot"}}})) ==
        "messages[1]: unknown role 'robot' (expected system, user, assistant or tool)");
  CHECK(error_of(json::array({{{"role", "user"}, {"content", json::array({{{"type", "text"}}})}}})) ==
        "messages[0]: a text part has no \"text\"");
  CHECK(error_of(json::array({{{"role", "assistant"}, {"tool_calls", json::object()}}})) ==
        "messages[0]: \"tool_calls\" is not a list");
  CHECK(error_of(json::array({{{"role", "assistant"}, {"tool_calls", json::array({call("a", "f", 5)})}}})) ==
        "messages[0]: tool call arguments are not JSON text or an object");
}

TEST_CASE("parse_call_pin: a tool, optionally with a JSON object of arguments") {
  auto bare = importer::parse_call_pin("cancel_order", "--forbid-call");
  REQUIRE(bare.ok());
  CHECK(bare->tool == "cancel_order");
  CHECK(bare->args.is_null());
  auto with = importer::parse_call_pin("cancel_order {\"id\": \"A-1\"}", "--expect-call");
  REQUIRE(with.ok());
  CHECK(with->args == json{{"id", "A-1"}});
  CHECK(importer::parse_call_pin("cancel_order [1]", "--expect-call").error().message ==
        "--expect-call: the arguments of 'cancel_order' are not a JSON object: [1]");
  CHECK(importer::parse_call_pin("", "--expect-call").error().message ==
        "--expect-call: expected 'TOOL' or 'TOOL {json arguments}', got ''");
  CHECK(importer::parse_call_pin("rm;ls", "--forbid-call").error().message ==
        "--forbid-call: bad tool name 'rm;ls' (letters, digits, '_' and '-')");
}

TEST_CASE("to_scenario: the Lua reads back the recorded text, replays results and pins the goal") {
  spar::test::TempDir dir;
  importer::SourceConversation c;
  c.file = "log.jsonl";
  c.position = 1;
  c.id = "c-1";
  // Text that could end a Lua string early or change in a long bracket: ]], ]=], CR, quotes.
  std::string system = "Rules ]] and ]=] \"q\" \\ end\r\nsecond\x01 line ]";
  c.messages = json::array({
      {{"role", "system"}, {"content", system}},
      {{"role", "user"}, {"content", "first\nsecond ]]"}},
      {{"role", "assistant"}, {"tool_calls", json::array({call("a", "refund", json{{"order", "A-1"}, {"end", 2}})})}},
      {{"role", "tool"}, {"tool_call_id", "a"}, {"content", "{\"ok\":true,\"amount\":10}"}},
      {{"role", "assistant"}, {"content", "Refunded A-1."}},
  });
  importer::ImportOptions options;
  importer::ScenarioPins pins;
  pins.expect.push_back({"refund", json{{"order", "A-2"}}});
  pins.forbid.push_back({"refund", json{{"order", "A-1"}}});
  auto text = importer::to_scenario(c, options, "regress/refund", pins);
  REQUIRE(text.ok());
  spar::test::write_file("s.lua", *text);
  spar::persona::Options popts;
  auto session = spar::persona::Session::open("s.lua", popts);
  REQUIRE_MESSAGE(session.ok(), (session.ok() ? "" : session.error().message));
  auto& s = **session;
  CHECK(s.info().system == system);
  CHECK(s.info().tools.size() == 1);
  CHECK(s.info().policies == 1);
  auto recorded = s.call_tool("refund", "{\"order\":\"A-1\",\"end\":2}");
  CHECK_FALSE(recorded.error);
  CHECK(recorded.result == json{{"ok", true}, {"amount", 10}});
  CHECK(s.call_tool("refund", "{\"end\":2,\"order\":\"A-1\"}").result == recorded.result);  // again: the last one
  CHECK(s.call_tool("refund", "{\"order\":\"A-3\",\"end\":1}").result ==
        json{{"ok", false}, {"error", "no recorded result for refund with these arguments"}});
  auto goal = s.goal();
  REQUIRE(goal.ok());
  CHECK_FALSE(*goal);
  CHECK(s.call_tool("refund", "{\"order\":\"A-2\",\"end\":5}").result == json{{"ok", true}});
  goal = s.goal();
  REQUIRE(goal.ok());
  CHECK(*goal);
  auto problems = s.lint();
  CHECK(problems.empty());
}

TEST_CASE("to_scenario: nothing pinned is refused") {
  importer::SourceConversation c;
  c.file = "log.jsonl";
  c.position = 4;
  c.id = "x";
  c.messages = json::array({{{"role", "user"}, {"content", "hi"}}});
  auto text = importer::to_scenario(c, importer::ImportOptions{}, "x", importer::ScenarioPins{});
  REQUIRE_FALSE(text.ok());
  CHECK(text.error().message == "log.jsonl:4: nothing to pin: the source has no gold actions; give --expect-call or --forbid-call");
}
