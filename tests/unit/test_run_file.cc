// The one run.json reader (report/run_json.h): typed fields for what `spar report`, `--resume`
// and `spar merge` use, and one clear error for a folder that is not a run or a broken run.json.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "report/run_json.h"
#include "support.h"

using spar::report::read_run_file;
using spar::test::TempDir;
using spar::test::write_file;

TEST_CASE("run_file: reads the fields readers use and keeps the rest raw") {
  TempDir tmp;
  std::filesystem::create_directory("r");
  write_file("r/run.json",
             R"({"run_id": "abc", "args": {"trials": 2}, "scenarios": ["a.lua"], "price": {"prompt": 1.5},
                 "agent": "mock"})");
  auto f = read_run_file("r");
  REQUIRE(f.ok());
  CHECK(f->run_id == "abc");
  CHECK(f->args["trials"] == 2);
  CHECK(f->scenarios == nlohmann::json::array({"a.lua"}));
  REQUIRE(f->price);
  CHECK(f->price->prompt_per_million == 1.5);
  CHECK(f->price->completion_per_million == 0.0);
  CHECK(f->raw["agent"] == "mock");
}

TEST_CASE("run_file: an old run.json without run id, args or price") {
  TempDir tmp;
  std::filesystem::create_directory("r");
  write_file("r/run.json", R"({"seed": 1})");
  auto f = read_run_file("r");
  REQUIRE(f.ok());
  CHECK(f->run_id.empty());
  CHECK(f->args.is_null());
  CHECK_FALSE(f->price);
}

TEST_CASE("run_file: a folder without run.json is not a run folder") {
  TempDir tmp;
  std::filesystem::create_directory("r");
  auto f = read_run_file("r");
  REQUIRE_FALSE(f.ok());
  CHECK(f.error().kind == spar::ErrorKind::input);
  CHECK(f.error().message == "r: not a spar run folder (no run.json)");
}

TEST_CASE("run_file: a broken run.json is malformed, not missing") {
  TempDir tmp;
  std::filesystem::create_directory("r");
  for (const char* text : {"{\"run_id\": ", "[1, 2]", "\"x\""}) {
    write_file("r/run.json", text);
    auto f = read_run_file("r");
    REQUIRE_FALSE(f.ok());
    CHECK(f.error().kind == spar::ErrorKind::input);
    CHECK(f.error().message.rfind("r: malformed run.json: ", 0) == 0);
  }
}
