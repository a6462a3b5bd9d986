// The Lua bridge. See runtime.h for the contract.
//
// Lua is linked as C++ (Debian's liblua5.4-c++), so lua_error unwinds with a C++ exception
// and the Lua headers are included without extern "C".
//
// Every piece of user code (a script's main chunk, a tool, goal(), the persona) runs on a Lua
// thread through lua_resume. On an error the thread's stack is left intact, so the bridge can
// name the script line even for errors that carry no position (out of memory, CPU budget).
// Budgets are enforced only while user code runs: a count hook checks the thread's CPU time
// against a deadline, and the allocator refuses to grow the state past its cap.
#include "persona/runtime.h"

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
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace spar::persona {

extern const std::string_view kPrelude;  // generated from prelude/prelude.lua

namespace {

constexpr int kHookEvery = 10000;  // instructions between CPU-time checks
constexpr int kMaxDepth = 100;     // nesting limit for values crossing between JSON and Lua

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Budget {
  size_t used = 0;
  size_t limit = 0;
  bool enforce = false;  // true only while user code runs
  bool memory_blown = false;
  double step_seconds = 1.0;
  double deadline = 0;
  bool cpu_blown = false;
};

void* budget_alloc(void* ud, void* ptr, size_t osize, size_t nsize) {
  auto* b = static_cast<Budget*>(ud);
  if (ptr == nullptr) osize = 0;  // then osize encodes the object's type
  if (nsize == 0) {
    std::free(ptr);
    b->used -= osize;
    return nullptr;
  }
  if (b->enforce && nsize > osize && b->used - osize + nsize > b->limit) {
    b->memory_blown = true;
    return nullptr;
  }
  void* p = std::realloc(ptr, nsize);
  if (p != nullptr) b->used = b->used - osize + nsize;
  return p;
}

// The prelude compiled once per process and kept as Lua bytecode (with its debug info, so
// errors in it still name prelude lines). Every conversation opens a fresh state and loads the
// prelude into it; compiling its source each time was a sixth of spar's CPU at zero agent
// latency, and loading bytecode takes a fraction of that. This is spar's own code compiled by
// the same Lua; scripts still load as text only.
const std::string& prelude_bytecode() {
  static const std::string code = [] {
    lua_State* L = luaL_newstate();
    if (!L) throw std::runtime_error("prelude: cannot create a Lua state");
    if (luaL_loadbufferx(L, kPrelude.data(), kPrelude.size(), "=prelude", "t") != LUA_OK) {
      std::string msg = lua_tostring(L, -1);
      lua_close(L);
      throw std::runtime_error("prelude: " + msg);
    }
    std::string out;
    lua_dump(
        L,
        [](lua_State*, const void* p, size_t n, void* ud) {
          static_cast<std::string*>(ud)->append(static_cast<const char*>(p), n);
          return 0;
        },
        &out, /*strip=*/0);
    lua_close(L);
    return out;
  }();
  return code;
}

Budget& budget_of(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return *static_cast<Budget*>(ud);
}

// "path:line" of the innermost function of a user script on L's stack (prelude frames and C
// functions are skipped), or "" when there is none.
std::string where(lua_State* L) {
  lua_Debug ar;
  for (int level = 0; lua_getstack(L, level, &ar); ++level) {
    if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 && std::strcmp(ar.source, "=prelude") != 0) {
      return fmt::format("{}:{}", ar.short_src, ar.currentline);
    }
  }
  return "";
}

std::string cpu_budget_message(double step_seconds) {
  return fmt::format("CPU budget of {:g}s per step exceeded", step_seconds);
}

void count_hook(lua_State* L, lua_Debug*) {
  Budget& b = budget_of(L);
  if (!b.cpu_blown) {
    if (thread_cpu_seconds() < b.deadline) return;
    b.cpu_blown = true;
  }
  // Once blown, fire on every instruction so a pcall in the script cannot swallow the stop.
  lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
  std::string msg = where(L) + ": " + cpu_budget_message(b.step_seconds);
  lua_pushlstring(L, msg.data(), msg.size());
  lua_error(L);
}

int panic_handler(lua_State* L) {
  const char* msg = lua_tostring(L, -1);
  throw std::runtime_error(std::string("lua panic: ") + (msg ? msg : "unknown error"));
}

int lua_print(lua_State* L) {
  std::string line;
  int n = lua_gettop(L);
  for (int i = 1; i <= n; ++i) {
    size_t len = 0;
    const char* s = luaL_tolstring(L, i, &len);
    if (i > 1) line += '\t';
    line.append(s, len);
    lua_pop(L, 1);
  }
  spdlog::debug("[lua] {}: {}", where(L), line);
  return 0;
}

// A script's error message as spar keeps it: at most kMaxMessageBytes (a script can raise a
// string of many megabytes).
constexpr size_t kMaxMessageBytes = 4096;

std::string cap_message(std::string_view msg) {
  if (msg.size() <= kMaxMessageBytes) return std::string(msg);
  size_t cut = kMaxMessageBytes;
  while (cut > 0 && (static_cast<unsigned char>(msg[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return fmt::format("{}... ({} bytes in all)", msg.substr(0, cut), msg.size());
}

// The message starts with "path:line: " (a path without spaces or colons). A plain scan:
// std::regex recurses once per character and overflows the stack on a long message.
bool has_position(std::string_view msg) {
  size_t i = 0;
  while (i < msg.size() && msg[i] != ':' && !std::isspace(static_cast<unsigned char>(msg[i]))) ++i;
  if (i == 0 || i >= msg.size() || msg[i] != ':') return false;
  size_t digits = ++i;
  while (i < msg.size() && std::isdigit(static_cast<unsigned char>(msg[i]))) ++i;
  return i > digits && msg.substr(i, 2) == ": ";
}

// --- Library functions that loop in C -----------------------------------------------------
// The count hook only sees Lua instructions, so a single C call that loops 1e18 times (over
// empty strings, nils or a table whose __len lies) would ignore the CPU budget. These checks
// run before the library's own function and refuse such calls; the rest of each call is the
// library's.

// The most elements one call may walk: what the memory budget could hold as Lua values (16
// bytes each), at least 65,536.
lua_Integer max_elements(lua_State* L) {
  return static_cast<lua_Integer>(std::max<size_t>(budget_of(L).limit / 16, 1u << 16));
}

// Refuses a walk over [first, last] longer than max_elements.
void check_range(lua_State* L, const char* fn, lua_Integer first, lua_Integer last) {
  if (last < first) return;
  lua_Unsigned n = static_cast<lua_Unsigned>(last) - static_cast<lua_Unsigned>(first);
  lua_Integer cap = max_elements(L);
  if (n >= static_cast<lua_Unsigned>(cap)) {
    luaL_error(L, "%s: a range of more than %I elements (the memory budget's worth)", fn, cap);
  }
}

// #t as the library sees it. Only a table with a metatable can claim more elements than it
// holds (__len, __index); a plain table's border is bounded by memory.
lua_Integer virtual_length(lua_State* L, int idx) {
  if (!lua_getmetatable(L, idx)) return static_cast<lua_Integer>(lua_rawlen(L, idx));
  lua_pop(L, 1);
  return luaL_len(L, idx);
}

// Each check returns -1 to go on with the library function, or the number of results it
// pushed itself.
int check_rep(lua_State* L) {
  size_t len = 0, sep = 0;
  luaL_checklstring(L, 1, &len);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &sep);
  if (n <= 0 || len + sep == 0) {  // "" however many times: no need to loop n times
    lua_pushliteral(L, "");
    return 1;
  }
  return -1;  // the result's size is checked against the memory budget when it is allocated
}

int check_move(lua_State* L) {
  lua_Integer f = luaL_checkinteger(L, 2);
  lua_Integer e = luaL_checkinteger(L, 3);
  luaL_checkinteger(L, 4);
  check_range(L, "table.move", f, e);
  return -1;
}

int check_concat(lua_State* L) {
  luaL_checkany(L, 1);
  luaL_optlstring(L, 2, "", nullptr);
  lua_Integer i = luaL_optinteger(L, 3, 1);
  lua_Integer j = lua_isnoneornil(L, 4) ? virtual_length(L, 1) : luaL_checkinteger(L, 4);
  check_range(L, "table.concat", i, j);
  return -1;
}

int check_unpack(lua_State* L) {
  lua_Integer i = luaL_optinteger(L, 2, 1);
  lua_Integer j = lua_isnoneornil(L, 3) ? virtual_length(L, 1) : luaL_checkinteger(L, 3);
  check_range(L, "table.unpack", i, j);
  return -1;
}

// insert, remove and sort walk #t elements.
template <const char* Name>
int check_length(lua_State* L) {
  luaL_checkany(L, 1);
  check_range(L, Name, 1, virtual_length(L, 1));
  return -1;
}

template <int (*Check)(lua_State*)>
int guarded(lua_State* L) {
  int pushed = Check(L);
  if (pushed >= 0) return pushed;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

constexpr char kInsert[] = "table.insert";
constexpr char kRemove[] = "table.remove";
constexpr char kSort[] = "table.sort";

void guard_library_functions(lua_State* L) {
  struct Guard {
    const char* lib;
    const char* name;
    lua_CFunction fn;
  };
  const Guard guards[] = {
      {LUA_STRLIBNAME, "rep", guarded<check_rep>},           {LUA_TABLIBNAME, "move", guarded<check_move>},
      {LUA_TABLIBNAME, "concat", guarded<check_concat>},     {LUA_TABLIBNAME, "unpack", guarded<check_unpack>},
      {LUA_TABLIBNAME, "insert", guarded<check_length<kInsert>>},
      {LUA_TABLIBNAME, "remove", guarded<check_length<kRemove>>},
      {LUA_TABLIBNAME, "sort", guarded<check_length<kSort>>},
  };
  for (const auto& g : guards) {
    lua_getglobal(L, g.lib);
    lua_getfield(L, -1, g.name);
    lua_pushcclosure(L, g.fn, 1);
    lua_setfield(L, -2, g.name);
    lua_pop(L, 1);
  }
}

// Raw field access: never runs metamethods, so it cannot raise a Lua error.
int rawfield(lua_State* L, int idx, const char* key) {
  idx = lua_absindex(L, idx);
  lua_pushstring(L, key);
  return lua_rawget(L, idx);
}

// --- JSON crossing -----------------------------------------------------------------------

struct ConvertError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The nesting depth of a JSON value, counted without recursion; stops counting past `limit`.
int json_depth(const json& v, int limit) {
  int deepest = 0;
  std::vector<std::pair<const json*, int>> todo{{&v, 1}};
  while (!todo.empty()) {
    auto [x, d] = todo.back();
    todo.pop_back();
    if (!x->is_structured()) continue;
    deepest = std::max(deepest, d);
    if (deepest > limit) return deepest;
    for (const auto& child : *x) todo.emplace_back(&child, d + 1);
  }
  return deepest;
}

std::string too_deep_message() { return fmt::format("a value nested more than {} levels deep", kMaxDepth); }

// Pushes a JSON value as Lua data. Throws ConvertError for a value nested deeper than kMaxDepth.
void push_json(lua_State* L, const json& v, int depth = 0) {
  if (v.is_structured()) {
    if (depth >= kMaxDepth) throw ConvertError(too_deep_message());
    if (!lua_checkstack(L, 3)) throw ConvertError("out of Lua stack space");
  }
  switch (v.type()) {
    case json::value_t::null: lua_pushnil(L); break;
    case json::value_t::boolean: lua_pushboolean(L, v.get<bool>()); break;
    case json::value_t::number_integer: lua_pushinteger(L, v.get<int64_t>()); break;
    case json::value_t::number_unsigned: lua_pushinteger(L, static_cast<lua_Integer>(v.get<uint64_t>())); break;
    case json::value_t::number_float: lua_pushnumber(L, v.get<double>()); break;
    case json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      break;
    }
    case json::value_t::array: {
      lua_createtable(L, static_cast<int>(std::min<size_t>(v.size(), INT32_MAX)), 0);
      lua_Integer i = 1;
      for (const auto& x : v) {
        push_json(L, x, depth + 1);
        lua_rawseti(L, -2, i++);
      }
      break;
    }
    case json::value_t::object: {
      lua_createtable(L, 0, static_cast<int>(std::min<size_t>(v.size(), INT32_MAX)));
      for (const auto& [k, x] : v.items()) {
        lua_pushlstring(L, k.data(), k.size());
        push_json(L, x, depth + 1);
        lua_rawset(L, -3);
      }
      break;
    }
    default: lua_pushnil(L); break;
  }
}

// Converts Lua data to JSON without running metamethods. Bounded three ways: nesting (a cycle
// is too deep), and the number of values and string bytes produced (a table shared many times
// over would otherwise expand exponentially), both from the state's memory budget.
class ToJson {
 public:
  ToJson(lua_State* L, size_t byte_budget) : L_(L), bytes_left_(std::max<size_t>(byte_budget, 1u << 20)) {}

  json operator()(int idx, int depth = 0) {
    idx = lua_absindex(L_, idx);
    spend(16);
    switch (lua_type(L_, idx)) {
      case LUA_TNIL: return nullptr;
      case LUA_TBOOLEAN: return lua_toboolean(L_, idx) != 0;
      case LUA_TNUMBER: {
        if (lua_isinteger(L_, idx)) return static_cast<int64_t>(lua_tointeger(L_, idx));
        double d = lua_tonumber(L_, idx);
        if (!std::isfinite(d)) return nullptr;
        return d;
      }
      case LUA_TSTRING: {
        size_t len = 0;
        const char* s = lua_tolstring(L_, idx, &len);
        spend(len);
        return std::string(s, len);
      }
      case LUA_TTABLE: return table(idx, depth);
      default:
        throw ConvertError(fmt::format("a {} cannot cross into JSON", luaL_typename(L_, idx)));
    }
  }

 private:
  void spend(size_t n) {
    if (n > bytes_left_) throw ConvertError("a value too large to convert to JSON (larger than the memory budget)");
    bytes_left_ -= n;
  }

  json table(int idx, int depth) {
    if (depth >= kMaxDepth) throw ConvertError(fmt::format("table nested more than {} levels deep (or a cycle)", kMaxDepth));
    if (!lua_checkstack(L_, 4)) throw ConvertError("out of Lua stack space");
    lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L_, idx));
    lua_Integer count = 0;
    bool all_int_keys = true;
    lua_pushnil(L_);
    while (lua_next(L_, idx)) {
      ++count;
      if (!lua_isinteger(L_, -2)) all_int_keys = false;
      lua_pop(L_, 1);
    }
    if (count > 0 && all_int_keys && count == n) {
      json arr = json::array();
      for (lua_Integer i = 1; i <= n; ++i) {
        lua_rawgeti(L_, idx, i);
        arr.push_back((*this)(-1, depth + 1));
        lua_pop(L_, 1);
      }
      return arr;
    }
    json obj = json::object();
    lua_pushnil(L_);
    while (lua_next(L_, idx)) {
      std::string key;
      if (lua_type(L_, -2) == LUA_TSTRING) {
        size_t len = 0;
        const char* k = lua_tolstring(L_, -2, &len);
        key.assign(k, len);
      } else if (lua_type(L_, -2) == LUA_TNUMBER) {
        lua_pushvalue(L_, -2);  // copy: lua_tostring would change the key in place
        key = lua_tostring(L_, -1);
        lua_pop(L_, 1);
      } else {
        lua_pop(L_, 1);
        continue;  // boolean/table keys have no JSON form
      }
      spend(key.size());
      if (key.rfind("__", 0) != 0) obj[key] = (*this)(-1, depth + 1);
      lua_pop(L_, 1);
    }
    return obj;
  }

  lua_State* L_;
  size_t bytes_left_;
};

json to_json(lua_State* L, int idx) { return ToJson(L, budget_of(L).limit)(idx); }

std::string read_file(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

constexpr size_t kMaxIncludeBytes = 1u << 20;

// A name include() accepts: a relative path of plain segments ([A-Za-z0-9_.-], no "." or "..")
// ending in ".lua".
bool good_include_name(std::string_view name) {
  if (name.size() < 5 || name.size() > 255 || name.substr(name.size() - 4) != ".lua") return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    std::string_view part = name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

// include("name.lua"): runs a library file from the calling script's own folder (or below it)
// in a fresh environment, like a script's, and returns its value; a file included again
// returns the same value. This is the sandbox's only way to share code between scripts, and
// it reaches no file outside the script's folder: no absolute paths, no "..". Upvalue 1 is
// the prelude's new_env; the registry's "spar.include" table caches values by path.
int lua_include(lua_State* L) {
  size_t len = 0;
  const char* arg = luaL_checklstring(L, 1, &len);
  std::string name(arg, len);
  if (!good_include_name(name)) {
    return luaL_error(L, "include: '%s' must name a .lua file in this script's folder or below it "
                         "(letters, digits, '_', '-', '.', '/'; no '..' or absolute path)", name.c_str());
  }
  lua_Debug ar;
  if (!lua_getstack(L, 1, &ar) || !lua_getinfo(L, "S", &ar) || ar.source[0] != '@') {
    return luaL_error(L, "include: only a script file can include");
  }
  namespace fs = std::filesystem;
  std::string path = (fs::path(ar.source + 1).parent_path() / name).lexically_normal().string();

  lua_settop(L, 1);
  if (luaL_getsubtable(L, LUA_REGISTRYINDEX, "spar.include")) {
    if (lua_getfield(L, 2, path.c_str()) != LUA_TNIL) {
      if (lua_toboolean(L, -1) == 0 && lua_type(L, -1) == LUA_TBOOLEAN) {
        return luaL_error(L, "include: %s includes itself (through other files)", path.c_str());
      }
      return 1;
    }
    lua_pop(L, 1);
  }
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return luaL_error(L, "include: %s: no such file", path.c_str());
  if (fs::file_size(path, ec) > kMaxIncludeBytes) {
    return luaL_error(L, "include: %s: larger than %d bytes", path.c_str(), static_cast<int>(kMaxIncludeBytes));
  }
  bool ok = false;
  std::string code = read_file(path, ok);
  if (!ok) return luaL_error(L, "include: %s: cannot read file", path.c_str());
  lua_pushboolean(L, 0);  // in progress: a cycle is an error, not a stack overflow
  lua_setfield(L, 2, path.c_str());
  std::string chunk = "@" + path;
  if (luaL_loadbufferx(L, code.data(), code.size(), chunk.c_str(), "t") != LUA_OK) return lua_error(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_call(L, 0, 1);          // new_env()
  lua_setupvalue(L, -2, 1);   // the chunk's _ENV
  lua_call(L, 0, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, 2, path.c_str());
  return 1;
}

// Where `word` first appears as a whole word (not after a letter, digit or '_') followed, past
// any characters in `skip`, by one of `next`; npos when it does not. A plain search, not
// std::regex: this runs for every conversation, and std::regex recurses once per character.
size_t find_word_before(std::string_view code, std::string_view word, std::string_view skip, std::string_view next) {
  auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t pos = code.find(word); pos != std::string_view::npos; pos = code.find(word, pos + 1)) {
    if (pos > 0 && ident(code[pos - 1])) continue;
    size_t after = pos + word.size();
    while (after < code.size() && skip.find(code[after]) != std::string_view::npos) ++after;
    if (after < code.size() && next.find(code[after]) != std::string_view::npos) return pos;
  }
  return std::string_view::npos;
}

int line_at(std::string_view code, size_t pos) {
  return 1 + static_cast<int>(std::count(code.begin(), code.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

// "path:line" of the line that declares `keyword{` (or `keyword(`) in a script's source: where
// a declaration error is reported when the stack no longer shows the script (`return
// scenario{...}` is a tail call). The first line when there is no such line.
std::string declaration_where(const std::string& path, const std::string& code, const char* keyword) {
  size_t pos = find_word_before(code, keyword, " \t", "{(");
  return fmt::format("{}:{}", path, pos == std::string_view::npos ? 1 : line_at(code, pos));
}

std::string default_id(const std::string& path) {
  std::string p = path;
  auto pos = p.rfind("scenarios/");
  if (pos != std::string::npos) p = p.substr(pos + std::strlen("scenarios/"));
  else p = std::filesystem::path(p).filename().string();
  if (p.size() > 4 && p.compare(p.size() - 4, 4, ".lua") == 0) p.resize(p.size() - 4);
  return p;
}

}  // namespace

bool is_library_file(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  return !name.empty() && name[0] == '_';
}

std::string find_personas_dir(const std::string& scenario_path) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(scenario_path).parent_path();
  for (int i = 0; i < 32; ++i) {
    fs::path candidate = dir.empty() ? fs::path("personas") : dir / "personas";
    std::error_code ec;
    if (fs::is_directory(candidate, ec)) return candidate.lexically_normal().string();
    if (dir.empty()) break;
    fs::path parent = dir.parent_path();
    if (parent == dir) break;
    dir = parent;
  }
  return "";
}

// ------------------------------------------------------------------------------------------

// What the conversation and scoring read from a yielded action, by type. A raw
// coroutine.yield{...} can put anything there; each field must have its type or be absent.
std::string check_action(const Action& a) {
  enum class T { string, integer, strings };
  static const std::pair<const char*, T> kFields[] = {
      {"type", T::string},      {"field", T::string},  {"from", T::string},      {"to", T::string},
      {"earlier", T::string},   {"now", T::string},    {"referent", T::string},  {"text", T::string},
      {"digression", T::string}, {"back", T::string},  {"topic", T::string},     {"after_chars", T::integer},
      {"digression_turn", T::integer}, {"expect", T::strings}, {"candidates", T::strings}};
  auto fits = [](const json& v, T type) {
    switch (type) {
      case T::string: return v.is_string();
      case T::integer: return v.is_number_integer() && v.get<int64_t>() >= 0;
      case T::strings:
        return v.is_array() && std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_string(); });
    }
    return false;
  };
  auto check_object = [&](const json& o, const char* what, std::initializer_list<const char*> required) -> std::string {
    if (!o.is_object()) return fmt::format("{} must be a table", what);
    for (const char* r : required) {
      if (!o.contains(r)) return fmt::format("{} needs a field '{}'", what, r);
    }
    for (const auto& [name, type] : kFields) {
      auto it = o.find(name);
      if (it != o.end() && !fits(*it, type)) return fmt::format("{}.{} has the wrong type", what, name);
    }
    return "";
  };
  if (!a.events.is_array()) return "events must be a list";
  for (const auto& e : a.events) {
    if (auto why = check_object(e, "each event", {"type"}); !why.empty()) return why;
  }
  if (!a.probe.is_null()) {
    if (auto why = check_object(a.probe, "probe", {"key", "expected"}); !why.empty()) return why;
    if (!a.probe["key"].is_string() || !a.probe["expected"].is_string()) return "probe.key and probe.expected must be strings";
  }
  if (!a.interrupt.is_null()) {
    if (auto why = check_object(a.interrupt, "interrupt", {"after_chars", "text"}); !why.empty()) return why;
    if (a.events.empty() || a.events.back().value("type", "") != "interruption") {
      return "an interrupt must come with its interruption event";
    }
  }
  if (!a.llm.is_null()) {
    if (!a.llm.is_object() || !a.llm.contains("instructions") || !a.llm["instructions"].is_string()) {
      return "llm.instructions must be a string";
    }
  }
  return "";
}

struct Session::Impl {
  lua_State* L = nullptr;
  Budget budget;
  ScenarioInfo info;
  int ref_sandbox = LUA_NOREF;
  int ref_internal = LUA_NOREF;
  int ref_scenario = LUA_NOREF;
  int ref_persona = LUA_NOREF;
  int ref_state = LUA_NOREF;
  int ref_co = LUA_NOREF;
  lua_State* co = nullptr;
  bool finished = false;
  std::string fallback_where;  // where an error without a script frame is reported
  std::string scenario_where;  // "path:line" of the scenario{} declaration
  std::string persona_where;   // "path:line" of the persona{} declaration
  std::string scenario_code;   // the scenario's source, for pointing lint problems at lines

  ~Impl() {
    if (L) lua_close(L);
  }

  // Starts a step: a fresh CPU deadline, then the budgets on for T.
  void arm(lua_State* T) {
    budget.deadline = thread_cpu_seconds() + budget.step_seconds;
    budget.cpu_blown = false;
    budget.memory_blown = false;
    rearm(T);
  }

  // The budgets on for T within the current step (same deadline): for code a script still
  // gets to run after its step failed (error formatting, to-be-closed variables).
  void rearm(lua_State* T) {
    lua_sethook(T, count_hook, LUA_MASKCOUNT, budget.cpu_blown ? 1 : kHookEvery);
    budget.enforce = true;
  }

  void disarm() { budget.enforce = false; }

  // Closes T's pending to-be-closed variables (their __close handlers are script code) under
  // the step's budgets and leaves T reusable. Errors raised there are dropped.
  void reset_thread(lua_State* T) {
    rearm(T);
    lua_resetthread(T);
    disarm();
  }

  // The message of a non-string error object: its __tostring, run on a fresh thread under the
  // step's budgets (it may loop, allocate, fail or return a non-string).
  std::string describe_error_object(lua_State* T) {
    lua_State* F = lua_newthread(L);
    int fref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushcfunction(F, [](lua_State* S) -> int {
      luaL_tolstring(S, 1, nullptr);
      return 1;
    });
    lua_pushvalue(T, -1);
    lua_xmove(T, F, 1);
    const char* type = luaL_typename(F, -1);
    std::string fallback = fmt::format("(an error object of type {} that cannot be shown)", type);
    rearm(F);
    int nres = 0;
    int status = lua_resume(F, L, 1, &nres);
    disarm();
    std::string out;
    if (status == LUA_OK && lua_type(F, -1) == LUA_TSTRING) {
      size_t len = 0;
      const char* s = lua_tolstring(F, -1, &len);
      out = cap_message(std::string_view(s, len));
    } else {
      out = fallback;
    }
    reset_thread(F);
    luaL_unref(L, LUA_REGISTRYINDEX, fref);
    return out;
  }

  // The error on top of T's stack, as one "path:line: message" line.
  std::string error_text(lua_State* T, int status) {
    std::string w = where(T);
    if (w.empty()) w = fallback_where;
    std::string msg;
    if (status == LUA_ERRMEM || budget.memory_blown) {
      msg = memory_message();
    } else if (lua_type(T, -1) == LUA_TSTRING) {
      size_t len = 0;
      const char* s = lua_tolstring(T, -1, &len);
      msg = cap_message(std::string_view(s, len));
    } else {
      msg = describe_error_object(T);
      if (budget.memory_blown) msg = memory_message();
      else if (budget.cpu_blown) msg = cpu_message();
    }
    if (!has_position(msg) && !w.empty()) msg = w + ": " + msg;
    return msg;
  }

  std::string memory_message() const {
    return fmt::format("memory budget of {} MiB exceeded", budget.limit / (1024 * 1024));
  }
  std::string cpu_message() const { return cpu_budget_message(budget.step_seconds); }

  // Runs the function and `nargs` arguments on top of L on a fresh Lua thread, leaving one
  // result on L. Yielding outside a persona is an error.
  Result<Ok> run_protected(int nargs) {
    lua_State* T = lua_newthread(L);
    int tref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_xmove(L, T, nargs + 1);
    arm(T);
    int nres = 0;
    int status = lua_resume(T, L, nargs, &nres);
    disarm();
    Result<Ok> out = Ok{};
    if (status == LUA_OK) {
      if (nres == 0) {
        lua_pushnil(T);
        nres = 1;
      }
      lua_settop(T, lua_gettop(T) - nres + 1);  // keep the first result
      lua_xmove(T, L, 1);
    } else if (status == LUA_YIELD) {
      out = make_error("script", where(T) + ": cannot yield here (only a persona's run() can wait for the agent)");
    } else {
      out = make_error("script", error_text(T, status));
    }
    reset_thread(T);
    luaL_unref(L, LUA_REGISTRYINDEX, tref);
    if (!out.ok()) lua_gc(L, LUA_GCCOLLECT);
    return out;
  }

  // Calls scenario[name](state) in the sandbox, leaving its first result on L.
  Result<Ok> call_on_state(const char* name) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_scenario);
    rawfield(L, -1, name);
    lua_remove(L, -2);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_state);
    return run_protected(1);
  }

  void push_internal(const char* name) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_internal);
    rawfield(L, -1, name);
    lua_remove(L, -2);
  }

  // Loads a script file with its own environment and runs it; leaves its return value on L.
  Result<Ok> load_script(const std::string& path, const char* keyword, std::string& declared_at) {
    bool ok = false;
    std::string code = read_file(path, ok);
    if (!ok) return make_error("input", fmt::format("{}: cannot read file", path));
    declared_at = declaration_where(path, code, keyword);
    if (std::strcmp(keyword, "scenario") == 0) scenario_code = code;
    fallback_where = declared_at;
    std::string chunk = "@" + path;
    budget.enforce = true;
    int status = luaL_loadbufferx(L, code.data(), code.size(), chunk.c_str(), "t");
    budget.enforce = false;
    if (status != LUA_OK) {
      std::string msg = lua_tostring(L, -1) ? lua_tostring(L, -1) : "cannot load";
      lua_pop(L, 1);
      if (!has_position(msg)) msg = path + ": " + msg;  // e.g. a refused binary chunk
      return make_error("script", msg);
    }
    push_internal("new_env");
    auto env = run_protected(0);
    if (!env.ok()) return env;
    lua_setupvalue(L, -2, 1);  // the chunk's _ENV
    return run_protected(0);
  }

  Result<Ok> setup(uint64_t seed_for_load) {
    lua_atpanic(L, panic_handler);
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    luaL_requiref(L, LUA_COLIBNAME, luaopen_coroutine, 1);
    lua_settop(L, 0);
    guard_library_functions(L);
    // Nothing that loads code or bytecode, or reaches files, stays in the state.
    for (const char* name : {"dofile", "loadfile", "load", "require", "collectgarbage"}) {
      lua_pushnil(L);
      lua_setglobal(L, name);
    }
    lua_getglobal(L, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    lua_pushcfunction(L, lua_print);
    lua_setglobal(L, "print");
    seed(seed_for_load);

    const std::string& prelude = prelude_bytecode();
    if (luaL_loadbufferx(L, prelude.data(), prelude.size(), "=prelude", "b") != LUA_OK) {
      return make_error("internal", std::string("prelude: ") + lua_tostring(L, -1));
    }
    if (lua_pcall(L, 0, 2, 0) != LUA_OK) {
      return make_error("internal", std::string("prelude: ") + lua_tostring(L, -1));
    }
    // include(): a C closure over the prelude's new_env, set in the sandbox.
    rawfield(L, -1, "new_env");
    lua_pushcclosure(L, lua_include, 1);
    lua_setfield(L, -3, "include");
    ref_internal = luaL_ref(L, LUA_REGISTRYINDEX);
    ref_sandbox = luaL_ref(L, LUA_REGISTRYINDEX);
    return Ok{};
  }

  void seed(uint64_t s) {
    lua_getglobal(L, "math");
    lua_getfield(L, -1, "randomseed");
    lua_pushinteger(L, static_cast<lua_Integer>(s));
    lua_call(L, 1, 0);
    lua_pop(L, 1);
  }

  std::string kind_of(int idx) {
    if (!lua_istable(L, idx)) return "";
    rawfield(L, idx, "__kind");
    std::string k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    lua_pop(L, 1);
    return k;
  }

  std::string string_field(int idx, const char* key) {
    rawfield(L, idx, key);
    std::string s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    lua_pop(L, 1);
    return s;
  }

  Result<Ok> read_scenario(const std::string& path, const Options& options) {
    auto loaded = load_script(path, "scenario", scenario_where);
    if (!loaded.ok()) return loaded;
    if (kind_of(-1) != "scenario") {
      return make_error("script", fmt::format("{}: the script must return scenario{{...}}", path));
    }
    ref_scenario = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_scenario);
    int sc = lua_gettop(L);

    info.path = path;
    info.id = string_field(sc, "id");
    if (info.id.empty()) info.id = default_id(path);
    info.system = string_field(sc, "system");
    rawfield(L, sc, "max_turns");
    info.max_turns = static_cast<int>(lua_tointeger(L, -1));
    lua_pop(L, 1);
    rawfield(L, sc, "goal");
    info.has_goal = lua_isfunction(L, -1);
    lua_pop(L, 1);
    rawfield(L, sc, "progress");
    info.has_progress = lua_isfunction(L, -1);
    lua_pop(L, 1);
    rawfield(L, sc, "judge");
    if (lua_istable(L, -1)) info.judge_rubric = string_field(lua_gettop(L), "rubric");
    lua_pop(L, 1);
    const std::string& where_declared = scenario_where;

    try {
      rawfield(L, sc, "facts");
      info.facts = to_json(L, -1);
      lua_pop(L, 1);
      if (info.facts.is_array() && info.facts.empty()) info.facts = json::object();

      rawfield(L, sc, "intents");
      if (lua_istable(L, -1)) info.intents = to_json(L, -1);
      if (!info.intents.is_object()) info.intents = json::object();
      lua_pop(L, 1);
      rawfield(L, sc, "policies");
      info.policies = static_cast<int>(lua_rawlen(L, -1));
      lua_pop(L, 1);
      rawfield(L, sc, "checkpoints");
      if (lua_istable(L, -1)) {
        for (const auto& c : to_json(L, -1)) info.checkpoints.push_back(c.get<int>());
      }
      lua_pop(L, 1);

      rawfield(L, sc, "tools");
      int tools = lua_gettop(L);
      lua_pushnil(L);
      while (lua_next(L, tools)) {
        ToolInfo t;
        t.name = lua_tostring(L, -2);
        t.description = string_field(lua_gettop(L), "description");
        rawfield(L, -1, "parameters");
        t.parameters = lua_isnil(L, -1) ? json{{"type", "object"}, {"properties", json::object()}} : to_json(L, -1);
        lua_pop(L, 2);
        info.tools.push_back(std::move(t));
      }
      lua_pop(L, 1);
    } catch (const ConvertError& e) {
      lua_settop(L, sc - 1);
      return make_error("script", fmt::format("{}: {}", where_declared, e.what()));
    }
    std::sort(info.tools.begin(), info.tools.end(),
              [](const ToolInfo& a, const ToolInfo& b) { return a.name < b.name; });

    // The scenario's state, copied so the declaration stays pristine.
    push_internal("deep_copy");
    rawfield(L, sc, "state");
    auto copied = run_protected(1);
    if (!copied.ok()) return copied;
    ref_state = luaL_ref(L, LUA_REGISTRYINDEX);

    // The persona: a name in the personas folder, or an inline persona{} table.
    rawfield(L, sc, "persona");
    if (lua_type(L, -1) == LUA_TSTRING) {
      info.persona = lua_tostring(L, -1);
      lua_pop(L, 1);
      std::string dir = options.personas_dir.empty() ? find_personas_dir(path) : options.personas_dir;
      if (dir.empty()) {
        return make_error("script", fmt::format("{}: persona '{}' not found: no personas/ folder above the scenario",
                                                where_declared, info.persona));
      }
      // The same rules as include(): a plain relative name, inside the personas folder.
      if (!good_include_name(info.persona + ".lua")) {
        return make_error("script", fmt::format("{}: persona '{}' must be a name in the personas folder (letters, "
                                                "digits, '_', '-', '.', '/'; no '..' or absolute path)",
                                                where_declared, cap_message(info.persona)));
      }
      info.persona_path = (std::filesystem::path(dir) / (info.persona + ".lua")).string();
      std::error_code ec;
      if (!std::filesystem::is_regular_file(info.persona_path, ec)) {
        return make_error("script", fmt::format("{}: persona '{}' not found: no file {}", where_declared,
                                                info.persona, info.persona_path));
      }
      if (std::filesystem::file_size(info.persona_path, ec) > kMaxIncludeBytes) {
        return make_error("script", fmt::format("{}: persona '{}': {} is larger than {} bytes", where_declared,
                                                info.persona, info.persona_path, kMaxIncludeBytes));
      }
      auto p = load_script(info.persona_path, "persona", persona_where);
      if (!p.ok()) return p;
      if (kind_of(-1) != "persona") {
        return make_error("script", fmt::format("{}: the script must return persona{{...}}", info.persona_path));
      }
    } else if (kind_of(-1) != "persona") {
      return make_error("script", fmt::format("{}: scenario: persona must be a name or a persona{{...}} table",
                                              where_declared));
    } else {
      info.persona = string_field(lua_gettop(L), "name");
      persona_where = scenario_where;
    }
    ref_persona = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_settop(L, sc - 1);
    return Ok{};
  }

  // Turns what the persona coroutine left on co's stack into an Action.
  Result<Action> take_action(int status, int nres) {
    Action a;
    if (status == LUA_OK) {
      finished = true;
      lua_settop(co, 0);
      return a;  // run() returned: stop
    }
    if (status != LUA_YIELD) {
      finished = true;
      return make_error("script", error_text(co, status));
    }
    if (nres < 1 || !lua_istable(co, -1)) {
      finished = true;
      return make_error("script", where(co) + ": coroutine.yield is reserved for spar (use u:say)");
    }
    lua_xmove(co, L, 1);
    lua_settop(co, 0);
    int t = lua_gettop(L);
    rawfield(L, t, "op");
    bool op_ok = lua_type(L, -1) == LUA_TSTRING;
    std::string op = op_ok ? lua_tostring(L, -1) : "";
    lua_pop(L, 1);
    rawfield(L, t, "text");
    bool text_ok = lua_type(L, -1) == LUA_TSTRING || (op == "stop" && lua_isnil(L, -1));
    lua_pop(L, 1);
    if (op != "say" && op != "stop") {
      lua_settop(L, t - 1);
      finished = true;
      return make_error("script", where(co) + ": coroutine.yield is reserved for spar (use u:say)");
    }
    if (!text_ok) {
      lua_settop(L, t - 1);
      finished = true;
      return make_error("script", where(co) + ": coroutine.yield: text must be a string (use u:say)");
    }
    a.text = string_field(t, "text");
    try {
      rawfield(L, t, "events");
      json events = to_json(L, -1);
      lua_pop(L, 1);
      if (events.is_array()) a.events = std::move(events);
      rawfield(L, t, "probe");
      a.probe = to_json(L, -1);
      lua_pop(L, 1);
      rawfield(L, t, "interrupt");
      a.interrupt = to_json(L, -1);
      lua_pop(L, 1);
      rawfield(L, t, "llm");
      a.llm = to_json(L, -1);
      lua_pop(L, 1);
    } catch (const ConvertError& e) {
      lua_settop(L, t - 1);
      finished = true;
      return make_error("script", fmt::format("{}: {}", where(co), e.what()));
    }
    lua_settop(L, t - 1);
    if (auto why = check_action(a); !why.empty()) {
      finished = true;
      return make_error("script", fmt::format("{}: coroutine.yield: {} (use the u: primitives)", where(co), why));
    }
    if (op == "say") {
      a.kind = Action::Kind::say;
    } else {
      a.kind = Action::Kind::stop;
      finished = true;
    }
    return a;
  }

  Result<Action> resume_persona(int nargs) {
    arm(co);
    int nres = 0;
    int status = lua_resume(co, L, nargs, &nres);
    disarm();
    return take_action(status, nres);
  }
};

