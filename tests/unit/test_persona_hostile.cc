// Scripts that try to crash, hang or escape spar: each attempt is that conversation's error
// ("path:line: message", kind "script") or a tool error, never a crash, a hang or a budget
// that stops counting.
#include <doctest/doctest.h>

#include <vector>

#include "persona/runtime.h"
#include "support.h"

using spar::persona::Action;
using spar::persona::Options;
using spar::persona::Session;
using spar::test::TempDir;
using spar::test::write_file;
using json = nlohmann::json;

namespace {

// A scenario (line 1..) whose inline persona runs `body` from line 6, with a shared `flag`
// table that the tool `flag` reads back: code that ran where it should not have leaves a mark.
std::string hostile(const std::string& body, const std::string& extra = "") {
  return "local flag = {}\n"
         "return scenario {\n" + extra +
         "  tools = { flag = { description = 'Read the flag.', run = function(state, args) return { done = flag.done or false } end } },\n"
         "  persona = persona { name = 'hostile', run = function(u, facts)\n"
         "    u:say('hi')\n" +
         body + "\n  end },\n}\n";
}

Options small() {
  Options o;
  o.limits.step_cpu_seconds = 0.05;
  o.limits.memory_bytes = 4u * 1024 * 1024;
  return o;
}

std::unique_ptr<Session> open_ok(const std::string& path, Options options = small()) {
  auto s = Session::open(path, options);
  if (!s.ok()) FAIL(s.error().message);
  return std::move(s).value();
}

// The error the persona's second step (line 6 on) ends with.
spar::Error second_step_error(const std::string& body, Options options = small()) {
  write_file("s.lua", hostile(body));
  auto s = open_ok("s.lua", options);
  REQUIRE(s->start(1).ok());
  auto a = s->resume({{"text", "hello"}});
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().kind == spar::ErrorKind::script);
  return a.error();
}

bool flag_set(Session& s) { return s.call_tool("flag", "{}").result.value("done", false); }

}  // namespace

TEST_CASE("hostile: a 60 KB error message is one short path:line error") {
  TempDir dir;
  auto e = second_step_error("    error(string.rep('x', 60000))");
  CHECK(e.message.rfind("s.lua:6: xxxx", 0) == 0);
  CHECK(e.message.size() < 4200);
  CHECK(e.message.find("(60009 bytes in all)") != std::string::npos);
  auto nocolon = second_step_error("    error(string.rep('y', 60000), 0)");
  CHECK(nocolon.message.rfind("s.lua:6: yyyy", 0) == 0);
}

TEST_CASE("hostile: a raw coroutine.yield with badly typed fields is the persona's error") {
  TempDir dir;
  const char* yields[] = {
      "{ op = 5 }",
      "{ op = 'say', text = {} }",
      "{ op = 'say', text = 'x', events = { 'not an event' } }",
      "{ op = 'say', text = 'x', events = { { type = {} } } }",
      "{ op = 'say', text = 'x', events = { { type = 'intent_change', from = {}, to = 5 } } }",
      "{ op = 'say', text = 'x', events = { { type = 'interruption', after_chars = 'x' } } }",
      "{ op = 'say', text = 'x', events = { { type = 'ambiguity', candidates = { {} } } } }",
      "{ op = 'say', text = 'x', probe = { key = {}, expected = 'a' } }",
      "{ op = 'say', text = 'x', probe = 5 }",
      "{ op = 'say', text = 'x', interrupt = { after_chars = 3, text = 'y' } }",
      "{ op = 'say', text = 'x', interrupt = { after_chars = 'many', text = 'y' }, events = { { type = 'interruption' } } }",
      "{ op = 'say', text = 'x', llm = { instructions = {} } }",
      "{ op = 'stop', events = { { type = 'correction', to = true } } }",
  };
  for (const char* y : yields) {
    CAPTURE(y);
    auto e = second_step_error(std::string("    coroutine.yield(") + y + ")");
    CHECK(e.message.rfind("s.lua:6: coroutine.", 0) == 0);
  }
}

