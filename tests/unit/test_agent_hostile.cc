// Hostile agents: replies nested too deep, replies too big (streamed or not, HTTP or exec), an
// exec agent that writes lines nobody asked for, and error bodies that echo the API key right
// where spar cuts them.
#include <doctest/doctest.h>
#include <httplib.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "agent/client.h"
#include "agent/internal.h"
#include "agent/openai_wire.h"
#include "agent/sse.h"
#include "test_agent_support.h"

using namespace spar::agent;
using spar::Result;
using spar::test::AgentTestServer;
using spar::test::chat_request;
using spar::test::error_of;
using spar::test::send_one;

namespace {

std::string nested(size_t depth, const std::string& inner = "1") {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

std::unique_ptr<AgentFactory> hostile_factory(const std::string& spec, size_t max_reply_bytes = kDefaultMaxReplyBytes) {
  FactoryOptions options;
  options.request_timeout_s = 60;
  options.retries = 0;
  options.max_reply_bytes = max_reply_bytes;
  return spar::test::make_factory(spec, options);
}

// A fresh folder for a test's files, removed with it.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "spar-hostile-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

}  // namespace

TEST_CASE("hostile: the JSON depth bound is 64 levels, counted without building a tree") {
  CHECK_FALSE(internal::json_too_deep(nested(64)));
  CHECK(internal::json_too_deep(nested(65)));
  CHECK(internal::json_too_deep(std::string(200000, '[')));  // unterminated, still too deep
  CHECK_FALSE(internal::json_too_deep("not json"));
  bool deep = false;
  CHECK(internal::parse_json(nested(200000), &deep).is_discarded());
  CHECK(deep);
  CHECK(internal::parse_json(nested(64), &deep) == internal::parse_json(nested(64)));
  CHECK_FALSE(deep);
}

TEST_CASE("hostile: a reply nested 200000 deep is a protocol error wherever the nesting is") {
  std::string deep = nested(200000);
  auto content = [&](const std::string& v) { return R"({"choices":[{"message":{"content":)" + v + "}}]}"; };
  std::vector<std::string> bodies = {
      deep,
      R"({"error":)" + deep + "}",
      R"({"error":{"message":)" + deep + "}}",
      content(deep),
      R"({"choices":[{"message":{"tool_calls":[{"function":{"name":"f","arguments":)" + deep + "}}]}}]}",
  };
  for (const std::string& body : bodies) {
    auto r = parse_chat_response(std::string_view(body));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == spar::ErrorKind::protocol);
    CHECK(r.error().message == "reply nests JSON deeper than 64 levels");
  }
  // Tool-call arguments are a string holding JSON: the conversation would parse them.
  json args_as_string = {{"choices", {{{"message", {{"tool_calls", {{{"function", {{"name", "f"}, {"arguments", deep}}}}}}}}}}}};
  auto r = parse_chat_response(std::string_view(args_as_string.dump()));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "the arguments of tool call 'f' nests JSON deeper than 64 levels");
  // At the bound, arguments pass.
  args_as_string["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] = nested(64);
  CHECK(parse_chat_response(std::string_view(args_as_string.dump())).ok());
}

TEST_CASE("hostile: streamed chunks and streamed tool arguments nested too deep") {
  for (bool tree_only : {false, true}) {
    ChatStream chunk(-1, tree_only);
    CHECK_FALSE(chunk.feed("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}],\"x\":" + nested(200000) + "}\n\n").ok());
    auto r = chunk.finish();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "stream chunk nests JSON deeper than 64 levels");

    // Each chunk is shallow; the arguments they add up to are not.
    ChatStream args(-1, tree_only);
    std::string half(40000, '[');
    for (int i = 0; i < 2; ++i) {
      json d = {{"choices", {{{"delta", {{"tool_calls", {{{"index", 0}, {"function", {{"name", i ? "" : "f"}, {"arguments", half}}}}}}}}}}}};
      REQUIRE(args.feed("data: " + d.dump() + "\n\n").ok());
    }
    REQUIRE(args.feed("data: [DONE]\n\n").ok());
    r = args.finish();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "the arguments of tool call 'f' nests JSON deeper than 64 levels");
  }
  // A plain JSON body in answer to a streaming request, too deep.
  ChatStream plain;
  CHECK(plain.feed(nested(5000)).ok());
  CHECK(plain.finish().error().message == "reply nests JSON deeper than 64 levels");
}