Session::Session() : impl_(std::make_unique<Impl>()) {}
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::open(const std::string& scenario_path, const Options& options) {
  std::unique_ptr<Session> s(new Session());
  Impl& m = *s->impl_;
  m.budget.limit = options.limits.memory_bytes;
  m.budget.step_seconds = options.limits.step_cpu_seconds;
  m.L = lua_newstate(budget_alloc, &m.budget);
  if (!m.L) return make_error("internal", "cannot create a Lua state");
  try {
    auto ok = m.setup(0);
    if (!ok.ok()) return ok.error();
    auto sc = m.read_scenario(scenario_path, options);
    if (!sc.ok()) return sc.error();
  } catch (const std::exception& e) {
    return make_error("script", fmt::format("{}: {}", scenario_path, e.what()));
  }
  return s;
}

const ScenarioInfo& Session::info() const { return impl_->info; }

Result<Action> Session::start(uint64_t seed) {
  Impl& m = *impl_;
  try {
    m.seed(seed);
    lua_getglobal(m.L, "math");  // seeded once per conversation; scripts cannot reseed
    lua_pushnil(m.L);
    lua_setfield(m.L, -2, "randomseed");
    lua_pop(m.L, 1);

    m.fallback_where = m.persona_where;
    m.co = lua_newthread(m.L);
    m.ref_co = luaL_ref(m.L, LUA_REGISTRYINDEX);
    lua_rawgeti(m.L, LUA_REGISTRYINDEX, m.ref_persona);
    rawfield(m.L, -1, "run");
    lua_remove(m.L, -2);
    // The copy of the facts and the user run under the budgets: the facts are script data.
    m.push_internal("deep_copy");
    lua_rawgeti(m.L, LUA_REGISTRYINDEX, m.ref_scenario);
    rawfield(m.L, -1, "facts");
    lua_remove(m.L, -2);
    if (auto r = m.run_protected(1); !r.ok()) {  // run, facts
      m.finished = true;
      return r.error();
    }
    m.push_internal("new_user");
    lua_pushvalue(m.L, -2);
    if (auto r = m.run_protected(1); !r.ok()) {  // run, facts, user
      m.finished = true;
      return r.error();
    }
    lua_insert(m.L, -2);        // run, user, facts
    lua_xmove(m.L, m.co, 3);
    return m.resume_persona(2);
  } catch (const std::exception& e) {
    m.finished = true;
    return make_error("script", fmt::format("{}: {}", m.info.persona_path, e.what()));
  }
}

