// The adapters over real sockets and processes: openai (plain and streaming, barge-in,
// errors), http (template + reply pointer) and exec (JSON lines).
#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/client.h"
#include "agent/openai_wire.h"
#include "support.h"
#include "test_agent_support.h"

using namespace spar::agent;
using spar::Result;
using spar::test::TempDir;

namespace {

// The error message of a failed result, for REQUIRE_MESSAGE (which may evaluate it anyway).
template <class R>
std::string why(const R& r) {
  return r.ok() ? std::string() : r.error().message;
}

using TestServer = spar::test::AgentTestServer;

// The default timeout only ends a hang: a slow (sanitized, loaded) machine never reaches it.
std::unique_ptr<AgentFactory> factory(const std::string& text, double timeout_s = 60) {
  auto spec = parse_agent_spec(text);
  REQUIRE_MESSAGE(spec.ok(), why(spec));
  FactoryOptions options;
  options.request_timeout_s = timeout_s;
  options.retries = 0;  // these tests pin each adapter's own behaviour; retries: test_agent_retry.cc
  auto f = make_agent_factory(*spec, options);
  REQUIRE_MESSAGE(f.ok(), why(f));
  return std::move(*f);
}

Request user_request(const std::string& text, int cut = -1) {
  Request r;
  r.session_id = "sess-9";
  r.seed = 77;
  r.messages.push_back({"system", "You are a test.", {}, "", ""});
  r.messages.push_back({"user", text, {}, "", ""});
  r.cut_after_chars = cut;
  return r;
}

// Sends one request and runs the loop until it completes.
Result<Reply> roundtrip(AgentFactory& f, const Request& request) {
  Loop loop;
  auto client = f.make(loop);
  REQUIRE(client.ok());
  std::optional<Result<Reply>> out;
  bool inside_send = true;
  (*client)->send(request, [&](Result<Reply> r) {
    CHECK_FALSE(inside_send);
    out = std::move(r);
  });
  inside_send = false;
  loop.run();
  REQUIRE(out.has_value());
  return std::move(*out);
}

std::string sse_chunk(const json& delta) {
  return "data: " + json{{"choices", {{{"index", 0}, {"delta", delta}}}}}.dump() + "\n\n";
}

const std::string kLongReply = "I can help with that. Let me look up your account first, one moment please.";

// Remote ports of the connections that reached serve_completions.
std::mutex g_ports_mu;
std::set<int> g_ports;

void serve_completions(httplib::Server& s, std::atomic<int>* seen_stream = nullptr) {
  s.Post("/v1/chat/completions", [seen_stream](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> lock(g_ports_mu);
      g_ports.insert(req.remote_port);
    }
    json body = json::parse(req.body);
    CHECK(req.get_header_value("Expect").empty());
    if (body.value("stream", false)) {
      if (seen_stream) ++*seen_stream;
      res.set_chunked_content_provider("text/event-stream", [](size_t, httplib::DataSink& sink) {
        std::string all = ": hello\n\n";
        for (size_t i = 0; i < kLongReply.size(); i += 7) all += sse_chunk({{"content", kLongReply.substr(i, 7)}});
        all += "data: " + json{{"choices", json::array()}, {"usage", {{"prompt_tokens", 11}, {"completion_tokens", 5}}}}.dump() + "\n\n";
        all += "data: [DONE]\n\n";
        for (size_t i = 0; i < all.size(); i += 50) {
          if (!sink.write(all.data() + i, std::min<size_t>(50, all.size() - i))) return false;
        }
        sink.done();
        return true;
      });
      return;
    }
    json reply = {{"choices", {{{"message", {{"role", "assistant"}, {"content", "echo: " + body["messages"].back()["content"].get<std::string>()}}}}}},
                  {"usage", {{"prompt_tokens", 3}, {"completion_tokens", 4}}}};
    res.set_content(reply.dump(), "application/json");
  });
}

}  // namespace