TEST_CASE("hostile: every primitive checks the types of its fields") {
  TempDir dir;
  const std::pair<const char*, const char*> calls[] = {
      {"u:change_intent{ from = {}, to = 5, text = 'x' }", "s.lua:6: change_intent: from must be a string"},
      {"u:change_intent{ from = 'a', to = 5, text = 'x' }", "s.lua:6: change_intent: to must be a string"},
      {"u:correct{ field = {}, from = 1, to = 2, text = 'x' }", "s.lua:6: correct: field must be a string"},
      {"u:correct{ field = 'f', from = {}, to = 2, text = 'x' }", "s.lua:6: correct: from must be a string or a number"},
      {"u:contradict{ field = 'f', earlier = 'a', now = true, text = 'x' }",
       "s.lua:6: contradict: now must be a string or a number"},
      {"u:ambiguous{ referent = 'a', candidates = { {} }, text = 'x' }",
       "s.lua:6: ambiguous: candidates must be a list of strings"},
      {"u:interrupt{ after_chars = 3, text = 'x', expect = 'word' }", "s.lua:6: interrupt: expect must be a list of strings"},
      {"u:topic_switch{ text = 'x', back = 'y', topic = {} }", "s.lua:6: topic_switch: topic must be a string"},
      {"u:probe({}, 'x')", "s.lua:6: probe: expected a string key"},
  };
  for (const auto& [call, message] : calls) {
    CAPTURE(call);
    CHECK(second_step_error(std::string("    ") + call).message == message);
  }
}

TEST_CASE("hostile: an error object whose __tostring fails, lies or is huge") {
  TempDir dir;
  auto obj = [](const std::string& tostring_body) {
    return "    error(setmetatable({}, { __tostring = function() " + tostring_body + " end }))";
  };
  CHECK(second_step_error(obj("error('inner')")).message ==
        "s.lua:6: (an error object of type table that cannot be shown)");
  CHECK(second_step_error(obj("return {}")).message == "s.lua:6: (an error object of type table that cannot be shown)");
  CHECK(second_step_error(obj("return 'shown'")).message == "s.lua:6: shown");
  auto huge = second_step_error(obj("return string.rep('z', 100000)"));
  CHECK(huge.message.size() < 4200);
  CHECK(huge.message.rfind("s.lua:6: zzz", 0) == 0);
  CHECK(second_step_error(obj("while true do end")).message == "s.lua:6: CPU budget of 0.05s per step exceeded");
  CHECK(second_step_error(obj("local t = {} for i = 1, 1e7 do t[i] = i end")).message ==
        "s.lua:6: memory budget of 4 MiB exceeded");
}

TEST_CASE("hostile: __close handlers and __tostring run under the budgets") {
  TempDir dir;
  // Each handler would set flag.done after spending far more than the step allows.
  const char* memory = "local s = string.rep('x', 32 << 20) flag.done = true";  // 32 MiB under 4
  const char* cpu = "for i = 1, 3e8 do end flag.done = true";
  for (const char* work : {memory, cpu}) {
    CAPTURE(work);
    const std::string w = work;
    // A to-be-closed variable after an error, and an error object's __tostring.
    for (const std::string& body :
         {"    local x <close> = setmetatable({}, { __close = function() " + w + " end })\n    error('boom')",
          "    error(setmetatable({}, { __tostring = function() " + w + " return 'x' end }))"}) {
      CAPTURE(body);
      write_file("s.lua", hostile(body));
      auto s = open_ok("s.lua");
      REQUIRE(s->start(1).ok());
      CHECK_FALSE(s->resume({{"text", "hello"}}).ok());
      CHECK_FALSE(flag_set(*s));
    }
    // goal()'s to-be-closed variable.
    write_file("s.lua", hostile("    u:say('x')", "  goal = function(state) local x <close> = setmetatable({}, "
                                                 "{ __close = function() " + w + " end }) error('no') end,\n"));
    auto s = open_ok("s.lua");
    CHECK_FALSE(s->goal().ok());
    CHECK_FALSE(flag_set(*s));
  }
}

