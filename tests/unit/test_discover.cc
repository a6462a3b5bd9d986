// One discovery walker (run/discover.h) for `spar run` and `spar lint`.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "run/discover.h"
#include "run/runner.h"
#include "support.h"

using namespace spar;
using spar::test::TempDir;
using spar::test::write_file;

TEST_CASE("discover: run skips personas and library files, lint keeps personas; both sorted per folder") {
  TempDir dir;
  write_file("s/b.lua", "");
  write_file("s/a/z.lua", "");
  write_file("s/_lib.lua", "");
  write_file("s/notes.txt", "");
  write_file("s/personas/p.lua", "");
  write_file("one.lua", "");
  auto run = run::discover_scenarios({"s", "./one.lua"});
  REQUIRE(run.ok());
  CHECK(*run == std::vector<std::string>{"s/a/z.lua", "s/b.lua", "one.lua"});
  auto lint = run::discover_lua_files({"s"}, {.skip_personas = false, .require_some = false});
  REQUIRE(lint.ok());
  CHECK(*lint == std::vector<std::string>{"s/a/z.lua", "s/b.lua", "s/personas/p.lua"});

  std::filesystem::create_directory("empty");
  auto none = run::discover_scenarios({"empty"});
  REQUIRE(!none.ok());
  CHECK(none.error().message == "empty: no scenarios (*.lua) found");
  CHECK(run::discover_lua_files({"empty"}, {.require_some = false}).ok());
  auto missing = run::discover_scenarios({"nope"});
  REQUIRE(!missing.ok());
  CHECK(missing.error().message == "nope: no such scenario file or folder");
  CHECK(!run::discover_scenarios({}).ok());
}

TEST_CASE("discover: a folder marked .spar-separate runs only when it, or a path in it, is named") {
  TempDir dir;
  write_file("s/a.lua", "");
  write_file("s/tau/.spar-separate", "a suite of its own\n");
  write_file("s/tau/retail/task-000.lua", "");
  write_file("s/tau/retail/_db.lua", "");
  auto all = run::discover_scenarios({"s"});
  REQUIRE(all.ok());
  CHECK(*all == std::vector<std::string>{"s/a.lua"});
  auto named = run::discover_scenarios({"s/tau"});
  REQUIRE(named.ok());
  CHECK(*named == std::vector<std::string>{"s/tau/retail/task-000.lua"});
  auto inside = run::discover_scenarios({"s/tau/retail"});
  REQUIRE(inside.ok());
  CHECK(*inside == std::vector<std::string>{"s/tau/retail/task-000.lua"});
  auto lint = run::discover_lua_files({"s"}, {.skip_personas = false, .require_some = false});
  REQUIRE(lint.ok());
  CHECK(*lint == std::vector<std::string>{"s/a.lua"});
}