TEST_CASE("agent openai: non-streaming reply and request shape") {
  ::setenv("SPAR_TEST_NET_KEY", "sk-net-secret", 1);
  json seen;
  std::string auth;
  TestServer server([&](httplib::Server& s) {
    s.Post("/v1/chat/completions", [&](const httplib::Request& req, httplib::Response& res) {
      seen = json::parse(req.body);
      auth = req.get_header_value("Authorization");
      res.set_content(R"({"choices":[{"message":{"content":"hello","tool_calls":[{"id":"c9","type":"function","function":{"name":"t","arguments":"{}"}}]}}],"usage":{"prompt_tokens":3,"completion_tokens":4}})",
                      "application/json");
    });
  });
  auto f = factory("openai:model=test-model,base_url=" + server.base_url() + ",api_key_env=SPAR_TEST_NET_KEY");
  auto r = roundtrip(*f, user_request("hi"));
  REQUIRE_MESSAGE(r.ok(), why(r));
  CHECK(r->text == "hello");
  REQUIRE(r->tool_calls.size() == 1);
  CHECK(r->tool_calls[0].name == "t");
  CHECK(r->usage.completion_tokens == 4);
  CHECK(r->latency_ms > 0);
  CHECK(auth == "Bearer sk-net-secret");
  CHECK(seen["model"] == "test-model");
  CHECK(seen["seed"] == 77);
  CHECK(seen["user"] == "sess-9");
  CHECK(seen["stream"] == false);
  CHECK(seen["messages"].size() == 2);
}

TEST_CASE("agent openai: streaming reply, connection reuse") {
  std::atomic<int> streams{0};
  g_ports.clear();
  TestServer server([&](httplib::Server& s) {
    s.set_keep_alive_timeout(3600);  // a slow client must not see its idle connection closed
    serve_completions(s, &streams);
  });
  auto f = factory("openai:model=m,stream=1,base_url=" + server.base_url());
  Loop loop;
  auto client = f->make(loop);
  REQUIRE(client.ok());
  CHECK((*client)->streaming());
  // Sequential requests reuse one connection (cpp-httplib closes it after 5 requests).
  int done = 0;
  std::function<void()> next = [&] {
    (*client)->send(user_request("hi"), [&](Result<Reply> r) {
      REQUIRE_MESSAGE(r.ok(), why(r));
      CHECK(r->text == kLongReply);
      CHECK_FALSE(r->truncated);
      CHECK(r->usage.prompt_tokens == 11);
      CHECK(r->usage.completion_tokens == 5);
      if (++done < 20) next();
    });
  };
  next();
  loop.run();
  CHECK(done == 20);
  CHECK(streams == 20);
  CHECK(g_ports.size() <= 4);  // reused (cpp-httplib closes a connection after 5 requests)
}

TEST_CASE("agent openai: barge-in cuts at exactly N characters") {
  TestServer server([&](httplib::Server& s) { serve_completions(s); });
  auto f = factory("openai:model=m,stream=1,base_url=" + server.base_url());
  for (int n : {0, 1, 12, 40, 41}) {
    auto r = roundtrip(*f, user_request("hi", n));
    REQUIRE_MESSAGE(r.ok(), why(r));
    CHECK(r->truncated);
    CHECK(r->text == kLongReply.substr(0, n));
  }
  auto whole = roundtrip(*f, user_request("hi", 1000));
  REQUIRE(whole.ok());
  CHECK_FALSE(whole->truncated);
  CHECK(whole->text == kLongReply);
}

TEST_CASE("agent openai: HTTP 500 is an http error without the key") {
  ::setenv("SPAR_TEST_NET_KEY", "sk-net-secret", 1);
  TestServer server([&](httplib::Server& s) {
    s.Post("/v1/chat/completions", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 500;
      res.set_content("boom\nkey was " + req.get_header_value("Authorization"), "text/plain");
    });
  });
  for (const char* stream : {"0", "1"}) {
    auto f = factory("openai:model=m,api_key_env=SPAR_TEST_NET_KEY,stream=" + std::string(stream) +
                     ",base_url=" + server.base_url());
    auto r = roundtrip(*f, user_request("hi"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == spar::ErrorKind::http);
    CHECK(r.error().message == "HTTP 500 from " + server.base_url() + "/chat/completions: boom key was Bearer ***");
  }
}

TEST_CASE("agent openai: garbage body is a protocol error") {
  TestServer server([&](httplib::Server& s) {
    s.Post("/v1/chat/completions", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("data: {oops\n\n", "text/event-stream");
    });
  });
  for (const char* stream : {"0", "1"}) {
    auto f = factory("openai:model=m,stream=" + std::string(stream) + ",base_url=" + server.base_url());
    auto r = roundtrip(*f, user_request("hi"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == spar::ErrorKind::protocol);
    CHECK(r.error().message.rfind("bad reply from " + server.base_url() + "/chat/completions: ", 0) == 0);
  }
}

