// SseParser and ChatStream: chunk boundaries, line endings, comments, [DONE], tool calls,
// usage, barge-in, garbage.
#include <doctest/doctest.h>

#include <random>

#include "agent/openai_wire.h"
#include "agent/sse.h"

using namespace spar::agent;
using spar::Status;

namespace {

std::vector<SseEvent> parse_in_pieces(std::string_view text, size_t cut_a, size_t cut_b) {
  SseParser p;
  std::vector<SseEvent> out;
  REQUIRE(p.feed(text.substr(0, cut_a), out).ok());
  REQUIRE(p.feed(text.substr(cut_a, cut_b - cut_a), out).ok());
  REQUIRE(p.feed(text.substr(cut_b), out).ok());
  REQUIRE(p.finish(out).ok());
  return out;
}

std::string chunk(const json& delta, const json& extra = json::object()) {
  json c = {{"object", "chat.completion.chunk"}, {"choices", {{{"index", 0}, {"delta", delta}}}}};
  c.update(extra);
  return "data: " + c.dump() + "\n\n";
}

// An OpenAI stream: role, text in pieces, two tool calls in deltas, usage, [DONE].
std::string sample_stream() {
  std::string s = ": keep-alive comment\n\n";
  s += chunk({{"role", "assistant"}, {"content", ""}});
  s += chunk({{"content", "Hello"}});
  s += chunk({{"content", ", wörld"}});
  s += chunk({{"tool_calls", {{{"index", 0}, {"id", "call_a"}, {"type", "function"},
                               {"function", {{"name", "lookup"}, {"arguments", ""}}}}}}});
  s += chunk({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", "{\"id\":"}}}}}}});
  s += chunk({{"tool_calls", {{{"index", 1}, {"id", "call_b"}, {"function", {{"name", "pause"}, {"arguments", "{}"}}}}}}});
  s += chunk({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", "\"7\"}"}}}}}}});
  s += "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":9}}\n\n";
  s += "data: [DONE]\n\n";
  return s;
}

void check_sample_reply(const Reply& r) {
  CHECK(r.text == "Hello, wörld");
  REQUIRE(r.tool_calls.size() == 2);
  CHECK(r.tool_calls[0].id == "call_a");
  CHECK(r.tool_calls[0].name == "lookup");
  CHECK(r.tool_calls[0].arguments == "{\"id\":\"7\"}");
  CHECK(r.tool_calls[1].id == "call_b");
  CHECK(r.tool_calls[1].name == "pause");
  CHECK(r.usage.prompt_tokens == 30);
  CHECK(r.usage.completion_tokens == 9);
  CHECK_FALSE(r.truncated);
}

}  // namespace

TEST_CASE("agent sse: events, multi-line data, comments, fields") {
  std::string text =
      ": comment\n"
      "event: delta\n"
      "data: one\n"
      "data:two\n"
      "id: 7\n"
      "retry: 100\n"
      "\n"
      "data\n"
      "\n"
      "unknown: x\n"
      "\n"
      "data: last";  // no terminator: finish() still delivers it
  auto events = parse_in_pieces(text, 0, 0);
  REQUIRE(events.size() == 3);
  CHECK(events[0].type == "delta");
  CHECK(events[0].data == "one\ntwo");
  CHECK(events[1].type.empty());
  CHECK(events[1].data.empty());
  CHECK(events[2].data == "last");
}

TEST_CASE("agent sse: every line ending and every chunk boundary") {
  std::string lf = "\xEF\xBB\xBF" "data: a\n\ndata: b\ndata: c\n\n: x\ndata: d\n\n";
  for (std::string eol : {"\n", "\r\n", "\r"}) {
    std::string text;
    for (char c : lf) text += c == '\n' ? eol : std::string(1, c);
    for (size_t a = 0; a <= text.size(); ++a) {
      for (size_t b = a; b <= text.size(); b += 3) {
        auto events = parse_in_pieces(text, a, b);
        REQUIRE(events.size() == 3);
        CHECK(events[0].data == "a");
        CHECK(events[1].data == "b\nc");
        CHECK(events[2].data == "d");
      }
    }
  }
}

TEST_CASE("agent sse: overlong line is an error, and stays one") {
  SseParser p(16);
  std::vector<SseEvent> out;
  CHECK(p.feed("data: 0123456789", out).ok());
  auto s = p.feed("0123456789", out);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == spar::ErrorKind::protocol);
  CHECK_FALSE(p.feed("\n\n", out).ok());
}