Result<Action> Session::resume(const json& reply) {
  Impl& m = *impl_;
  if (m.finished || !m.co) return make_error("internal", "resume after the persona stopped");
  try {
    push_json(m.L, reply);
    lua_xmove(m.L, m.co, 1);
    return m.resume_persona(1);
  } catch (const std::exception& e) {
    m.finished = true;
    return make_error("script", fmt::format("{}: {}", m.info.persona_path, e.what()));
  }
}

namespace {

// Checks arguments against the parts of the JSON schema that matter to a tool: required
// properties and primitive types. Returns an error text, or "" when the arguments fit.
std::string check_arguments(const json& schema, const json& args) {
  if (!args.is_object()) return "arguments must be a JSON object";
  if (!schema.is_object()) return "";
  if (auto req = schema.find("required"); req != schema.end() && req->is_array()) {
    for (const auto& r : *req) {
      if (r.is_string() && !args.contains(r.get<std::string>())) {
        return fmt::format("missing required argument '{}'", r.get<std::string>());
      }
    }
  }
  auto props = schema.find("properties");
  if (props == schema.end() || !props->is_object()) return "";
  for (const auto& [name, value] : args.items()) {
    auto p = props->find(name);
    if (p == props->end() || !p->is_object() || !p->contains("type") || !(*p)["type"].is_string()) continue;
    const std::string type = (*p)["type"];
    bool fits = true;
    if (type == "string") fits = value.is_string();
    else if (type == "integer") fits = value.is_number_integer();
    else if (type == "number") fits = value.is_number();
    else if (type == "boolean") fits = value.is_boolean();
    else if (type == "array") fits = value.is_array();
    else if (type == "object") fits = value.is_object();
    if (!fits) return fmt::format("argument '{}' must be of type {}", name, type);
  }
  return "";
}

// The policy context as the rules see it: the arguments of a call refused for nesting too
// deeply (call_tool returned a tool error for it) read as nil.
json policy_context(const json& ctx) {
  if (json_depth(ctx, kMaxDepth) <= kMaxDepth) return ctx;
  json out = ctx;
  auto clip = [](json& holder) {
    if (holder.is_object() && holder.contains("args") && json_depth(holder["args"], kMaxDepth) > kMaxDepth - 4) {
      holder["args"] = nullptr;
    }
  };
  clip(out);
  if (out.contains("calls") && out["calls"].is_array()) {
    for (auto& c : out["calls"]) clip(c);
  }
  return out;
}

}  // namespace