TEST_CASE("hostile: the http kind's reply value and an exec line nested too deep") {
  std::string deep = nested(200000);
  AgentTestServer server([&](httplib::Server& s) {
    s.Post("/chat", [&](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"reply":)" + deep + "}", "application/json");
    });
  });
  auto http = hostile_factory("http:url=" + server.url("/chat"));
  auto r = send_one(*http, chat_request("hi"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == spar::ErrorKind::protocol);
  CHECK(r.error().message.find("nests JSON deeper than 64 levels") != std::string::npos);

  TempDir dir;
  std::string agent = dir.write("deep.py",
                                "import sys\n"
                                "for line in sys.stdin:\n"
                                "    print('{\"content\": \"x\", \"extra\": ' + '[' * 200000 + ']' * 200000 + '}', flush=True)\n");
  auto exec = hostile_factory("exec:cmd=python3 " + agent);
  r = send_one(*exec, chat_request("hi"));
  REQUIRE_FALSE(r.ok());
  CHECK(error_of(r) == "protocol: exec agent reply nests JSON deeper than 64 levels");
}

TEST_CASE("hostile: one cap for every reply, streamed or not, aborting the transfer") {
  constexpr size_t kCap = 256u << 10;
  std::atomic<size_t> sent{0};
  // Streams text (or tool arguments) without end; stops only when spar hangs up.
  AgentTestServer server([&](httplib::Server& s) {
    s.Post("/v1/chat/completions", [&](const httplib::Request& req, httplib::Response& res) {
      bool tools = req.body.find("tool please") != std::string::npos;
      if (req.body.find("\"stream\":false") != std::string::npos) {
        res.set_content(spar::test::ok_completion(std::string(4 * kCap, 'x')), "application/json");
        return;
      }
      res.set_chunked_content_provider("text/event-stream", [&, tools](size_t, httplib::DataSink& sink) {
        json d = tools ? json{{"choices", {{{"delta", {{"tool_calls", {{{"index", 0}, {"function", {{"name", "f"}, {"arguments", std::string(8192, 'a')}}}}}}}}}}}}
                       : json{{"choices", {{{"delta", {{"content", std::string(8192, 'a')}}}}}}};
        std::string event = "data: " + d.dump() + "\n\n";
        for (int i = 0; i < 100000; ++i) {  // 800 MB if nobody stopped it
          if (!sink.write(event.data(), event.size())) return false;
          sent += event.size();
        }
        sink.done();
        return true;
      });
    });
  });
  for (std::string stream : {"1", "0"}) {
    for (std::string text : {"hi", "tool please"}) {
      CAPTURE(stream);
      CAPTURE(text);
      sent = 0;
      auto f = hostile_factory("openai:model=m,stream=" + stream + ",base_url=" + server.base_url(), kCap);
      auto r = send_one(*f, chat_request(text));
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().kind == spar::ErrorKind::protocol);
      CHECK(r.error().message ==
            "reply from " + server.base_url() + "/chat/completions is larger than 262144 bytes (--max-reply-bytes)");
      CHECK(sent.load() < 100000u * 8192u);  // the server was cut off, not read to its end
    }
  }
  // The same reply fits under the default cap.
  auto f = hostile_factory("openai:model=m,stream=0,base_url=" + server.base_url());
  CHECK(send_one(*f, chat_request("hi")).ok());
}

TEST_CASE("hostile: an exec line past the cap is a protocol error") {
  TempDir dir;
  std::string agent = dir.write("big.py",
                                "import sys\n"
                                "for line in sys.stdin:\n"
                                "    sys.stdout.write('{\"content\": \"' + 'x' * 3000000 + '\"}\\n'); sys.stdout.flush()\n");
  auto f = hostile_factory("exec:cmd=python3 " + agent, 1u << 20);
  auto r = send_one(*f, chat_request("hi"));
  REQUIRE_FALSE(r.ok());
  CHECK(error_of(r) == "protocol: exec agent sent a line longer than 1048576 bytes (--max-reply-bytes)");
  auto roomy = hostile_factory("exec:cmd=python3 " + agent);
  CHECK(send_one(*roomy, chat_request("hi")).ok());
}

TEST_CASE("hostile: an exec agent's extra lines are never another conversation's reply") {
  TempDir dir;
  // For "twice": its reply and a second line in one write. For "late": first a line echoing
  // the previous request's session, then its own reply (echoing the right session).
  std::string agent = dir.write("extra.py",
                                "import json, sys\n"
                                "last = None\n"
                                "for line in sys.stdin:\n"
                                "    req = json.loads(line)\n"
                                "    text = req['messages'][-1]['content']\n"
                                "    me = req['session_id']\n"
                                "    out = ''\n"
                                "    if text == 'late' and last:\n"
                                "        out += json.dumps({'session_id': last, 'content': 'stray for ' + last}) + '\\n'\n"
                                "    out += json.dumps({'session_id': me, 'content': 'for ' + me}) + '\\n'\n"
                                "    if text == 'twice':\n"
                                "        out += json.dumps({'content': 'stray after ' + me}) + '\\n'\n"
                                "    sys.stdout.write(out); sys.stdout.flush()\n"
                                "    last = me\n");
  auto f = hostile_factory("exec:cmd=python3 " + agent);
  Loop loop;
  auto client = f->make(loop);
  REQUIRE(client.ok());
  std::vector<std::string> got;
  std::vector<std::pair<std::string, std::string>> sends = {
      {"a", "hi"}, {"b", "twice"}, {"c", "hi"}, {"d", "hi"}, {"e", "late"}, {"f", "hi"}};
  for (auto& [session, text] : sends) {
    (*client)->send(chat_request(text, session), [&got](Result<Reply> r) { got.push_back(r.ok() ? r->text : error_of(r)); });
  }
  loop.run();
  REQUIRE(got.size() == sends.size());
  CHECK(got[0] == "for a");
  CHECK(got[1] == "protocol: exec agent wrote more than one line in answer to one request");
  CHECK(got[2] == "for c");
  CHECK(got[3] == "for d");
  CHECK(got[4] == "for e");  // "stray for d" was skipped
  CHECK(got[5] == "for f");
}

