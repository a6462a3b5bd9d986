// Record and replay (agent/cassette.h): keys, the file format, round trips through the
// decorators, misses, secrets, and replay factories that never start anything.
#include <fstream>
#include <sstream>

#include "agent/cassette.h"
#include "agent/fake.h"
#include "support.h"
#include "test_agent_support.h"

using namespace spar::agent;
using namespace spar::test;
using spar::Result;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

AgentSpec spec_of(const std::string& text) {
  auto spec = parse_agent_spec(text);
  REQUIRE_MESSAGE(spec.ok(), error_of(spec));
  return std::move(spec).value();
}

Reply sample_reply() {
  Reply r;
  r.text = "Let me check that order.";
  r.tool_calls = {{"call_1", "lookup_order", "{\"order\":\"A1\"}"}};
  r.usage = {12, 7};
  r.latency_ms = 3.5;
  r.attempts = 2;
  return r;
}

// Runs `client.send(request)` on `loop` and returns the outcome.
Result<Reply> call(Loop& loop, AgentClient& client, const Request& request) {
  std::optional<Result<Reply>> out;
  bool inside = true;
  client.send(request, [&](Result<Reply> r) {
    CHECK_FALSE(inside);
    out = std::move(r);
  });
  inside = false;
  loop.run();
  REQUIRE(out.has_value());
  return std::move(*out);
}

}  // namespace

TEST_CASE("cassette: the key is the request's meaning, not its session, attempt or endpoint") {
  Request a = chat_request("I want a refund", "retail/refund#1-aa");
  std::string id = model_identity("agent", spec_of("openai:model=gpt-x,base_url=http://a/v1,api_key_env=K"));
  std::string key = exchange_key(id, a);
  CHECK(key.size() == 32);
  Request b = a;
  b.session_id = "something/else#9-ff";
  b.attempt = 3;
  CHECK(exchange_key(id, b) == key);
  // The same model elsewhere, with another key variable: the same identity.
  CHECK(model_identity("agent", spec_of("openai:model=gpt-x,base_url=http://b:8000/v1")) == id);
  // Anything that changes the meaning changes the key.
  Request c = a;
  c.seed = 78;
  CHECK(exchange_key(id, c) != key);
  c = a;
  c.messages.back().content += ".";
  CHECK(exchange_key(id, c) != key);
  c = a;
  c.tools.push_back({"lookup_order", "Find an order", {{"type", "object"}}});
  CHECK(exchange_key(id, c) != key);
  c = a;
  c.cut_after_chars = 40;
  CHECK(exchange_key(id, c) != key);
  CHECK(exchange_key(model_identity("judge", spec_of("openai:model=gpt-x")), a) != key);
  CHECK(exchange_key(model_identity("agent", spec_of("openai:model=gpt-y")), a) != key);
  CHECK(exchange_key(model_identity("agent", spec_of("openai:model=gpt-x,temperature=0")), a) != key);
  CHECK(exchange_key(model_identity("agent", spec_of("mock:fatigue=0.1")), a) !=
        exchange_key(model_identity("agent", spec_of("mock")), a));
}