ToolOutcome Session::call_tool(const std::string& name, const std::string& arguments_json) {
  Impl& m = *impl_;
  auto fail = [](std::string msg) { return ToolOutcome{json{{"error", std::move(msg)}}, true}; };
  const ToolInfo* tool = nullptr;
  for (const auto& t : m.info.tools) {
    if (t.name == name) tool = &t;
  }
  if (!tool) return fail(fmt::format("unknown tool '{}'", name));
  json args = json::parse(arguments_json.empty() ? "{}" : arguments_json, nullptr, false);
  if (args.is_discarded()) return fail(fmt::format("tool '{}': arguments are not valid JSON", name));
  if (json_depth(args, kMaxDepth) > kMaxDepth) return fail(fmt::format("tool '{}': arguments are {}", name, too_deep_message()));
  if (auto why = check_arguments(tool->parameters, args); !why.empty()) {
    return fail(fmt::format("tool '{}': {}", name, why));
  }
  try {
    int top = lua_gettop(m.L);
    lua_rawgeti(m.L, LUA_REGISTRYINDEX, m.ref_scenario);
    rawfield(m.L, -1, "tools");
    rawfield(m.L, -1, name.c_str());
    rawfield(m.L, -1, "run");
    lua_rawgeti(m.L, LUA_REGISTRYINDEX, m.ref_state);
    push_json(m.L, args);
    auto r = m.run_protected(2);
    if (!r.ok()) {
      lua_settop(m.L, top);
      return fail(fmt::format("tool '{}' failed: {}", name, r.error().message));
    }
    json result;
    try {
      result = to_json(m.L, -1);
    } catch (const ConvertError& e) {
      lua_settop(m.L, top);
      return fail(fmt::format("tool '{}' returned {}", name, e.what()));
    }
    lua_settop(m.L, top);
    if (result.is_null()) result = json::object();
    return ToolOutcome{std::move(result), false};
  } catch (const std::exception& e) {
    return fail(fmt::format("tool '{}' failed: {}", name, e.what()));
  }
}