TEST_CASE("hostile: an echoed key is scrubbed before any cut") {
  constexpr const char* kKey = "sk-hostile-SECRET-0123456789";
  ::setenv("SPAR_TEST_HOSTILE_KEY", kKey, 1);
  // The key straddles each cut: the 200 characters of an error body or error message, the 80
  // of a malformed body.
  auto at = [](size_t n) { return std::string(n, '.') + kKey + " trailing text"; };
  AgentTestServer server([&](httplib::Server& s) {
    s.Post("/v1/chat/completions", [&](const httplib::Request& req, httplib::Response& res) {
      if (req.body.find("status") != std::string::npos) {
        res.status = 401;
        res.set_content(at(190), "text/plain");
      } else if (req.body.find("object") != std::string::npos) {
        res.set_content(json{{"error", {{"message", at(190)}}}}.dump(), "application/json");
      } else if (req.body.find("stream-error") != std::string::npos) {
        res.set_content("data: " + json{{"error", {{"message", at(190)}}}}.dump() + "\n\n", "text/event-stream");
      } else if (req.body.find("cut") != std::string::npos) {
        res.set_content("data: " + json{{"choices", {{{"delta", {{"content", "Your key: " + std::string(kKey)}}}}}}}.dump() +
                            "\n\ndata: [DONE]\n\n",
                        "text/event-stream");
      } else {
        res.set_content(at(70), "application/json");
      }
    });
  });
  std::string base = "openai:model=m,api_key_env=SPAR_TEST_HOSTILE_KEY,base_url=" + server.base_url();
  auto plain = hostile_factory(base);
  auto streamed = hostile_factory(base + ",stream=1");
  std::vector<std::string> shown;
  for (const char* text : {"status", "object", "malformed"}) shown.push_back(error_of(send_one(*plain, chat_request(text))));
  shown.push_back(error_of(send_one(*streamed, chat_request("stream-error"))));
  Request cut = chat_request("cut");
  cut.cut_after_chars = 20;  // "Your key: " and the first 10 characters of the key
  auto r = send_one(*streamed, cut);
  REQUIRE(r.ok());
  CHECK(r->truncated);
  CHECK(r->text == "Your key: ***");
  for (const std::string& s : shown) {
    CAPTURE(s);
    CHECK(s.find("***") != std::string::npos);
    CHECK(s.find("SECRET") == std::string::npos);
    CHECK(s.find("sk-hostile") == std::string::npos);
  }
  ::unsetenv("SPAR_TEST_HOSTILE_KEY");
}

TEST_CASE("hostile: a short key is scrubbed only as a whole token") {
  CHECK(internal::redact("every letter e stays, e", "e") == "every letter *** stays, ***");
  CHECK(internal::redact("keyless: abc abcd xabc abc-1", "abc") == "keyless: *** abcd xabc abc-1");
  CHECK(internal::redact("long keys go anywhere: xsk-12345678y", "sk-12345678") == "long keys go anywhere: x***y");
}

TEST_CASE("hostile: URL credentials are masked with or without a scheme") {
  CHECK(redact_agent_spec("openai:model=m,base_url=user:pw@host:8080/v1") == "openai:model=m,base_url=***@host:8080/v1");
  CHECK(redact_agent_spec("http:url=user:pw@host/chat,reply=/r") == "http:url=***@host/chat,reply=/r");
  CHECK(redact_agent_spec("openai:base_url=http://u:p@h/v1,model=m") == "openai:base_url=http://***@h/v1,model=m");
  // Not a URL key: a model name with '@' is kept (resume needs it).
  CHECK(redact_agent_spec("openai:model=claude@2024,base_url=http://h/v1") == "openai:model=claude@2024,base_url=http://h/v1");
  CHECK(internal::redact_url("user:pw@host/v1") == "***@host/v1");
}
