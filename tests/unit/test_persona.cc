#include <doctest/doctest.h>

#include <set>

#include "persona/runtime.h"
#include "support.h"

using spar::persona::Action;
using spar::persona::Options;
using spar::persona::Session;
using spar::test::TempDir;
using spar::test::write_file;
using json = nlohmann::json;

namespace {

// A scenario whose persona is given inline as Lua source.
std::string scenario_with(const std::string& persona_body) {
  return "return scenario {\n"
         "  id = 't/one',\n"
         "  system = 'be nice',\n"
         "  facts = { order = '4471' },\n"
         "  state = { orders = { ['4471'] = { status = 'open' } } },\n"
         "  tools = { cancel_order = { description = 'Cancel an order.',\n"
         "    parameters = { type = 'object', properties = { order_id = { type = 'string' } }, required = { 'order_id' } },\n"
         "    run = function(state, args)\n"
         "      local o = state.orders[args.order_id]\n"
         "      if not o then return { ok = false, error = 'no such order' } end\n"
         "      o.status = 'cancelled'; return { ok = true, status = o.status }\n"
         "    end } },\n"
         "  goal = function(state) return state.orders['4471'].status == 'cancelled' end,\n"
         "  persona = persona { name = 'inline', run = function(u, facts)\n" +
         persona_body + "\n  end },\n}\n";
}

std::unique_ptr<Session> open_ok(const std::string& path, Options options = {}) {
  auto s = Session::open(path, options);
  if (!s.ok()) FAIL(s.error().message);
  return std::move(s).value();
}

}  // namespace

TEST_CASE("persona: a coroutine yields each say and resumes with the agent's reply") {
  TempDir dir;
  write_file("s.lua", scenario_with(
      "    local r = u:say('hello')\n"
      "    r = u:say('you said: ' .. r.text .. ' / ' .. tostring(r:mentions('WORLD')))\n"
      "    u:say('turns so far: ' .. u:turn())\n"));
  auto s = open_ok("s.lua");
  CHECK(s->info().id == "t/one");
  CHECK(s->info().system == "be nice");
  CHECK(s->info().persona == "inline");
  REQUIRE(s->info().tools.size() == 1);
  CHECK(s->info().tools[0].parameters["required"] == json::array({"order_id"}));

  auto a = s->start(7);
  REQUIRE(a.ok());
  CHECK(a->kind == Action::Kind::say);
  CHECK(a->text == "hello");
  a = s->resume({{"text", "hello world"}, {"tool_calls", json::array()}});
  REQUIRE(a.ok());
  CHECK(a->text == "you said: hello world / true");
  a = s->resume({{"text", "ok"}});
  REQUIRE(a.ok());
  CHECK(a->text == "turns so far: 2");
  a = s->resume({{"text", "bye"}});
  REQUIRE(a.ok());
  CHECK(a->kind == Action::Kind::stop);  // run() returned
}

TEST_CASE("persona: correct and change_intent raise typed events; probe carries the planted value") {
  TempDir dir;
  write_file("s.lua", scenario_with(
      "    u:plant('order', facts.order)\n"
      "    u:correct{ field = 'order', from = '4417', to = facts.order, text = '4417, sorry, 4471' }\n"
      "    u:change_intent{ from = 'cancel', to = 'pause', text = 'actually pause it' }\n"
      "    u:probe('order', 'which order did I give you?')\n"
      "    u:stop()\n"));
  auto s = open_ok("s.lua");
  auto a = s->start(1);
  REQUIRE(a.ok());
  CHECK(a->events == json::parse(R"([{"type":"correction","field":"order","from":"4417","to":"4471"}])"));
  a = s->resume({{"text", "ok"}});
  CHECK(a->events == json::parse(R"([{"type":"intent_change","from":"cancel","to":"pause"}])"));
  a = s->resume({{"text", "ok"}});
  CHECK(a->probe == json::parse(R"({"key":"order","expected":"4471"})"));
  a = s->resume({{"text", "4471"}});
  CHECK(a->kind == Action::Kind::stop);
}

TEST_CASE("persona: the sandbox has no io, os, package, debug, load or loadfile") {
  TempDir dir;
  for (const char* name : {"io", "os", "package", "debug", "load", "loadfile", "dofile", "require"}) {
    CAPTURE(name);
    write_file("s.lua", scenario_with(std::string("    local x = ") + name + "\n"));
    auto s = open_ok("s.lua");
    auto a = s->start(1);
    REQUIRE_FALSE(a.ok());
    CHECK(a.error().kind == spar::ErrorKind::script);
    CHECK(a.error().message == std::string("s.lua:15: undefined global '") + name + "'");
  }
  write_file("s.lua", scenario_with("    local f = string.dump\n    u:say(tostring(f))\n"));
  auto s = open_ok("s.lua");
  CHECK(s->start(1)->text == "nil");
}

