// Loading: the prelude (as bytecode), include(), a scenario or persona file with its own
// environment, Session::open, and telling scenario, persona and library files apart.
#include "persona/internal.h"

#include <map>
#include <memory>
#include <mutex>

namespace spar::persona {

extern const std::string_view kPrelude;  // generated from prelude/prelude.lua

namespace {

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

std::string read_file(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

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

namespace {

constexpr int kMaxCopyDepth = 200;  // as deep as the Lua version recursed before its C stack ran out

// Replaces the value on top of the stack by its deep copy; `seen` (an absolute index) maps each
// table already copied to its copy, so shared tables stay shared and a cycle stays a cycle.
void copy_top(lua_State* L, int seen, int depth) {
  if (lua_type(L, -1) != LUA_TTABLE) return;
  lua_pushvalue(L, -1);
  if (lua_rawget(L, seen) != LUA_TNIL) {
    lua_remove(L, -2);
    return;
  }
  lua_pop(L, 1);
  if (depth > kMaxCopyDepth) luaL_error(L, "cannot copy a value nested more than %d levels deep", kMaxCopyDepth);
  luaL_checkstack(L, 8, "deep copy");
  int src = lua_gettop(L);
  lua_createtable(L, static_cast<int>(std::min<lua_Unsigned>(lua_rawlen(L, src), 1u << 24)), 0);
  int dst = src + 1;
  lua_pushvalue(L, src);
  lua_pushvalue(L, dst);
  lua_rawset(L, seen);
  lua_pushnil(L);
  while (lua_next(L, src) != 0) {  // key, value
    lua_pushvalue(L, -2);          // key, value, key
    copy_top(L, seen, depth + 1);  // key, value, key'
    lua_insert(L, -2);             // key, key', value
    copy_top(L, seen, depth + 1);  // key, key', value'
    lua_rawset(L, dst);            // key
  }
  lua_remove(L, src);
}

// internal.deep_copy(v): a copy of v sharing no table with it (metatables are not copied). In C:
// it copies every scenario's state once per conversation, and a tau database is 2.8 MB of Lua
// tables, which the Lua version walked four times slower. Bounded by the memory budget (every
// table it makes is allocated through it) and by kMaxCopyDepth.
int lua_deep_copy(lua_State* L) {
  lua_settop(L, 1);
  lua_newtable(L);  // seen
  lua_pushvalue(L, 1);
  copy_top(L, 2, 0);
  return 1;
}

// Compiled libraries, shared by every session of the process: a tau database is megabytes of
// Lua source that every conversation includes twice (its run and its scoring), each time
// compiling the same text again. An entry is used only while the file still holds the very text it
// was compiled from; the cache stops growing at kMaxCompiledBytes of source and bytecode.
constexpr size_t kMaxCompiledBytes = size_t{512} << 20;
struct Compiled {
  std::string source;
  std::string bytecode;
};
std::mutex compiled_mutex;
std::map<std::string, std::shared_ptr<const Compiled>> compiled_libraries;
size_t compiled_bytes = 0;

int dump_to_string(lua_State*, const void* p, size_t size, void* out) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(p), size);
  return 0;
}

// Loads the library `code` (the text of `path`) as luaL_loadbufferx would, from the cache when
// it holds this text. Only bytecode spar compiled itself from text is ever loaded as binary.
int load_library(lua_State* L, const std::string& path, const std::string& code, const std::string& chunk) {
  std::shared_ptr<const Compiled> hit;
  {
    std::lock_guard<std::mutex> lock(compiled_mutex);
    auto it = compiled_libraries.find(path);
    if (it != compiled_libraries.end() && it->second->source == code) hit = it->second;
  }
  if (hit) return luaL_loadbufferx(L, hit->bytecode.data(), hit->bytecode.size(), chunk.c_str(), "b");
  int status = luaL_loadbufferx(L, code.data(), code.size(), chunk.c_str(), "t");
  if (status != LUA_OK) return status;
  auto entry = std::make_shared<Compiled>();
  entry->source = code;
  if (lua_dump(L, dump_to_string, &entry->bytecode, 0) != 0) return LUA_OK;
  std::lock_guard<std::mutex> lock(compiled_mutex);
  size_t size = entry->source.size() + entry->bytecode.size();
  if (compiled_bytes + size <= kMaxCompiledBytes && !compiled_libraries.count(path)) {
    compiled_bytes += size;
    compiled_libraries[path] = std::move(entry);
  }
  return LUA_OK;
}

// Where include(name) finds `name` for a script in `dir`: beside the script, or else, for a
// library's plain name ("_tau.lua": no folder, starts with '_'), in the nearest folder above
// that holds it, so the scenarios of several folders share one library as they share the
// nearest personas/ folder. Paths stay relative when `dir` is; 64 levels at most. When no
// folder has it: the path beside the script, which the caller reports as missing.
std::string resolve_include(const std::filesystem::path& dir, const std::string& name) {
  namespace fs = std::filesystem;
  fs::path beside = (dir / name).lexically_normal();
  std::error_code ec;
  if (fs::is_regular_file(beside, ec)) return beside.string();
  if (name.find('/') != std::string::npos || !is_library_file(name)) return beside.string();
  fs::path up = dir;
  for (int i = 0; i < 64; ++i) {
    up = (up / "..").lexically_normal();
    fs::path candidate = (up / name).lexically_normal();
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
    fs::path abs = fs::absolute(up, ec);
    if (ec || abs.lexically_normal() == abs.root_path()) break;
  }
  return beside.string();
}

// include("name.lua"): runs a library file from the calling script's own folder (or below it,
// or the nearest folder above that has it: resolve_include) in a fresh environment, like a
// script's, and returns its value; a file included again returns the same value. This is the
// sandbox's only way to share code between scripts: the name is plain segments (no absolute
// paths, no ".."), so a script reaches only files below its folder and `_*.lua` files in the
// folders above it. Upvalue 1 is the prelude's new_env; the registry's "spar.include" table
// caches values by path.
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
  std::string path = resolve_include(fs::path(ar.source + 1).parent_path(), name);

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
  if (!fs::is_regular_file(path, ec)) {
    if (name.find('/') == std::string::npos && is_library_file(name)) {
      return luaL_error(L, "include: %s: no such file (nor in a folder above)", path.c_str());
    }
    return luaL_error(L, "include: %s: no such file", path.c_str());
  }
  if (fs::file_size(path, ec) > kMaxIncludeBytes) {
    return luaL_error(L, "include: %s: larger than %d bytes", path.c_str(), static_cast<int>(kMaxIncludeBytes));
  }
  bool ok = false;
  std::string code = read_file(path, ok);
  if (!ok) return luaL_error(L, "include: %s: cannot read file", path.c_str());
  lua_pushboolean(L, 0);  // in progress: a cycle is an error, not a stack overflow
  lua_setfield(L, 2, path.c_str());
  std::string chunk = "@" + path;
  if (load_library(L, path, code, chunk) != LUA_OK) return lua_error(L);
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

}  // namespace

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

namespace {

// "path:line" of the line that declares `keyword{` (or `keyword(`) in a script's source: where
// a declaration error is reported when the stack no longer shows the script (`return
// scenario{...}` is a tail call). The first line when there is no such line.
std::string declaration_where(const std::string& path, const std::string& code, const char* keyword) {
  size_t pos = find_word_before(code, keyword, " \t", "{(");
  return fmt::format("{}:{}", path, pos == std::string_view::npos ? 1 : line_at(code, pos));
}

}  // namespace

std::string default_id(const std::string& path) {
  std::string p = path;
  auto pos = p.rfind("scenarios/");
  if (pos != std::string::npos) p = p.substr(pos + std::strlen("scenarios/"));
  else p = std::filesystem::path(p).filename().string();
  if (p.size() > 4 && p.compare(p.size() - 4, 4, ".lua") == 0) p.resize(p.size() - 4);
  return p;
}

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

// Loads a script file with its own environment and runs it; leaves its return value on L.
Result<Ok> Session::Impl::load_script(const std::string& path, const char* keyword, std::string& declared_at) {
  bool ok = false;
  std::string code = read_file(path, ok);
  if (!ok) return make_error(ErrorKind::input, fmt::format("{}: cannot read file", path));
  if (std::strcmp(keyword, "any") == 0) {
    // script_kind: whichever declaration opens first (a scenario with an inline persona is a scenario).
    size_t sc = find_word_before(code, "scenario", " \t", "{("), pe = find_word_before(code, "persona", " \t", "{(");
    keyword = sc != std::string_view::npos && (pe == std::string_view::npos || sc < pe) ? "scenario" : "persona";
  }
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
    return make_error(ErrorKind::script, msg);
  }
  push_internal("new_env");
  auto env = run_protected(0);
  if (!env.ok()) return env;
  lua_setupvalue(L, -2, 1);  // the chunk's _ENV
  return run_protected(0);
}