TEST_CASE("agent openai: timeout") {
  TestServer server([&](httplib::Server& s) {
    s.Post("/v1/chat/completions", [&server](const httplib::Request&, httplib::Response&) { server.hang(); });
  });
  auto f = factory("openai:model=m,base_url=" + server.base_url(), 0.2);
  auto r = roundtrip(*f, user_request("hi"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == spar::ErrorKind::timeout);
  CHECK(r.error().message == "no complete reply from " + server.base_url() + "/chat/completions within 0.2 s");
}

TEST_CASE("agent openai: connection refused is a transport error") {
  spar::test::RefusedPort refused;
  auto f = factory("openai:model=m,base_url=" + refused.base_url());
  auto r = roundtrip(*f, user_request("hi"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == spar::ErrorKind::transport);
  CHECK(r.error().message.rfind("POST " + refused.base_url() + "/chat/completions failed: ", 0) == 0);
}

TEST_CASE("agent openai: destroying a client mid-request drops its callback") {
  // The server never answers, so the reply cannot race the reset, however late the timer runs.
  TestServer server([&](httplib::Server& s) {
    s.Post("/v1/chat/completions", [&server](const httplib::Request&, httplib::Response&) { server.hang(); });
  });
  auto f = factory("openai:model=m,base_url=" + server.base_url());
  Loop loop;
  auto client = f->make(loop);
  REQUIRE(client.ok());
  bool called = false;
  (*client)->send(user_request("hi"), [&](Result<Reply>) { called = true; });
  loop.after(std::chrono::milliseconds(20), [&] { client->reset(); });
  loop.run();
  CHECK_FALSE(called);
}

TEST_CASE("agent http: template substitution and reply pointer") {
  json seen;
  TestServer server([&](httplib::Server& s) {
    s.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
      seen = json::parse(req.body);
      res.set_content(R"({"data":{"answers":["first reply"]}})", "application/json");
    });
  });
  TempDir dir;
  std::string path = (dir.path() / "template.json").string();
  {
    std::ofstream out(path);
    out << R"({"sid": "{{session_id}}", "text": "{{message}}", "seed": {{seed}}, "history": {{messages}}})";
  }
  auto f = factory("http:url=" + server.url("/hook") + ",body=@" + path + ",reply=/data/answers/0");
  auto r = roundtrip(*f, user_request("say \"hi\"\nplease"));
  REQUIRE_MESSAGE(r.ok(), why(r));
  CHECK(r->text == "first reply");
  CHECK(seen["sid"] == "sess-9");
  CHECK(seen["text"] == "say \"hi\"\nplease");
  CHECK(seen["seed"] == 77);
  REQUIRE(seen["history"].size() == 2);
  CHECK(seen["history"][0] == json({{"role", "system"}, {"content", "You are a test."}}));

  auto missing = factory("http:url=" + server.url("/hook") + ",reply=/nope");
  auto m = roundtrip(*missing, user_request("x"));
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().kind == spar::ErrorKind::protocol);
  CHECK(m.error().message == "bad reply from " + server.url("/hook") +
                                 ": no value at /nope in {\"data\":{\"answers\":[\"first reply\"]}}");
  CHECK(seen == json({{"session_id", "sess-9"}, {"message", "x"}}));  // the default body
}

TEST_CASE("agent http: bad templates fail at factory creation") {
  TempDir dir;
  std::string path = (dir.path() / "bad_template.json").string();
  auto error_for = [&](const std::string& content) {
    std::ofstream(path) << content;
    auto spec = parse_agent_spec("http:url=http://127.0.0.1:1/x,body=@" + path);
    REQUIRE(spec.ok());
    auto f = make_agent_factory(*spec, FactoryOptions{});
    REQUIRE_FALSE(f.ok());
    CHECK(f.error().kind == spar::ErrorKind::input);
    return f.error().message;
  };
  CHECK(error_for(R"({"m": "{{mesage}}"})") ==
        path + ": unknown placeholder {{mesage}} (expected session_id, message, seed or messages)");
  CHECK(error_for(R"({"m": {{message}}})") == path + ": body template is not valid JSON once placeholders are filled in");
}