TEST_CASE("agent chat stream: whole stream at every single split point") {
  std::string text = sample_stream();
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    ChatStream s;
    REQUIRE(s.feed(std::string_view(text).substr(0, cut)).ok());
    REQUIRE(s.feed(std::string_view(text).substr(cut)).ok());
    CHECK(s.finished());
    auto r = s.finish();
    REQUIRE(r.ok());
    check_sample_reply(*r);
  }
  // One byte at a time, with CRLF line endings.
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  ChatStream s;
  for (char c : crlf) REQUIRE(s.feed(std::string_view(&c, 1)).ok());
  auto r = s.finish();
  REQUIRE(r.ok());
  check_sample_reply(*r);
}

TEST_CASE("agent chat stream: barge-in keeps exactly the first N characters") {
  std::string text = chunk({{"content", "Hello"}}) + chunk({{"content", ", wörld"}}) +
                     chunk({{"content", " and more"}}) + "data: [DONE]\n\n";
  std::string full = "Hello, wörld and more";
  for (int n : {0, 3, 5, 6, 9, 10, 20}) {
    ChatStream s(n);
    REQUIRE(s.feed(text).ok());
    CHECK(s.cut());
    auto r = s.finish();
    REQUIRE(r.ok());
    CHECK(r->truncated);
    CHECK(utf8_length(r->text) == static_cast<size_t>(n));
    CHECK(full.compare(0, r->text.size(), r->text) == 0);
    CHECK(r->tool_calls.empty());
  }
  ChatStream exact(21);  // the whole reply is exactly N characters: not cut
  REQUIRE(exact.feed(text).ok());
  auto r = exact.finish();
  REQUIRE(r.ok());
  CHECK_FALSE(r->truncated);
  CHECK(r->text == full);
}