json Session::check_policies(const json& ctx) {
  Impl& m = *impl_;
  json none = {{"violations", json::array()}, {"errors", json::array()}};
  if (m.info.policies == 0) return none;
  int top = lua_gettop(m.L);
  try {
    m.push_internal("check_policies");
    lua_rawgeti(m.L, LUA_REGISTRYINDEX, m.ref_scenario);
    rawfield(m.L, -1, "policies");
    lua_remove(m.L, -2);
    push_json(m.L, policy_context(ctx));
    lua_pushliteral(m.L, "state");
    lua_rawgeti(m.L, LUA_REGISTRYINDEX, m.ref_state);
    lua_rawset(m.L, -3);
    auto r = m.run_protected(2);
    if (!r.ok()) {
      lua_settop(m.L, top);
      none["errors"].push_back({{"rule", "*"}, {"message", r.error().message}});
      return none;
    }
    json out = to_json(m.L, -1);
    lua_settop(m.L, top);
    for (const char* key : {"violations", "errors"}) {
      if (!out.contains(key) || !out[key].is_array()) out[key] = json::array();
    }
    return out;
  } catch (const std::exception& e) {
    lua_settop(m.L, top);
    none["errors"].push_back({{"rule", "*"}, {"message", e.what()}});
    return none;
  }
}