TEST_CASE("hostile: C library calls that would loop ~1e18 times are refused or short-cut") {
  TempDir dir;
  write_file("s.lua", hostile(
      "    local huge = setmetatable({}, { __len = function() return math.maxinteger end })\n"
      "    local out = {}\n"
      "    out[#out + 1] = #string.rep('', math.maxinteger) .. #string.rep('', math.maxinteger, '') .. #('x'):rep(0)\n"
      "    local function try(f, ...) local ok, e = pcall(f, ...) out[#out + 1] = ok and 'ok' or e end\n"
      "    try(table.move, {}, 1, math.maxinteger, 1, {})\n"
      "    try(table.move, {}, math.mininteger, -1, 1, {})\n"
      "    try(table.concat, {}, '', 1, math.maxinteger)\n"
      "    try(table.concat, huge)\n"
      "    try(table.unpack, {}, 1, math.maxinteger)\n"
      "    try(table.insert, huge, 1, 'x')\n"
      "    try(table.remove, huge, 1)\n"
      "    try(table.sort, huge)\n"
      "    try(table.move, {1, 2, 3}, 1, 3, 2)\n"
      "    try(string.rep, {}, 2)\n"
      "    u:say(table.concat(out, '\\n'))"));
  auto s = open_ok("s.lua");
  REQUIRE(s->start(1).ok());
  auto a = s->resume({{"text", "hello"}});
  REQUIRE(a.ok());
  const std::string cap = "a range of more than 262144 elements (the memory budget's worth)";
  CHECK(a->text == "000\n"
                   "table.move: " + cap + "\n" +
                   "table.move: " + cap + "\n" +
                   "table.concat: " + cap + "\n" +
                   "table.concat: " + cap + "\n" +
                   "table.unpack: " + cap + "\n" +
                   "table.insert: " + cap + "\n" +
                   "table.remove: " + cap + "\n" +
                   "table.sort: " + cap + "\n" +
                   "ok\n"
                   "bad argument #1 to 'string.rep' (string expected, got table)");
}

namespace {
// [[[...["leaf"]...]]], `depth` levels deep, built as text (copying a deep json recurses).
std::string nested_text(int depth) { return std::string(depth, '[') + "\"leaf\"" + std::string(depth, ']'); }
json nested(int depth) { return json::parse(nested_text(depth)); }
}  // namespace

TEST_CASE("hostile: JSON nested too deeply never reaches Lua") {
  TempDir dir;
  write_file("s.lua", hostile("    u:say('x')", "  state = {},\n"));
  auto s = open_ok("s.lua");
  for (int depth : {150, 3000}) {
    CAPTURE(depth);
    auto r = s->call_tool("flag", "{\"x\": " + nested_text(depth) + "}");
    CHECK(r.error);
    CHECK(r.result["error"] == "tool 'flag': arguments are a value nested more than 100 levels deep");
    // The policy context carries the refused call's arguments: they read as nil.
    json ctx = {{"kind", "tool_call"}, {"tool", "flag"}, {"args", json{{"x", nested(depth)}}},
                {"calls", json::array({{{"name", "flag"}, {"args", json{{"x", nested(depth)}}}}})}};
    CHECK(s->check_policies(ctx)["errors"].empty());
  }
  CHECK(s->call_tool("flag", "{\"x\": " + nested_text(90) + "}").result == json{{"done", false}});
  REQUIRE(s->start(1).ok());
  auto a = s->resume({{"text", "x"}, {"deep", nested(1000)}});
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().kind == spar::ErrorKind::script);
  CHECK(a.error().message.find("nested more than 100 levels deep") != std::string::npos);
}

TEST_CASE("hostile: Lua values too deep, cyclic or shared too often do not cross into JSON") {
  TempDir dir;
  write_file("s.lua", hostile("    local t = {} for i = 1, 20 do t = { t, t } end\n"
                              "    u:say('x')",
                              "  state = { big = (function() local s = string.rep('x', 1 << 20) local t = {} "
                              "for i = 1, 200 do t[i] = s end return t end)() },\n"));
  auto s = open_ok("s.lua");
  CHECK(s->state() == json{{"error", "a value too large to convert to JSON (larger than the memory budget)"}});
  write_file("t.lua", hostile("    u:say('x')", "  state = { dag = (function() local t = {} for i = 1, 20 do t = { t, t } end return t end)() },\n"));
  CHECK(open_ok("t.lua")->state() ==
        json{{"error", "a value too large to convert to JSON (larger than the memory budget)"}});
  write_file("c.lua", hostile("    u:say('x')", "  state = (function() local t = {} t.self = t return t end)(),\n"));
  CHECK(open_ok("c.lua")->state()["error"] == "table nested more than 100 levels deep (or a cycle)");
  write_file("y.lua", hostile("    local t = {} for i = 1, 20 do t = { t, t } end\n"
                              "    coroutine.yield{ op = 'say', text = 'x', events = { { type = 'x', more = t } } }"));
  auto y = open_ok("y.lua");
  REQUIRE(y->start(1).ok());
  auto a = y->resume({{"text", "x"}});
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().message == "y.lua:7: a value too large to convert to JSON (larger than the memory budget)");
}

