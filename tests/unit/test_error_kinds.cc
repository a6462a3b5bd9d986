// Typed error kinds (base/result.h), and the HTTP status and Retry-After as Error fields: written
// to cassettes and records by their strings, read back from old cassettes that had them only in
// the message text.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "agent/cassette.h"
#include "base/result.h"
#include "support.h"

using namespace spar;
using spar::test::TempDir;

TEST_CASE("error kinds: each kind is written as the string records have always carried") {
  const char* names[] = {"input", "io",       "script", "transport",   "timeout", "http",
                         "protocol", "exec", "judge",  "replay_miss", "internal"};
  for (const char* name : names) {
    auto kind = error_kind_from(name);
    REQUIRE(kind);
    CHECK(to_string(*kind) == name);
    CHECK(nlohmann::json(*kind) == name);  // never the enum's number
    CHECK(nlohmann::json{{"kind", *kind}}["kind"] == name);
  }
  CHECK(!error_kind_from("HTTP"));
  CHECK(!error_kind_from(""));
  Error e = make_error(ErrorKind::input, "x");
  CHECK(e.http_status == 0);
  CHECK(e.retry_after_s < 0);
}

TEST_CASE("error kinds: a cassette keeps an http error's status and Retry-After") {
  TempDir dir;
  {
    auto c = agent::Cassette::create("c.jsonl");
    REQUIRE(c.ok());
    Error e{ErrorKind::http, "HTTP 503 from http://x", 503, 2.5};
    (*c)->record("k", "agent", agent::Request{}, Result<agent::Reply>(e), "");
  }
  auto loaded = agent::Cassette::load("c.jsonl");
  REQUIRE(loaded.ok());
  auto got = (*loaded)->find("k");
  REQUIRE(got);
  REQUIRE(!got->ok());
  CHECK(got->error().kind == ErrorKind::http);
  CHECK(got->error().http_status == 503);
  CHECK(got->error().retry_after_s == 2.5);
}

TEST_CASE("error kinds: an old cassette's http error gets its status back from the message") {
  auto c = agent::Cassette::parse(
      "{\"spar_cassette\":1}\n"
      "{\"key\":\"a\",\"error\":{\"kind\":\"http\",\"message\":\"HTTP 429 (retry after 3 s) from http://x\"}}\n"
      "{\"key\":\"b\",\"error\":{\"kind\":\"http\",\"message\":\"HTTP 500 from http://x: busy\"}}\n"
      "{\"key\":\"c\",\"error\":{\"kind\":\"transport\",\"message\":\"HTTP 500 from x\"}}\n",
      "old.jsonl");
  REQUIRE(c.ok());
  auto a = (*c)->find("a");
  REQUIRE(a);
  CHECK(a->error().http_status == 429);
  CHECK(a->error().retry_after_s == 3);
  auto b = (*c)->find("b");
  REQUIRE(b);
  CHECK(b->error().http_status == 500);
  CHECK(b->error().retry_after_s < 0);
  auto t = (*c)->find("c");
  REQUIRE(t);
  CHECK(t->error().kind == ErrorKind::transport);
  CHECK(t->error().http_status == 0);

  auto bad = agent::Cassette::parse("{\"spar_cassette\":1}\n{\"key\":\"a\",\"error\":{\"kind\":\"oops\",\"message\":\"m\"}}\n",
                                    "bad.jsonl");
  REQUIRE(!bad.ok());
  CHECK(bad.error().message == "bad.jsonl:2: unknown error kind \"oops\"");
}