TEST_CASE("cassette: record then replay, replies and errors, with no secret written") {
  TempDir dir;
  const std::string secret = "sk-test-SECRET-123";
  {
    auto cassette = Cassette::create("c.jsonl");
    REQUIRE_MESSAGE(cassette.ok(), error_of(cassette));
    Loop loop;
    auto fake = std::make_unique<FakeAgent>(loop, [&](const Request& r) -> Result<Reply> {
      if (r.messages.back().content == "fail please") {
        return spar::make_error(spar::ErrorKind::http, "HTTP 500 from http://x (after 3 attempts)");
      }
      Reply reply = sample_reply();
      reply.text += " (your key is " + secret + ")";  // a server echoing the key
      return reply;
    });
    auto client = make_recording_client(std::move(fake), *cassette, "agent\nmock", "agent", secret);
    auto ok = call(loop, *client, chat_request("hello", "retail/refund#1-aa"));
    REQUIRE(ok.ok());
    CHECK(ok->text.find(secret) != std::string::npos);  // the run itself sees the reply as sent
    auto bad = call(loop, *client, chat_request("fail please", "retail/refund#2-bb"));
    REQUIRE_FALSE(bad.ok());
  }
  std::string text = slurp("c.jsonl");
  CHECK(text.find(secret) == std::string::npos);
  CHECK(text.rfind("{\"spar_cassette\":1}\n", 0) == 0);
  CHECK(text.find("\"session\":\"retail/refund#1-aa\"") != std::string::npos);
  CHECK(text.find("\"last\":\"hello\"") != std::string::npos);

  auto loaded = Cassette::load("c.jsonl");
  REQUIRE_MESSAGE(loaded.ok(), error_of(loaded));
  CHECK((*loaded)->size() == 2);
  Loop loop;
  auto replay = make_replay_client(loop, *loaded, "agent\nmock", "agent", /*streaming=*/true);
  CHECK(replay->streaming());
  // Another session id, same meaning: found.
  auto r = call(loop, *replay, chat_request("hello", "other#5-cc"));
  REQUIRE_MESSAGE(r.ok(), error_of(r));
  Reply want = sample_reply();
  CHECK(r->text == want.text + " (your key is ***)");
  REQUIRE(r->tool_calls.size() == 1);
  CHECK(r->tool_calls[0].id == "call_1");
  CHECK(r->tool_calls[0].name == "lookup_order");
  CHECK(r->tool_calls[0].arguments == "{\"order\":\"A1\"}");
  CHECK(r->usage.prompt_tokens == 12);
  CHECK(r->usage.completion_tokens == 7);
  CHECK(r->attempts == 2);
  CHECK(r->latency_ms == doctest::Approx(3.5));
  auto e = call(loop, *replay, chat_request("fail please"));
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().kind == spar::ErrorKind::http);
  CHECK(e.error().message == "HTTP 500 from http://x (after 3 attempts)");
  CHECK((*loaded)->misses() == 0);

  auto miss = call(loop, *replay, chat_request("something new", "retail/refund#3-1f"));
  REQUIRE_FALSE(miss.ok());
  CHECK(miss.error().kind == spar::ErrorKind::replay_miss);
  std::string key = exchange_key("agent\nmock", chat_request("something new"));
  CHECK(miss.error().message == "no recorded agent reply for scenario retail/refund, trial 3 (request " +
                                    key.substr(0, 12) +
                                    ") in c.jsonl: the scenario, persona, seed or agent spec changed since it was "
                                    "recorded; record it again with --record");
  CHECK((*loaded)->misses() == 1);
}

TEST_CASE("cassette: one key recorded twice replays in order, then the last repeats") {
  std::string content = "{\"spar_cassette\":1}\n"
                        "{\"key\":\"k1\",\"reply\":{\"text\":\"first\"}}\n"
                        "{\"key\":\"k1\",\"reply\":{\"text\":\"second\"}}\n";
  auto c = Cassette::parse(content, "mem");
  REQUIRE_MESSAGE(c.ok(), error_of(c));
  CHECK((*(*c)->find("k1"))->text == "first");
  CHECK((*(*c)->find("k1"))->text == "second");
  CHECK((*(*c)->find("k1"))->text == "second");
  CHECK_FALSE((*c)->find("k2").has_value());
}