Result<bool> Session::goal() {
  Impl& m = *impl_;
  if (!m.info.has_goal) return true;
  int top = lua_gettop(m.L);
  auto r = m.call_on_state("goal");
  if (!r.ok()) {
    lua_settop(m.L, top);
    return r.error();
  }
  bool met = lua_toboolean(m.L, -1) != 0;
  lua_settop(m.L, top);
  return met;
}

Result<json> Session::progress() {
  Impl& m = *impl_;
  if (!m.info.has_progress) return json(nullptr);
  int top = lua_gettop(m.L);
  auto r = m.call_on_state("progress");
  if (!r.ok()) {
    lua_settop(m.L, top);
    return r.error();
  }
  json out = nullptr;
  if (lua_type(m.L, -1) == LUA_TNUMBER) out = std::clamp(lua_tonumber(m.L, -1), 0.0, 1.0);
  else if (lua_isboolean(m.L, -1)) out = lua_toboolean(m.L, -1) ? 1.0 : 0.0;
  lua_settop(m.L, top);
  return out;
}

json Session::state() {
  Impl& m = *impl_;
  int top = lua_gettop(m.L);
  lua_rawgeti(m.L, LUA_REGISTRYINDEX, m.ref_state);
  json out;
  try {
    out = to_json(m.L, -1);
  } catch (const ConvertError& e) {
    out = json{{"error", e.what()}};
  }
  lua_settop(m.L, top);
  return out;
}