Result<Ok> Session::Impl::setup(uint64_t seed_for_load) {
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
    return make_error(ErrorKind::internal, std::string("prelude: ") + lua_tostring(L, -1));
  }
  if (lua_pcall(L, 0, 2, 0) != LUA_OK) {
    return make_error(ErrorKind::internal, std::string("prelude: ") + lua_tostring(L, -1));
  }
  // include(): a C closure over the prelude's new_env, set in the sandbox.
  rawfield(L, -1, "new_env");
  lua_pushcclosure(L, lua_include, 1);
  lua_setfield(L, -3, "include");
  lua_pushcfunction(L, lua_deep_copy);
  lua_setfield(L, -2, "deep_copy");
  lua_pushlightuserdata(L, &expectations);
  lua_pushcclosure(L, lua_expect, 1);
  lua_setfield(L, -2, "expect");
  ref_internal = luaL_ref(L, LUA_REGISTRYINDEX);
  ref_sandbox = luaL_ref(L, LUA_REGISTRYINDEX);
  return Ok{};
}

void Session::Impl::seed(uint64_t s) {
  lua_getglobal(L, "math");
  lua_getfield(L, -1, "randomseed");
  lua_pushinteger(L, static_cast<lua_Integer>(s));
  lua_call(L, 1, 0);
  lua_pop(L, 1);
}

