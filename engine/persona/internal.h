// What the files of the Lua bridge share (runtime.cc, sandbox.cc, lua_json.cc, loader.cc,
// actions.cc, checks.cc). Internal to engine/persona/: nothing outside includes it.
#pragma once

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <time.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "persona/runtime.h"

namespace spar::persona {

constexpr int kMaxDepth = 100;     // nesting limit for values crossing between JSON and Lua
constexpr size_t kMaxIncludeBytes = 1u << 20;  // an included file or a persona file

struct Budget {
  size_t used = 0;
  size_t limit = 0;
  bool enforce = false;  // true only while user code runs
  bool memory_blown = false;
  double step_seconds = 1.0;
  double deadline = 0;
  bool cpu_blown = false;
  Coverage* coverage = nullptr;  // lint: lines reached, by the line hook
};

// A value that cannot cross between JSON and Lua (lua_json.cc).
struct ConvertError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// sandbox.cc
void* budget_alloc(void* ud, void* ptr, size_t osize, size_t nsize);
Budget& budget_of(lua_State* L);
std::string where(lua_State* L);
std::string cpu_budget_message(double step_seconds);
int panic_handler(lua_State* L);
int lua_print(lua_State* L);
std::string cap_message(std::string_view msg);
bool has_position(std::string_view msg);
void guard_library_functions(lua_State* L);
int rawfield(lua_State* L, int idx, const char* key);

// lua_json.cc
int json_depth(const json& v, int limit);
std::string too_deep_message();
void push_json(lua_State* L, const json& v, int depth = 0);
json to_json(lua_State* L, int idx);

// expect.cc: internal.expect, the C side of r:expect{} (upvalue 1: the session's ExpectLog)
struct ExpectLog {
  json pending = json::array();  // observations since the last action
  size_t made = 0;               // in this conversation
};
int lua_expect(lua_State* L);

// loader.cc
bool good_include_name(std::string_view name);
size_t find_word_before(std::string_view code, std::string_view word, std::string_view skip, std::string_view next);
int line_at(std::string_view code, size_t pos);
std::string default_id(const std::string& path);

struct Session::Impl {
  lua_State* L = nullptr;
  Budget budget;
  ScenarioInfo info;
  int ref_sandbox = LUA_NOREF;
  int ref_internal = LUA_NOREF;
  int ref_scenario = LUA_NOREF;
  int ref_persona = LUA_NOREF;
  int ref_state = LUA_NOREF;
  int ref_facts = LUA_NOREF;     // the persona's merged facts (persona_facts); LUA_NOREF: the scenario's facts
  int ref_co = LUA_NOREF;
  lua_State* co = nullptr;
  bool finished = false;
  std::string fallback_where;  // where an error without a script frame is reported
  std::string scenario_where;  // "path:line" of the scenario{} declaration
  std::string persona_where;   // "path:line" of the persona{} declaration
  std::string scenario_code;   // the scenario's source, for pointing lint problems at lines
  ExpectLog expectations;      // r:expect{} observations

  ~Impl() {
    if (L) lua_close(L);
  }

  void disarm() { budget.enforce = false; }

  std::string cpu_message() const { return cpu_budget_message(budget.step_seconds); }

  // sandbox.cc
  void arm(lua_State* T);
  void rearm(lua_State* T);
  void reset_thread(lua_State* T);
  std::string describe_error_object(lua_State* T);
  std::string error_text(lua_State* T, int status);
  std::string memory_message() const;
  Result<Ok> run_protected(int nargs, int nkeep = 1);  // leaves the first nkeep results (nil-padded)
  Result<Ok> call_on_state(const char* name, const json* extra = nullptr, int nkeep = 1);
  void push_internal(const char* name);
  // "path:line" where the Lua function at idx is defined, or the scenario's declaration.
  std::string defined_at(int idx);

  // loader.cc
  Result<Ok> load_script(const std::string& path, const char* keyword, std::string& declared_at);
  Result<Ok> setup(uint64_t seed_for_load);
  void seed(uint64_t s);

  // checks.cc
  std::string kind_of(int idx);
  std::string string_field(int idx, const char* key);
  std::vector<std::string> string_list(int idx, const char* key);  // the leading strings of a list field
  Result<Ok> read_scenario(const std::string& path, const Options& options);
  // internal.lint_scenario's problems, each "path:line: message", with error = true for those
  // `spar run` refuses too (read_scenario fails on the first).
  struct Problem {
    std::string text;
    bool error = false;
  };
  std::vector<Problem> problems();
  // Options::coverage: the lines with code of the functions reachable from the value at idx.
  void collect_lines(int idx, std::set<const void*>& seen, int depth);

  // actions.cc
  Result<Action> take_action(int status, int nres);
  Result<Action> resume_persona(int nargs);
};

}  // namespace spar::persona
