// OpenAI wire format: request building and response parsing.
#include <doctest/doctest.h>

#include <random>

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
    CHECK(x.error().kind == spar::ErrorKind::protocol);
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

TEST_CASE("wire: the direct request body is byte for byte the tree's dump") {
  // chat_request_body writes the history straight to text; it must equal what nlohmann writes
  // for build_chat_request, whatever the strings hold (escapes, control bytes, UTF-8, broken
  // UTF-8) and whatever the extra members are.
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {"plain", " ", "\"", "\\", "\n", "\r\n", "\t", "\x01", "\x1f",
                                           "\x7f", "é", "日本", "😀", "\xff", "\xc3", "/", "</script>", ""};
  auto random_text = [&] {
    std::string s;
    int n = static_cast<int>(rng() % 6);
    for (int i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
    return s;
  };
  for (int round = 0; round < 300; ++round) {
    Request r;
    r.session_id = random_text();
    r.seed = rng();
    int n = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) {
      Message m;
      switch (rng() % 4) {
        case 0: m.role = "system"; break;
        case 1: m.role = "user"; break;
        case 2: m.role = "assistant"; break;
        default: m.role = "tool"; m.tool_call_id = random_text(); m.name = "lookup"; break;
      }
      m.content = random_text();
      if (m.role == "assistant" && rng() % 3 == 0) m.tool_calls.push_back(ToolCall{"c1", "lookup", "{\"id\":1}"});
      r.messages.push_back(m);
    }
    if (rng() % 2) r.tools.push_back(ToolSpec{"lookup", random_text(), {{"type", "object"}}});
    json extra = json::object();
    if (rng() % 2) extra["temperature"] = 0.25;
    if (rng() % 2) extra["max_tokens"] = 100;
    if (rng() % 5 == 0) extra["zzz_last"] = random_text();
    bool stream = rng() % 2;
    CAPTURE(round);

    json tree = build_chat_request(r, "gpt-x" + random_text(), stream);
    std::string model = tree["model"].get<std::string>();
    for (auto& [k, v] : extra.items()) tree[k] = v;
    CHECK(chat_request_body(r, model, stream, extra) == dump_json(tree));
    CHECK(messages_json(r) == dump_json(to_openai_messages(r)));
  }
  std::string out = "x";
  append_json_string(out, "a\"b\\c\nd");
  CHECK(out == "x\"a\\\"b\\\\c\\nd\"");
}