TEST_CASE("persona: script errors read path:line: message") {
  TempDir dir;
  SUBCASE("syntax error") {
    write_file("scenarios/bad.lua", "return scenario {\n  persona = 'x',\n  max_turns = = 3,\n}\n");
    auto s = Session::open("scenarios/bad.lua", {});
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == "scenarios/bad.lua:3: unexpected symbol near '='");
  }
  SUBCASE("runtime error inside the persona") {
    write_file("s.lua", scenario_with("    u:say('one')\n    error('boom')\n"));
    auto s = open_ok("s.lua");
    REQUIRE(s->start(1).ok());
    auto a = s->resume({{"text", "x"}});
    REQUIRE_FALSE(a.ok());
    CHECK(a.error().message == "s.lua:16: boom");
  }
  SUBCASE("a bad declaration points at the scenario's line") {
    write_file("s.lua", "\n\nreturn scenario { persona = 'p', colour = 'red' }\n");
    auto s = Session::open("s.lua", {});
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == "s.lua:3: scenario: unknown field 'colour'");
  }
  SUBCASE("a missing persona file") {
    write_file("personas/.keep", "");
    write_file("scenarios/a/s.lua", "return scenario {\n  persona = 'ghost',\n}\n");
    auto s = Session::open("scenarios/a/s.lua", {});
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == "scenarios/a/s.lua:1: persona 'ghost' not found: no file personas/ghost.lua");
  }
  SUBCASE("a missing file") {
    auto s = Session::open("nope.lua", {});
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().kind == spar::ErrorKind::input);
    CHECK(s.error().message == "nope.lua: cannot read file");
  }
}

TEST_CASE("persona: a persona found by name in the personas folder above the scenario") {
  TempDir dir;
  write_file("personas/greeter.lua", "-- says hi\nreturn persona { name = 'greeter', run = function(u) u:say('hi') end }\n");
  write_file("scenarios/retail/s.lua", "return scenario { persona = 'greeter' }\n");
  auto s = open_ok("scenarios/retail/s.lua");
  CHECK(s->info().id == "retail/s");
  CHECK(s->info().persona_path == "personas/greeter.lua");
  CHECK(s->start(1)->text == "hi");
}

TEST_CASE("persona: tools run over the scenario state; problems become tool errors") {
  TempDir dir;
  write_file("s.lua", scenario_with("    u:say('x')\n"));
  auto s = open_ok("s.lua");
  CHECK_FALSE(s->goal().value());
  auto bad = s->call_tool("cancel_order", R"({"order_id": "9999"})");
  CHECK_FALSE(bad.error);  // the tool's own "not found" is a normal result
  CHECK(bad.result == json::parse(R"({"ok":false,"error":"no such order"})"));
  CHECK(s->call_tool("launch_rocket", "{}").result["error"] == "unknown tool 'launch_rocket'");
  CHECK(s->call_tool("cancel_order", "{oops").result["error"] == "tool 'cancel_order': arguments are not valid JSON");
  CHECK(s->call_tool("cancel_order", "{}").result["error"] == "tool 'cancel_order': missing required argument 'order_id'");
  CHECK(s->call_tool("cancel_order", R"({"order_id": 4471})").result["error"] ==
        "tool 'cancel_order': argument 'order_id' must be of type string");
  auto good = s->call_tool("cancel_order", R"({"order_id": "4471"})");
  CHECK_FALSE(good.error);
  CHECK(good.result == json::parse(R"({"ok":true,"status":"cancelled"})"));
  CHECK(s->goal().value());
  CHECK(s->state()["orders"]["4471"]["status"] == "cancelled");
}

TEST_CASE("persona: a Lua error inside a tool is an error result naming the line") {
  TempDir dir;
  write_file("s.lua", "return scenario { persona = persona { run = function(u) end },\n"
                      "  tools = { t = { run = function(state, args)\n"
                      "    return state.nothing.here\n"
                      "  end } } }\n");
  auto s = open_ok("s.lua");
  auto r = s->call_tool("t", "{}");
  CHECK(r.error);
  CHECK(r.result["error"] == "tool 't' failed: s.lua:3: attempt to index a nil value (field 'nothing')");
}

