// One JSONL appender and reader (base/jsonl.h) for results, cassettes and the judge cache: a
// torn last line (a crash mid-write) is cut before appending, so the next line is never glued
// onto it; other bad lines are errors (results, cassettes) or skipped (the judge cache).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agent/cassette.h"
#include "base/jsonl.h"
#include "conversation/judge.h"
#include "report/results.h"
#include "support.h"

using namespace spar;
using spar::test::TempDir;
using spar::test::write_file;

namespace {
std::string slurp(const std::string& path) {
  auto text = jsonl::read_file(path);
  REQUIRE(text.ok());
  return *text;
}
}  // namespace

TEST_CASE("jsonl: the judge cache keeps the first entry written after a torn line") {
  TempDir dir;
  // A crash mid-write left the second entry torn (no newline).
  write_file("cache.jsonl", "{\"key\":\"a\",\"reply\":\"A\"}\n{\"key\":\"b\",\"rep");
  {
    auto cache = conversation::JudgeCache::open("cache.jsonl");
    REQUIRE(cache.ok());
    CHECK((*cache)->get("a") == std::optional<std::string>("A"));
    CHECK(!(*cache)->get("b"));
    (*cache)->put("c", "C");
    (*cache)->put("d", "D");
  }
  auto again = conversation::JudgeCache::open("cache.jsonl");
  REQUIRE(again.ok());
  CHECK((*again)->get("a") == std::optional<std::string>("A"));
  CHECK((*again)->get("c") == std::optional<std::string>("C"));  // on main: glued onto the torn line, lost
  CHECK((*again)->get("d") == std::optional<std::string>("D"));
  CHECK(slurp("cache.jsonl") ==
        "{\"key\":\"a\",\"reply\":\"A\"}\n{\"key\":\"c\",\"reply\":\"C\"}\n{\"key\":\"d\",\"reply\":\"D\"}\n");
}

TEST_CASE("jsonl: a bad judge cache line is skipped, the entries around it are kept") {
  TempDir dir;
  write_file("cache.jsonl", "{\"key\":\"a\",\"reply\":\"A\"}\nnot json\n{\"key\":1}\n{\"key\":\"b\",\"reply\":\"B\"}\n");
  auto cache = conversation::JudgeCache::open("cache.jsonl");
  REQUIRE(cache.ok());
  CHECK((*cache)->get("a") == std::optional<std::string>("A"));
  CHECK((*cache)->get("b") == std::optional<std::string>("B"));
}

TEST_CASE("jsonl: scan drops a torn tail, and errors or skips any other bad line with path:line") {
  std::vector<int> lines;
  auto visit = [&](jsonl::json&&, size_t, int line) -> Status {
    lines.push_back(line);
    return Ok{};
  };
  auto torn = jsonl::scan("{\"a\":1}\n\n{\"b\":2}\n{\"c\"", "f.jsonl", {}, visit);
  REQUIRE(torn.ok());
  CHECK(torn->dropped_torn_line);
  CHECK(torn->intact_bytes == 17);
  CHECK(lines == std::vector<int>{1, 3});

  // A last line that parses is intact even without its newline.
  lines.clear();
  auto whole = jsonl::scan("{\"a\":1}\n{\"b\":2}", "f.jsonl", {}, visit);
  REQUIRE(whole.ok());
  CHECK(!whole->dropped_torn_line);
  CHECK(whole->intact_bytes == 15);
  CHECK(lines == std::vector<int>{1, 2});

  auto bad = jsonl::scan("{\"a\":1}\n[1]\n{\"b\":2}\n", "f.jsonl", {jsonl::OnBad::error, "bad entry: "}, visit);
  REQUIRE(!bad.ok());
  CHECK(bad.error().message == "f.jsonl:2: bad entry: not a JSON object");

  lines.clear();
  auto refuse = [&](jsonl::json&& v, size_t, int line) -> Status {
    if (v.contains("no")) return make_error(spar::ErrorKind::input, "refused");
    lines.push_back(line);
    return Ok{};
  };
  auto skipped = jsonl::scan("{\"no\":1}\nnope\n{\"b\":2}\n", "f.jsonl", {jsonl::OnBad::skip, ""}, refuse);
  REQUIRE(skipped.ok());
  CHECK(skipped->skipped == 2);
  CHECK(lines == std::vector<int>{3});
  auto refused = jsonl::scan("{\"no\":1}\n", "f.jsonl", {}, refuse);
  REQUIRE(!refused.ok());
  CHECK(refused.error().message == "f.jsonl:1: refused");
}