TEST_CASE("hostile: a persona name resolves like include(), inside the personas folder") {
  TempDir dir;
  write_file("secret.lua", "password = hunter2 please\n");
  write_file("personas/ok.lua", "return persona { run = function(u) u:say('hi') end }\n");
  write_file("scenarios/a/ok.lua", "return scenario { persona = 'ok' }\n");
  CHECK(open_ok("scenarios/a/ok.lua")->start(1)->text == "hi");
  for (const std::string& name :
       std::vector<std::string>{"../secret", "../../secret", (dir.path() / "secret").string(), "a/../../secret", "./ok"}) {
    CAPTURE(name);
    write_file("scenarios/a/s.lua", "return scenario {\n  persona = '" + name + "',\n}\n");
    auto s = Session::open("scenarios/a/s.lua", {});
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().kind == spar::ErrorKind::script);
    CHECK(s.error().message == "scenarios/a/s.lua:1: persona '" + name +
                                   "' must be a name in the personas folder (letters, digits, '_', '-', '.', '/'; "
                                   "no '..' or absolute path)");
    CHECK(s.error().message.find("hunter2") == std::string::npos);
  }
}

TEST_CASE("hostile: a persona cannot rewrite the libraries the scenario's policies use") {
  TempDir dir;
  const std::string policy = "  policies = { forbid_text('refund', 'no refunds') },\n";
  auto violations = [&](const std::string& body) {
    write_file("s.lua", hostile(body, policy));
    auto s = open_ok("s.lua");
    auto a = s->start(1);
    REQUIRE(a.ok());
    a = s->resume({{"text", "x"}});
    REQUIRE(a.ok());
    size_t n = 0;
    for (int i = 0; i < 2; ++i) {
      n += s->check_policies({{"kind", "text"}, {"text", "here is your refund"}})["violations"].size();
    }
    return std::make_pair(n, a->text);
  };
  CHECK(violations("    u:say('honest')").first == 2);
  auto [n, said] = violations(
      "    local out = {}\n"
      "    local function try(f) local ok, e = pcall(f) out[#out + 1] = ok and 'changed' or e end\n"
      "    try(function() string.find = function() return nil end end)\n"
      "    try(function() ('').find = nil end)\n"
      "    try(function() getmetatable('').__index.find = function() return nil end end)\n"
      "    try(function() rawset(string, 'find', function() return nil end) end)\n"
      "    try(function() rawset(getmetatable(''), '__index', {}) end)\n"
      "    try(function() setmetatable(string, nil) end)\n"
      "    try(function() table.insert(string, 1) end)\n"
      "    try(function() math.random = function() return 1 end end)\n"
      "    try(function() story.answer = nil end)\n"
      "    mine = string.find('abc', 'b')\n"
      "    u:say(table.concat(out, '\\n') .. '\\n' .. mine .. ' ' .. #string.upper('abc'))");
  CHECK(n == 2);
  CHECK(said ==
        "s.lua:9: cannot change string.find: the string library is read-only\n"
        "s.lua:10: attempt to index a string value (constant '')\n"
        "s.lua:11: cannot change string.find: the string library is read-only\n"
        "s.lua:12: rawset: library tables are read-only\n"
        "s.lua:13: rawset: library tables are read-only\n"
        "prelude:29: cannot change a protected metatable\n"
        "cannot change string.1: the string library is read-only\n"
        "s.lua:16: cannot change math.random: the math library is read-only\n"
        "s.lua:17: cannot change story.answer: the story library is read-only\n"
        "2 3");
}

TEST_CASE("hostile: lint points at a tool's line without a regex over the scenario's source") {
  TempDir dir;
  // A long run of spaces after the tool's name: std::regex's \s* recursed once per space.
  write_file("s.lua", "-- cancel" + std::string(300000, ' ') + "x\n"
                      "return scenario {\n"
                      "  goal = function(state) return true end,\n"
                      "  tools = {\n"
                      "    cancel   = { run = function(state, args) return {} end },\n"
                      "  },\n"
                      "  persona = persona { run = function(u) u:say('hi') end },\n"
                      "}\n");
  auto s = open_ok("s.lua");
  auto problems = s->lint();
  REQUIRE(problems.size() == 2);
  CHECK(problems[0] == "s.lua:2: scenario has tools but no system prompt");
  CHECK(problems[1] == "s.lua:5: tool 'cancel' has no description");
}