Result<std::unique_ptr<Session>> Session::open(const std::string& scenario_path, const Options& options) {
  std::unique_ptr<Session> s(new Session());
  Impl& m = *s->impl_;
  m.budget.limit = options.limits.memory_bytes;
  m.budget.step_seconds = options.limits.step_cpu_seconds;
  m.L = lua_newstate(budget_alloc, &m.budget);
  if (!m.L) return make_error(ErrorKind::internal, "cannot create a Lua state");
  try {
    auto ok = m.setup(0);
    if (!ok.ok()) return ok.error();
    if (options.coverage != nullptr) {
      m.budget.coverage = options.coverage;
      options.coverage->lines[scenario_path];  // the scenario file's lines count from its first
    }
    auto sc = m.read_scenario(scenario_path, options);
    if (!sc.ok()) return sc.error();
    if (options.coverage != nullptr) {
      if (!m.info.persona_path.empty()) options.coverage->lines[m.info.persona_path];
      std::set<const void*> seen;
      for (int ref : {m.ref_scenario, m.ref_persona}) {
        lua_rawgeti(m.L, LUA_REGISTRYINDEX, ref);
        m.collect_lines(-1, seen, 0);
        lua_pop(m.L, 1);
      }
    }
  } catch (const std::exception& e) {
    return make_error(ErrorKind::script, fmt::format("{}: {}", scenario_path, e.what()));
  }
  return s;
}

Result<std::string> Session::script_kind(const std::string& path) {
  Session s;
  Impl& m = *s.impl_;
  m.budget.limit = Limits{}.memory_bytes;
  m.budget.step_seconds = Limits{}.step_cpu_seconds;
  m.L = lua_newstate(budget_alloc, &m.budget);
  if (!m.L) return make_error(ErrorKind::internal, "cannot create a Lua state");
  try {
    auto ok = m.setup(0);
    if (!ok.ok()) return ok.error();
    std::string where;
    auto loaded = m.load_script(path, "any", where);
    if (!loaded.ok()) return loaded.error();
    std::string kind = m.kind_of(-1);
    if (kind.empty()) {
      return make_error(ErrorKind::script, fmt::format("{}: the script must return persona{{...}} or scenario{{...}}", path));
    }
    return kind;
  } catch (const std::exception& e) {
    return make_error(ErrorKind::script, fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace spar::persona