TEST_CASE("agent exec: JSON lines in order, errors, exit") {
  // Replies with the last user message and the number of tools; "fail" gets an error line.
  const char* script =
      "import sys, json\n"
      "for line in sys.stdin:\n"
      "    req = json.loads(line)\n"
      "    text = req['messages'][-1]['content']\n"
      "    if text == 'fail':\n"
      "        print(json.dumps({'error': 'no can do'}), flush=True)\n"
      "    elif text == 'garbage':\n"
      "        print('not json', flush=True)\n"
      "    elif text == 'die':\n"
      "        sys.stderr.write('fatal: dying now\\n'); sys.exit(3)\n"
      "    elif text == 'tool':\n"
      "        print(json.dumps({'content': None, 'tool_calls': [{'id': 'x1', 'type': 'function', 'function': {'name': 'lookup', 'arguments': '{}'}}]}), flush=True)\n"
      "    else:\n"
      "        print(json.dumps({'content': text + '/' + str(req['seed']) + '/' + req['session_id']}), flush=True)\n";
  TempDir dir;  // the working folder: a short relative path keeps the quoted command whole
  std::string path = "exec_agent.py";
  std::ofstream(path) << script;
  auto f = factory("exec:cmd=python3 " + path);
  Loop loop;
  auto client = f->make(loop);
  REQUIRE(client.ok());
  std::vector<std::string> got;
  for (std::string text : {"a", "b", "fail", "tool", "garbage", "c", "die", "after"}) {
    (*client)->send(user_request(text), [&got](Result<Reply> r) {
      if (!r.ok()) {
        got.push_back(std::string(spar::to_string(r.error().kind)) + ": " + r.error().message);
      } else if (!r->tool_calls.empty()) {
        got.push_back("tool " + r->tool_calls[0].name);
      } else {
        got.push_back(r->text);
      }
    });
  }
  loop.run();
  REQUIRE(got.size() == 8);
  CHECK(got[0] == "a/77/sess-9");
  CHECK(got[1] == "b/77/sess-9");
  CHECK(got[2] == "exec: exec agent error: no can do");
  CHECK(got[3] == "tool lookup");
  CHECK(got[4] == "protocol: exec agent sent a line that is not a JSON object: not json");
  CHECK(got[5] == "c/77/sess-9");
  CHECK(got[6] == "exec: exec agent 'python3 " + path + "' exited with status 3: fatal: dying now");
  CHECK(got[7] == "after/77/sess-9");  // restarted lazily
}