std::vector<std::string> Session::lint() {
  Impl& m = *impl_;
  std::vector<std::string> out;
  int top = lua_gettop(m.L);
  m.push_internal("lint_scenario");
  lua_rawgeti(m.L, LUA_REGISTRYINDEX, m.ref_scenario);
  auto r = m.run_protected(1);
  if (!r.ok()) {
    out.push_back(r.error().message);
    return out;
  }
  json problems = to_json(m.L, -1);
  lua_settop(m.L, top);
  if (!problems.is_array()) return out;
  for (const auto& p : problems) {
    std::string where = m.scenario_where;
    std::string anchor = p.value("anchor", "");
    bool plain = std::all_of(anchor.begin(), anchor.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
    if (!anchor.empty() && plain) {
      size_t pos = find_word_before(m.scenario_code, anchor, " \t\n\r\f\v", "=");
      if (pos != std::string_view::npos) where = fmt::format("{}:{}", m.info.path, line_at(m.scenario_code, pos));
    }
    out.push_back(fmt::format("{}: {}", where, p.value("message", "")));
  }
  return out;
}

Result<std::string> Session::script_kind(const std::string& path) {
  Session s;
  Impl& m = *s.impl_;
  m.budget.limit = Limits{}.memory_bytes;
  m.budget.step_seconds = Limits{}.step_cpu_seconds;
  m.L = lua_newstate(budget_alloc, &m.budget);
  if (!m.L) return make_error("internal", "cannot create a Lua state");
  try {
    auto ok = m.setup(0);
    if (!ok.ok()) return ok.error();
    std::string where;
    auto loaded = m.load_script(path, "persona", where);
    if (!loaded.ok()) return loaded.error();
    std::string kind = m.kind_of(-1);
    if (kind.empty()) {
      return make_error("script", fmt::format("{}: the script must return persona{{...}} or scenario{{...}}", path));
    }
    return kind;
  } catch (const std::exception& e) {
    return make_error("script", fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace spar::persona