TEST_CASE("agent chat stream: errors") {
  auto fails = [](const std::string& text) {
    ChatStream s;
    Status fed = s.feed(text);
    auto r = s.finish();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == spar::ErrorKind::protocol);
    if (!fed.ok()) CHECK(fed.error().message == r.error().message);
    return r.error().message;
  };
  CHECK(fails("data: {nope\n\n") == "malformed stream chunk: {nope");
  CHECK(fails(chunk({{"content", "hi"}})) == "event stream ended without [DONE]");
  CHECK(fails("") == "empty event stream (expected data: lines)");
  CHECK(fails("data: {\"error\":{\"message\":\"overloaded\"}}\n\n") == "agent stream error: overloaded");
  CHECK(fails(chunk({{"content", 5}})) == "stream delta content is not a string");
  CHECK(fails(chunk({{"tool_calls", 1}})) == "stream delta tool_calls is not an array");
  CHECK(fails(chunk({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", "{}"}}}}}}}) + "data: [DONE]\n\n") ==
        "stream tool call without a function name");
}

TEST_CASE("agent chat stream: a plain JSON body is accepted") {
  ChatStream s;
  REQUIRE(s.feed(R"({"choices":[{"message":{"content":"plain"}}]})").ok());
  auto r = s.finish();
  REQUIRE(r.ok());
  CHECK(r->text == "plain");
}

TEST_CASE("agent chat stream: random garbage never crashes") {
  std::mt19937 rng(1234);
  std::string base = sample_stream();
  for (int round = 0; round < 300; ++round) {
    std::string text = base;
    for (int k = 0; k < 5; ++k) text[rng() % text.size()] = static_cast<char>(rng() % 256);
    ChatStream s(round % 3 == 0 ? static_cast<int>(rng() % 20) : -1);
    size_t pos = 0;
    while (pos < text.size()) {
      size_t n = 1 + rng() % 40;
      (void)s.feed(std::string_view(text).substr(pos, n));
      pos += n;
    }
    (void)s.finish();
  }
}

TEST_CASE("ChatStream: the fast path for common chunks agrees with the JSON tree on every shape") {
  // Each body is one event stream; the fast path (simdjson, no tree) must give the same reply
  // or the same error as the tree path, including on shapes it hands over to the tree.
  const std::vector<std::string> chunks = {
      R"({"choices":[{"index":0,"delta":{"content":"Hi there"}}]})",
      R"({"choices":[{"delta":{"role":"assistant","content":""}}],"id":"x","created":1})",
      R"({"choices":[{"delta":{"content":null}}]})",
      R"({"choices":[{"delta":null}]})",
      R"({"choices":[{"delta":{}}],"usage":null})",
      R"({"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7}})",
      R"({"usage":{"prompt_tokens":"12","completion_tokens":7.5}})",
      R"({"usage":{"prompt_tokens":[1],"completion_tokens":{"a":1}}})",
      R"({"usage":[{"prompt_tokens":3}]})",
      R"({"usage":{"prompt_tokens":1},"usage":{"completion_tokens":2}})",
      R"({"choices":"none"})",
      R"({"choices":[{"delta":{"content":"a"}},{"delta":{"content":"ignored"}}]})",
      R"({"choices":[7]})",
      R"({"choices":[[1]]})",
      R"({"choices":[{"delta":"text"}]})",
      R"({"choices":[{"delta":{"content":42}}]})",
      R"({"choices":[{"delta":{"content":{"text":"x"}}}]})",
      R"({"choices":[{"delta":{"content":"a","content":"b"}}]})",
      R"({"choices":[{"delta":{"content":"x","tool_calls":null}}]})",
      R"({"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":"{}"}}]}}]})",
      R"({"error":null,"choices":[{"delta":{"content":"x"}}]})",
      R"({"error":{"message":"overloaded"}})",
      R"({"choices":[{"delta":{"content":"unterminated)",
      R"([1,2])",
      R"("just a string")",
      R"({"choices":[{"delta":{"content":"x"}}]} trailing)",
      R"({"choices":[{"finish_reason":"stop","delta":{"content":"\u00e9t\u00e9 \ud83d\ude00"}}]})",
      R"({"nested":{"choices":[{"delta":{"content":"not this one"}}]},"choices":[{"delta":{"content":"this"}}]})",
      R"({"usage":{"prompt_tokens":18446744073709551615,"completion_tokens":-0}})",
      R"({"usage":{"prompt_tokens":99999999999999999999,"completion_tokens":1e400}})",
      R"({"us\u0061ge":{"prompt_tokens":5},"choices":[{"delta":{"cont\u0065nt":"escaped keys"}}]})",
      R"({"choices":[{"delta":{"content":"lone \udc00"}}]})",
      R"({"choices":[{"delta":{"content":"pair \ud83d\ude00 and nul \u0000"}}]})",
      "{\"choices\":[{\"delta\":{\"content\":\"bad \xff byte\"}}]}",
      "{\"choices\":[{\"delta\":{\"content\":\"raw control \x01\"}}]}",
      "\xEF\xBB\xBF{\"choices\":[{\"delta\":{\"content\":\"after a BOM\"}}]}",
      std::string("{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}") + '\0' + "{}",
      std::string(70000, ' ') + R"({"choices":[{"delta":{"content":"big"}}]})",
  };
  for (int cut : {-1, 3}) {
    for (const std::string& c : chunks) {
      CAPTURE(c);
      CAPTURE(cut);
      std::string body = "data: {\"choices\":[{\"delta\":{\"content\":\"Hello \"}}]}\n\ndata: " + c +
                         "\n\ndata: [DONE]\n\n";
      ChatStream fast(cut), tree(cut, /*tree_only=*/true);
      Status fast_fed = fast.feed(body);
      Status tree_fed = tree.feed(body);
      CHECK(fast_fed.ok() == tree_fed.ok());
      auto a = fast.finish();
      auto b = tree.finish();
      REQUIRE(a.ok() == b.ok());
      if (!a.ok()) {
        CHECK(a.error().message == b.error().message);
        continue;
      }
      CHECK(a->text == b->text);
      CHECK(a->truncated == b->truncated);
      CHECK(a->usage.prompt_tokens == b->usage.prompt_tokens);
      CHECK(a->usage.completion_tokens == b->usage.completion_tokens);
      REQUIRE(a->tool_calls.size() == b->tool_calls.size());
      for (size_t i = 0; i < a->tool_calls.size(); ++i) {
        CHECK(a->tool_calls[i].name == b->tool_calls[i].name);
        CHECK(a->tool_calls[i].arguments == b->tool_calls[i].arguments);
      }
    }
  }
}