TEST_CASE("persona: budgets stop runaway scripts with the script's line") {
  TempDir dir;
  Options options;
  options.limits.step_cpu_seconds = 0.05;
  options.limits.memory_bytes = 4u * 1024 * 1024;
  SUBCASE("an infinite loop, even under pcall") {
    // Allocates nothing, so the memory cap cannot stop it first.
    write_file("s.lua", scenario_with("    local f = function() while true do end end\n    pcall(f)\n    while true do end\n"));
    auto s = open_ok("s.lua", options);
    auto a = s->start(1);
    REQUIRE_FALSE(a.ok());
    CHECK(a.error().message.find("CPU budget of 0.05s per step exceeded") != std::string::npos);
    CHECK(a.error().message.rfind("s.lua:", 0) == 0);
  }
  // The memory bombs run with a CPU budget no machine reaches first (1000 s per step): a table
  // grown 1 KiB at a time, and one allocation far past the cap, refused at once.
  SUBCASE("memory bombs") {
    options.limits.step_cpu_seconds = 1000;
    for (auto [body, line] : {std::pair{"    local t = {}\n    for i = 1, 1e9 do t[i] = string.rep('x', 1000) .. i end\n", 16},
                              std::pair{"    local s = string.rep('x', 128 * 1024 * 1024)\n    u:say(#s)\n", 15}}) {
      CAPTURE(body);
      write_file("s.lua", scenario_with(body));
      auto s = open_ok("s.lua", options);
      auto a = s->start(1);
      REQUIRE_FALSE(a.ok());
      CHECK(a.error().message == "s.lua:" + std::to_string(line) + ": memory budget of 4 MiB exceeded");
    }
  }
}

TEST_CASE("persona: rand and pick replay identically under a seed") {
  TempDir dir;
  write_file("s.lua", scenario_with("    u:say(pick{'a','b','c','d','e','f'} .. rand(1000) .. rand(5, 9))\n"));
  auto draw = [](uint64_t seed) { return open_ok("s.lua")->start(seed)->text; };
  CHECK(draw(42) == draw(42));
  std::set<std::string> distinct;
  for (uint64_t seed = 1; seed <= 8; ++seed) distinct.insert(draw(seed));
  CHECK(distinct.size() > 1);
}

TEST_CASE("persona: untrusted scripts cannot load bytecode, reach _G or plant finalizers") {
  TempDir dir;
  SUBCASE("a precompiled chunk is refused") {
    write_file("s.lua", std::string("\x1bLua\x54\x00garbage", 13));
    auto s = Session::open("s.lua", {});
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == "s.lua: attempt to load a binary chunk (mode is 't')");
  }
  SUBCASE("no way to the real globals") {
    write_file("s.lua", scenario_with("    local g = _G\n"));
    auto s = open_ok("s.lua");
    CHECK(s->start(1).error().message == "s.lua:15: undefined global '_G'");
  }
  SUBCASE("no __gc finalizers") {
    write_file("s.lua", scenario_with("    setmetatable({}, { __gc = function() while true do end end })\n"));
    auto s = open_ok("s.lua");
    CHECK(s->start(1).error().message == "s.lua:15: setmetatable: __gc finalizers are not allowed in the sandbox");
  }
  SUBCASE("no collectgarbage, no string.dump, no math.randomseed after the start") {
    write_file("s.lua", scenario_with("    u:say(tostring(string.dump) .. tostring(math.randomseed))\n    collectgarbage()\n"));
    auto s = open_ok("s.lua");
    auto a = s->start(1);
    CHECK(a->text == "nilnil");
    CHECK(s->resume({{"text", "x"}}).error().message == "s.lua:16: undefined global 'collectgarbage'");
  }
}

