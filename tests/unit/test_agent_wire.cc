// OpenAI wire format: request building and response parsing.
#include <doctest/doctest.h>

#include "agent/internal.h"
#include "agent/openai_wire.h"

using namespace spar::agent;

namespace {
Request sample_request() {
  Request r;
  r.session_id = "s-1";
  r.seed = 42;
  r.messages.push_back({"system", "Be brief.", {}, "", ""});
  r.messages.push_back({"user", "Cancel 88231", {}, "", ""});
  r.messages.push_back({"assistant", "", {{"call_1", "lookup", R"({"id":"88231"})"}}, "", ""});
  r.messages.push_back({"tool", R"({"ok":true})", {}, "call_1", "lookup"});
  r.messages.push_back({"assistant", "Done.", {}, "", ""});
  r.tools.push_back({"lookup", "Find an account", json::parse(R"({"type":"object","properties":{"id":{"type":"string"}}})")});
  return r;
}
}  // namespace

TEST_CASE("agent wire: build_chat_request exact JSON") {
  json body = build_chat_request(sample_request(), "gpt-x", false);
  json expected = json::parse(R"({
    "model": "gpt-x",
    "messages": [
      {"role": "system", "content": "Be brief."},
      {"role": "user", "content": "Cancel 88231"},
      {"role": "assistant", "content": null,
       "tool_calls": [{"id": "call_1", "type": "function",
                       "function": {"name": "lookup", "arguments": "{\"id\":\"88231\"}"}}]},
      {"role": "tool", "content": "{\"ok\":true}", "tool_call_id": "call_1"},
      {"role": "assistant", "content": "Done."}
    ],
    "tools": [{"type": "function", "function": {"name": "lookup", "description": "Find an account",
               "parameters": {"type": "object", "properties": {"id": {"type": "string"}}}}}],
    "seed": 42,
    "user": "s-1",
    "stream": false
  })");
  CHECK(body == expected);

  json streamed = build_chat_request(sample_request(), "gpt-x", true);
  CHECK(streamed["stream"] == true);
  CHECK(streamed["stream_options"] == json({{"include_usage", true}}));

  Request bare;
  bare.messages.push_back({"user", "hi", {}, "", ""});
  CHECK_FALSE(build_chat_request(bare, "m", false).contains("tools"));
}

TEST_CASE("agent wire: dump_json survives invalid UTF-8") {
  json j = {{"content", std::string("caf\xC3", 4)}};
  std::string s = dump_json(j);
  CHECK(s == "{\"content\":\"caf\xEF\xBF\xBD\"}");
}

TEST_CASE("agent wire: parse_chat_response") {
  auto r = parse_chat_response(std::string_view(R"({"choices":[{"message":{"role":"assistant","content":"Hi there",
      "tool_calls":[{"id":"c1","type":"function","function":{"name":"pause","arguments":"{\"months\":1}"}},
                    {"type":"function","function":{"name":"verify","arguments":{"zip":"19122"}}}]}}],
      "usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}})"));
  REQUIRE(r.ok());
  CHECK(r->text == "Hi there");
  REQUIRE(r->tool_calls.size() == 2);
  CHECK(r->tool_calls[0].id == "c1");
  CHECK(r->tool_calls[0].name == "pause");
  CHECK(r->tool_calls[0].arguments == R"({"months":1})");
  CHECK(r->tool_calls[1].id == "call_1");
  CHECK(r->tool_calls[1].arguments == R"({"zip":"19122"})");
  CHECK(r->usage.prompt_tokens == 12);
  CHECK(r->usage.completion_tokens == 7);
  CHECK_FALSE(r->truncated);

  auto null_content = parse_chat_response(std::string_view(R"({"choices":[{"message":{"content":null}}]})"));
  REQUIRE(null_content.ok());
  CHECK(null_content->text.empty());

  auto err = [](std::string_view body) {
    auto x = parse_chat_response(body);
    REQUIRE_FALSE(x.ok());
    CHECK(x.error().kind == "protocol");
    return x.error().message;
  };
  CHECK(err("not json") == "reply is not valid JSON: not json");
  CHECK(err("[1,2]") == "reply is not a JSON object");
  CHECK(err("{}") == "reply has no choices");
  CHECK(err(R"({"choices":[]})") == "reply has no choices");
  CHECK(err(R"({"choices":[1]})") == "reply choices[0] has no message");
  CHECK(err(R"({"choices":[{"message":{"content":5}}]})") == "reply message content is number, expected a string");
  CHECK(err(R"({"choices":[{"message":{"tool_calls":{}}}]})") == "reply tool_calls is not an array");
  CHECK(err(R"({"choices":[{"message":{"tool_calls":[{"function":{}}]}}]})") == "reply tool_calls[0] has no function name");
  CHECK(err(R"({"error":{"message":"model overloaded"}})") == "agent returned an error: model overloaded");
}

TEST_CASE("agent wire: utf8 helpers") {
  CHECK(utf8_length("héllo") == 5);
  CHECK(utf8_prefix_bytes("héllo", 2) == 3);
  CHECK(utf8_prefix_bytes("abc", 10) == 3);
  CHECK(utf8_prefix_bytes("abc", 0) == 0);
}

TEST_CASE("agent internal: message helpers") {
  using namespace spar::agent::internal;
  CHECK(one_line("  a\nb\r\n  ") == "a b");
  CHECK(one_line("abcdef", 3) == "abc...");
  CHECK(redact("key sk-1 and sk-1 again", "sk-1") == "key *** and *** again");
  CHECK(redact("nothing", "") == "nothing");
  CHECK(redact_url("https://user:pw@host:8/v1?x=@") == "https://***@host:8/v1?x=@");
  CHECK(redact_url("http://127.0.0.1:1/v1") == "http://127.0.0.1:1/v1");
}