TEST_CASE("agent exec: timeout") {
  // An agent that reads every request and never answers (it ends when spar closes its stdin):
  // the timeout is the only way out.
  auto f = factory("exec:cmd=cat >/dev/null", 0.2);
  auto r = roundtrip(*f, user_request("hi"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == spar::ErrorKind::timeout);
  CHECK(r.error().message == "exec agent gave no reply within 0.2 s");
}

namespace {
std::string write_script(const std::string& path, const std::string& body) {
  std::ofstream(path) << "#!/bin/sh\n" << body;
  ::chmod(path.c_str(), 0755);
  return path;
}
}  // namespace

TEST_CASE("agent mock: spawns the server, forwards knobs, streams by default, stops it") {
  TestServer server([&](httplib::Server& s) { serve_completions(s); });
  TempDir dir;
  std::string args_file = (dir.path() / "fake_mock_args").string();
  std::string pid_file = (dir.path() / "fake_mock_pid").string();
  std::string fake = write_script((dir.path() / "fake_mock.sh").string(),
                                  "echo \"$@\" > " + args_file + "\n"
                                  "echo $$ > " + pid_file + "\n"
                                  "echo 'starting'\n"
                                  "echo 'listening on " + server.url("") + "'\n"
                                  "exec sleep 3600\n");
  // `threads` becomes --threads; by default the pool covers --concurrency plus 16, at least 64.
  struct Case {
    const char* extra;
    int concurrency;
    const char* threads;
  };
  for (Case c : {Case{"", 0, "64"}, Case{",stream=0", 200, "216"}, Case{",threads=8", 200, "8"}}) {
    const char* stream = c.extra;
    auto spec = parse_agent_spec(std::string("mock:latency_ms=5,fail_rate=0.5") + c.extra);
    REQUIRE(spec.ok());
    FactoryOptions options;
    options.mock_binary = fake;
    options.concurrency = c.concurrency;
    auto f = make_agent_factory(*spec, options);
    REQUIRE_MESSAGE(f.ok(), why(f));
    std::string args;
    std::getline(std::ifstream(args_file), args);
    CHECK(args == std::string("--port 0 --host 127.0.0.1 --threads ") + c.threads + " fail_rate=0.5 latency_ms=5");
    CHECK((*f)->describe().find(server.base_url()) != std::string::npos);
    auto r = roundtrip(**f, user_request("hello"));
    REQUIRE_MESSAGE(r.ok(), why(r));
    CHECK(r->text == (std::string(stream) == ",stream=0" ? "echo: hello" : kLongReply));
    pid_t pid = 0;
    std::ifstream(pid_file) >> pid;
    REQUIRE(pid > 0);
    REQUIRE(::kill(pid, 0) == 0);  // the server runs (`exec` kept the script's pid)
    f->reset();                     // stops it and reaps it before returning
    CHECK(::kill(pid, 0) == -1);
    CHECK(errno == ESRCH);
  }
}

TEST_CASE("agent mock: a knob the mock does not take is an input error before anything is spawned") {
  TempDir dir;
  // A stand-in that leaves a mark if it is ever started.
  std::string fake = write_script((dir.path() / "fake_mock.sh").string(), "touch spawned\nexit 2\n");
  FactoryOptions options;
  options.mock_binary = fake;
  auto misspelt_spec = parse_agent_spec("mock:polcy_slip=0.5");
  auto range_spec = parse_agent_spec("mock:correction_rate=1.5");
  REQUIRE(misspelt_spec.ok());
  REQUIRE(range_spec.ok());
  auto misspelt = make_agent_factory(*misspelt_spec, options);
  REQUIRE_FALSE(misspelt.ok());
  CHECK(misspelt.error().kind == spar::ErrorKind::input);
  CHECK(misspelt.error().message ==
        "--agent mock: unknown knob 'polcy_slip' (did you mean policy_slip?); the knobs are listed in spar run --help");
  auto range = make_agent_factory(*range_spec, options);
  REQUIRE_FALSE(range.ok());
  CHECK(range.error().message == "--agent mock: bad value for correction_rate: '1.5' (expected a number in [0, 1])");
  CHECK_FALSE(std::filesystem::exists(dir.path() / "spawned"));
  CHECK(mock_knobs_help().find("  policy_slip=0") != std::string::npos);
}

TEST_CASE("agent mock: a server that dies at startup is an exec error quoting stderr") {
  TempDir dir;
  std::string fake = write_script((dir.path() / "fake_mock_dies.sh").string(), "echo 'cannot bind: zap' >&2\nexit 2\n");
  auto spec = parse_agent_spec("mock:latency_ms=1");
  REQUIRE(spec.ok());
  FactoryOptions options;
  options.mock_binary = fake;
  auto f = make_agent_factory(*spec, options);
  REQUIRE_FALSE(f.ok());
  CHECK(f.error().kind == spar::ErrorKind::exec);
  CHECK(f.error().message == "spar-mock-agent exited (exited with status 2): cannot bind: zap");
  options.mock_binary = "/nonexistent/spar-mock-agent";
  auto missing = make_agent_factory(*spec, options);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == spar::ErrorKind::input);
  CHECK(missing.error().message ==
        "cannot find spar-mock-agent at /nonexistent/spar-mock-agent (build it, or set SPAR_MOCK_AGENT to its path)");
}

TEST_CASE("agent mock: the real spar-mock-agent") {
  std::string binary = spar::test::mock_agent_binary();  // fails the test when missing
  auto spec = parse_agent_spec("mock");
  REQUIRE(spec.ok());
  FactoryOptions options;
  options.mock_binary = binary;
  auto f = make_agent_factory(*spec, options);
  REQUIRE_MESSAGE(f.ok(), why(f));
  Request request = user_request("Hi, I want to cancel my subscription.");
  auto r = roundtrip(**f, request);
  REQUIRE_MESSAGE(r.ok(), why(r));
  CHECK((!r->text.empty() || !r->tool_calls.empty()));
  request.cut_after_chars = 3;
  auto cut = roundtrip(**f, request);
  REQUIRE_MESSAGE(cut.ok(), why(cut));
  REQUIRE(utf8_length(r->text) > 3);  // a text reply long enough to cut
  CHECK(cut->truncated);
  CHECK(cut->text == r->text.substr(0, utf8_prefix_bytes(r->text, 3)));
}

TEST_CASE("agent exec: a command that cannot start") {
  auto f = factory("exec:cmd=spar-no-such-agent-command --flag");
  auto r = roundtrip(*f, user_request("hi"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == spar::ErrorKind::exec);
  // The tail of stderr is the shell's own complaint, e.g. "/bin/sh: 1: spar-no-...: not found".
  CHECK(r.error().message.rfind("exec agent 'spar-no-such-agent-command --flag' exited with status 127: ", 0) == 0);
  CHECK(r.error().message.find("not found") != std::string::npos);
}