TEST_CASE("persona: include() shares a library from the script's folder, or a library of a folder above") {
  TempDir dir;
  write_file("lib/_orders.lua",
             "local count = 0\n"
             "local M = {}\n"
             "function M.next() count = count + 1; return count end\n"
             "M.cancel = { description = 'Cancel an order.',\n"
             "  parameters = { type = 'object', properties = { order_id = { type = 'string' } }, required = { 'order_id' } },\n"
             "  run = function(state, args) state.orders[args.order_id].status = 'cancelled'; return { ok = true } end }\n"
             "return M\n");
  write_file("lib/shop.lua",
             "local orders = include('_orders.lua')\n"
             "local again = include('_orders.lua')\n"
             "assert(orders == again, 'an included file runs once')\n"
             "orders.next()\n"
             "return scenario { id = 't/inc', state = { orders = { ['1'] = { status = 'open' } }, n = again.next() },\n"
             "  tools = { cancel_order = orders.cancel },\n"
             "  persona = persona { name = 'p', run = function(u) u:say('hi') end } }\n");
  auto s = open_ok("lib/shop.lua");
  CHECK(s->state()["n"] == 2);  // the two includes share one value
  CHECK(s->call_tool("cancel_order", R"({"order_id": "1"})").result == json::parse(R"({"ok":true})"));
  CHECK(s->state()["orders"]["1"]["status"] == "cancelled");
  CHECK(spar::persona::is_library_file("lib/_orders.lua"));
  CHECK_FALSE(spar::persona::is_library_file("lib/shop.lua"));

  auto refused = [](const std::string& body) {
    write_file("lib/bad.lua", body + "\nreturn scenario { id = 't/b', persona = persona { name = 'p', run = function(u) end } }\n");
    auto s = Session::open("lib/bad.lua", Options{});
    REQUIRE_FALSE(s.ok());
    return s.error().message;
  };
  write_file("secret.lua", "return 'outside'\n");
  CHECK(refused("include('../secret.lua')").find("lib/bad.lua:1: include: '../secret.lua' must name a .lua file") == 0);
  CHECK(refused("include('/etc/passwd.lua')").find("lib/bad.lua:1: include: '/etc/passwd.lua' must name") == 0);
  CHECK(refused("include('x/./y.lua')").find("lib/bad.lua:1: include:") == 0);
  CHECK(refused("include('_none.lua')").find("lib/bad.lua:1: include: lib/_none.lua: no such file") == 0);
  // A library's plain name is also looked for in the folders above, nearest first; a name with a
  // folder, or one that is not a library's (`_*.lua`), only beside the script.
  write_file("_shared.lua", "return { where = 'top' }\n");
  write_file("lib/deep/_shared.lua", "return { where = 'deep' }\n");
  write_file("lib/deep/er/s.lua",
             "local sh = include('_shared.lua')\n"
             "return scenario { id = 't/up', state = { where = sh.where }, persona = persona { name = 'p', run = function(u) u:say('hi') end } }\n");
  CHECK(open_ok("lib/deep/er/s.lua")->state()["where"] == "deep");
  write_file("lib/deep/er/s2.lua",
             "local sh = include('_shared.lua')\n"
             "return scenario { id = 't/up2', state = { where = sh.where }, persona = persona { name = 'p', run = function(u) u:say('hi') end } }\n");
  std::filesystem::remove("lib/deep/_shared.lua");
  CHECK(open_ok("lib/deep/er/s2.lua")->state()["where"] == "top");
  write_file("lib/sub/_x.lua", "return 1\n");
  CHECK(refused("include('secret.lua')").find("lib/bad.lua:1: include: lib/secret.lua: no such file") == 0);
  write_file("lib/deep/er/t.lua", "include('sub/_x.lua')\nreturn scenario { id = 't/t', persona = persona { name = 'p', run = function(u) end } }\n");
  auto t = Session::open("lib/deep/er/t.lua", Options{});
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().message.find("include: lib/deep/er/sub/_x.lua: no such file") != std::string::npos);
  CHECK(refused("pcall(include, '_orders.lua')\ninclude(1)").find("lib/bad.lua:2: include: '1' must name") == 0);
  write_file("lib/_a.lua", "return include('_b.lua')\n");
  write_file("lib/_b.lua", "return include('_a.lua')\n");
  CHECK(refused("include('_a.lua')").find("include: lib/_a.lua includes itself") != std::string::npos);
  write_file("lib/_syntax.lua", "local x = = 1\n");
  CHECK(refused("include('_syntax.lua')").find("lib/_syntax.lua:1:") == 0);
  write_file("lib/_boom.lua", "local t = {}\nreturn t.x.y\n");
  CHECK(refused("include('_boom.lua')").find("lib/_boom.lua:2:") == 0);
}

TEST_CASE("persona: each conversation's state is a deep copy, shared tables still shared and the declaration pristine") {
  TempDir dir;
  write_file("s.lua",
             "local shared = { n = 1 }\n"
             "local decl = { a = shared, b = shared, list = { 1, 2, { 3 } } }\n"
             "decl.self = decl\n"
             "return scenario { id = 't/copy', state = decl,\n"
             "  tools = { bump = { parameters = { type = 'object', properties = {} },\n"
             "    run = function(state) state.a.n = state.a.n + 1\n"
             "      return { b = state.b.n, self = state.self == state, pristine = shared.n, list = state.list[3][1] } end } },\n"
             "  persona = persona { name = 'p', run = function(u) u:say('hi') end } }\n");
  auto s = open_ok("s.lua");
  auto out = s->call_tool("bump", "{}");
  CHECK(out.result == json::parse(R"({"b": 2, "self": true, "pristine": 1, "list": 3})"));
  auto again = open_ok("s.lua");
  CHECK(again->call_tool("bump", "{}").result["b"] == 2);  // a fresh copy per session

  write_file("deep.lua",
             "local t = {}\nlocal x = t\nfor i = 1, 300 do x.next = {}; x = x.next end\n"
             "return scenario { id = 't/deep', state = t, persona = persona { name = 'p', run = function(u) end } }\n");
  auto deep = Session::open("deep.lua", Options{});
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().message.find("nested more than 200 levels") != std::string::npos);
}