TEST_CASE("jsonl: repair cuts a torn tail, ends the file with a newline, and leaves a good file alone") {
  TempDir dir;
  auto none = [](jsonl::json&&, size_t, int) -> Status { return Ok{}; };
  write_file("torn.jsonl", "{\"a\":1}\n{\"b\"");
  auto r = jsonl::repair("torn.jsonl", {}, none);
  REQUIRE(r.ok());
  CHECK(r->dropped_torn_line);
  CHECK(slurp("torn.jsonl") == "{\"a\":1}\n");

  write_file("open.jsonl", "{\"a\":1}");
  REQUIRE(jsonl::repair("open.jsonl", {}, none).ok());
  CHECK(slurp("open.jsonl") == "{\"a\":1}\n");

  write_file("good.jsonl", "{\"a\":1}\n");
  REQUIRE(jsonl::repair("good.jsonl", {}, none).ok());
  CHECK(slurp("good.jsonl") == "{\"a\":1}\n");

  auto missing = jsonl::repair("missing.jsonl", {}, none);
  REQUIRE(missing.ok());
  CHECK(missing->intact_bytes == 0);
}

TEST_CASE("jsonl: the appender writes whole lines, truncates or appends") {
  TempDir dir;
  {
    auto out = jsonl::Appender::open("a.jsonl", jsonl::Appender::Mode::truncate);
    REQUIRE(out.ok());
    CHECK((*out)->append(jsonl::json{{"x", 1}}).ok());
  }
  {
    auto out = jsonl::Appender::open("a.jsonl", jsonl::Appender::Mode::append);
    REQUIRE(out.ok());
    CHECK((*out)->append(jsonl::json{{"x", "\xff"}}).ok());  // invalid UTF-8 is replaced, not fatal
  }
  CHECK(slurp("a.jsonl") == "{\"x\":1}\n{\"x\":\"\xef\xbf\xbd\"}\n");
  auto again = jsonl::Appender::open("a.jsonl", jsonl::Appender::Mode::truncate);
  REQUIRE(again.ok());
  CHECK(slurp("a.jsonl").empty());
  auto nowhere = jsonl::Appender::open("no/such/folder/a.jsonl", jsonl::Appender::Mode::append);
  REQUIRE(!nowhere.ok());
  CHECK(nowhere.error().message.rfind("no/such/folder/a.jsonl: cannot open for writing: ", 0) == 0);
}

TEST_CASE("jsonl: a cassette recorded again after a torn line keeps every new exchange") {
  TempDir dir;
  write_file("cas.jsonl", "{\"spar_cassette\":1}\n{\"key\":\"a\",\"reply\":{\"text\":\"x\"}}\n{\"key\":\"b\",\"rep");
  {
    auto c = agent::Cassette::create("cas.jsonl", /*append=*/true);
    REQUIRE(c.ok());
    agent::Request req;
    (*c)->record("c", "agent", req, Result<agent::Reply>(agent::Reply{}), "");
  }
  CHECK(slurp("cas.jsonl").find("{\"key\":\"b\",\"rep") == std::string::npos);  // the torn line is cut
  auto loaded = agent::Cassette::load("cas.jsonl");
  REQUIRE(loaded.ok());
  CHECK((*loaded)->size() == 2);
}
