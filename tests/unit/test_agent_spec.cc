// parse_agent_spec and make_agent_factory validation: exact messages.
#include <doctest/doctest.h>

#include <cstdlib>

#include "agent/client.h"

using namespace spar::agent;

namespace {
std::string spec_error(std::string_view text) {
  auto r = parse_agent_spec(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == spar::ErrorKind::input);
  return r.error().message;
}
std::string factory_error(std::string_view text) {
  auto spec = parse_agent_spec(text);
  REQUIRE(spec.ok());
  auto f = make_agent_factory(*spec, FactoryOptions{});
  REQUIRE_FALSE(f.ok());
  CHECK(f.error().kind == spar::ErrorKind::input);
  return f.error().message;
}
}  // namespace

TEST_CASE("agent spec: kinds and params") {
  auto s = parse_agent_spec("mock");
  REQUIRE(s.ok());
  CHECK(s->kind == "mock");
  CHECK(s->params.empty());

  s = parse_agent_spec("openai:model=gpt-4o-mini,base_url=http://127.0.0.1:8080/v1,stream=1");
  REQUIRE(s.ok());
  CHECK(s->kind == "openai");
  CHECK(s->get("model") == "gpt-4o-mini");
  CHECK(s->get("base_url") == "http://127.0.0.1:8080/v1");
  CHECK(s->get("stream") == "1");
  CHECK(s->get("api_key_env", "OPENAI_API_KEY") == "OPENAI_API_KEY");

  s = parse_agent_spec("http:url=http://h/x?a=b=c,reply=/data/0/text");
  REQUIRE(s.ok());
  CHECK(s->get("url") == "http://h/x?a=b=c");
  CHECK(s->get("reply") == "/data/0/text");

  s = parse_agent_spec("mock:latency_ms=5,correction_rate=0.5");
  REQUIRE(s.ok());
  CHECK(s->params.size() == 2);

  // exec's cmd takes the rest of the spec, commas included.
  s = parse_agent_spec("exec:cmd=python3 -c 'print(1,2)'");
  REQUIRE(s.ok());
  CHECK(s->get("cmd") == "python3 -c 'print(1,2)'");
}

TEST_CASE("agent spec: errors") {
  CHECK(spec_error("foo") == "unknown agent kind 'foo' (expected mock, openai, http or exec)");
  CHECK(spec_error("foo:model=x") == "unknown agent kind 'foo' (expected mock, openai, http or exec)");
  CHECK(spec_error("") == "empty agent spec (expected KIND[:key=value,...])");
  CHECK(spec_error("openai:model") == "bad agent spec 'openai:model': expected key=value");
  CHECK(spec_error("openai:") == "bad agent spec 'openai:': expected key=value");
  CHECK(spec_error("openai:model=x,") == "bad agent spec 'openai:model=x,': expected key=value");
  CHECK(spec_error("openai:=x") == "bad agent spec 'openai:=x': expected key=value");
  CHECK(spec_error("openai:model=a,model=b") == "bad agent spec 'openai:model=a,model=b': duplicate key 'model'");
}

TEST_CASE("agent factory: missing and unknown keys") {
  CHECK(factory_error("openai") == "agent kind 'openai' needs model=...");
  CHECK(factory_error("openai:base_url=http://x") == "agent kind 'openai' needs model=...");
  CHECK(factory_error("http") == "agent kind 'http' needs url=...");
  CHECK(factory_error("exec") == "agent kind 'exec' needs cmd=...");
  CHECK(factory_error("openai:model=m,modle=x") ==
        "unknown key 'modle' for agent kind 'openai' (expected model, base_url, api_key_env, stream, "
        "temperature, max_tokens)");
  CHECK(factory_error("openai:model=m,stream=maybe") == "bad value 'maybe' for stream (expected 1 or 0)");
  ::unsetenv("SPAR_TEST_UNSET_KEY");
  CHECK(factory_error("openai:model=m,api_key_env=SPAR_TEST_UNSET_KEY") ==
        "environment variable SPAR_TEST_UNSET_KEY (api_key_env) is not set");
  CHECK(factory_error("http:url=http://x,body=@/nonexistent/t.json") ==
        "cannot read body template /nonexistent/t.json");
  CHECK(factory_error("http:url=http://x,body=t.json") ==
        "bad value 't.json' for body (expected @path/to/template.json)");
  CHECK(factory_error("mock:stream=2") == "bad value '2' for stream (expected 1 or 0)");
}

TEST_CASE("agent factory: describe never shows the key") {
  ::setenv("SPAR_TEST_SECRET_KEY", "sk-test-very-secret", 1);
  auto spec = parse_agent_spec("openai:model=m,api_key_env=SPAR_TEST_SECRET_KEY,stream=1");
  REQUIRE(spec.ok());
  auto f = make_agent_factory(*spec, FactoryOptions{});
  REQUIRE(f.ok());
  std::string d = (*f)->describe();
  CHECK(d == "openai model=m base_url=https://api.openai.com/v1 stream=on api_key=$SPAR_TEST_SECRET_KEY");
  CHECK(d.find("sk-test") == std::string::npos);
}

TEST_CASE("agent spec: redact_agent_spec masks URL credentials and keeps the spec parseable") {
  CHECK(redact_agent_spec("mock:latency_ms=5") == "mock:latency_ms=5");
  CHECK(redact_agent_spec("http:url=https://bot:s3cret@api.example.com/chat,reply=/text") ==
        "http:url=https://***@api.example.com/chat,reply=/text");
  CHECK(redact_agent_spec("openai:model=m,base_url=http://u:p@h:8080") == "openai:model=m,base_url=http://***@h:8080");
  // An '@' after the host (a path or a later key) is not a credential.
  CHECK(redact_agent_spec("http:url=https://h/a@b,body=@t.json") == "http:url=https://h/a@b,body=@t.json");
  CHECK(redact_agent_spec("http:url=http://a:b@h1/x,body=@t.json,reply=/r") == "http:url=http://***@h1/x,body=@t.json,reply=/r");
  auto bad = parse_agent_spec("http:url=https://bot:s3cret@h/x,oops");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("s3cret") == std::string::npos);
  CHECK(parse_agent_spec(redact_agent_spec("http:url=https://bot:s3cret@h/x,reply=/r")).ok());
}