TEST_CASE("cassette: malformed files are input errors with path:line") {
  auto err = [](const std::string& content) {
    auto c = Cassette::parse(content, "cas.jsonl");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().kind == spar::ErrorKind::input);
    return c.error().message;
  };
  CHECK(err("") == "cas.jsonl: empty cassette (nothing was recorded)");
  CHECK(err("{\"scenario\":\"x\"}\n") ==
        "cas.jsonl:1: not a spar cassette (expected {\"spar_cassette\": 1} on the first line)");
  CHECK(err("{\"spar_cassette\":2}\n") == "cas.jsonl:1: unsupported cassette version 2 (this spar reads version 1)");
  CHECK(err("{\"spar_cassette\":1}\nnot json\n{\"key\":\"a\",\"reply\":{}}\n") == "cas.jsonl:2: not a JSON object");
  CHECK(err("{\"spar_cassette\":1}\n{\"reply\":{}}\n") == "cas.jsonl:2: exchange without a \"key\"");
  CHECK(err("{\"spar_cassette\":1}\n{\"key\":\"a\"}\n") == "cas.jsonl:2: exchange with neither \"reply\" nor \"error\"");
  CHECK(err("{\"spar_cassette\":1}\n{\"key\":\"a\",\"reply\":{\"text\":3}}\n") ==
        "cas.jsonl:2: \"reply.text\" is not a string");
  CHECK(err("{\"spar_cassette\":1}\n{\"key\":\"a\",\"error\":{\"kind\":\"\"}}\n") ==
        "cas.jsonl:2: \"error\" is not {\"kind\", \"message\"} strings");
  // A torn last line (a crash mid-write) is dropped; the rest is intact.
  auto torn = Cassette::parse("{\"spar_cassette\":1}\n{\"key\":\"a\",\"reply\":{\"text\":\"x\"}}\n{\"key\":\"b\",\"rep", "t");
  REQUIRE_MESSAGE(torn.ok(), error_of(torn));
  CHECK((*torn)->size() == 1);
}

TEST_CASE("cassette: open_cassette, appending for a resumed run") {
  TempDir dir;
  FactoryOptions both;
  both.record = "a.jsonl";
  both.replay = "b.jsonl";
  auto st = open_cassette(both);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "--record and --replay cannot be used together");

  FactoryOptions missing;
  missing.replay = "nope.jsonl";
  st = open_cassette(missing);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "nope.jsonl: cannot read the cassette: No such file or directory");

  FactoryOptions rec;
  rec.record = "a.jsonl";
  REQUIRE(open_cassette(rec).ok());
  REQUIRE(rec.cassette);
  CHECK(rec.cassette->recording());
  Request req = chat_request("hi");
  rec.cassette->record("k1", "agent", req, Reply{}, "");
  rec.cassette.reset();  // closes the file
  FactoryOptions more;
  more.record = "a.jsonl";
  more.record_append = true;
  REQUIRE(open_cassette(more).ok());
  more.cassette->record("k2", "agent", req, Reply{}, "");
  more.cassette.reset();
  FactoryOptions play;
  play.replay = "a.jsonl";
  REQUIRE(open_cassette(play).ok());
  CHECK(play.cassette->size() == 2);
  CHECK(play.cassette->find("k1").has_value());
  CHECK(play.cassette->find("k2").has_value());
}

TEST_CASE("cassette: replay factories start nothing and need no key") {
  TempDir dir;
  write_file("c.jsonl", "{\"spar_cassette\":1}\n");
  FactoryOptions o;
  o.replay = "c.jsonl";
  o.mock_binary = "/nonexistent/spar-mock-agent";  // would fail if it were started
  REQUIRE(open_cassette(o).ok());
  auto mock = make_factory("mock:fatigue=0.1", o);
  CHECK(mock->describe() == "replay of mock from c.jsonl (0 exchanges)");
  unsetenv("SPAR_TEST_UNSET_KEY");
  auto openai = make_factory("openai:model=m,base_url=http://127.0.0.1:9/v1,api_key_env=SPAR_TEST_UNSET_KEY", o);
  Loop loop;
  auto client = openai->make(loop);
  REQUIRE(client.ok());
  CHECK_FALSE((*client)->streaming());
  auto r = call(loop, **client, chat_request("hi"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == spar::ErrorKind::replay_miss);
  // Streaming follows the spec, as when recording (it decides how interruptions are played).
  auto streaming = mock->make(loop);
  REQUIRE(streaming.ok());
  CHECK((*streaming)->streaming());
  auto plain = make_factory("mock:stream=0", o)->make(loop);
  REQUIRE(plain.ok());
  CHECK_FALSE((*plain)->streaming());
  // Specs are still checked.
  auto bad = parse_agent_spec("openai:modle=x");
  REQUIRE(bad.ok());
  auto f = make_agent_factory(*bad, o);
  REQUIRE_FALSE(f.ok());
  CHECK(f.error().kind == spar::ErrorKind::input);
}
