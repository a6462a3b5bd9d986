// The sandbox: the allocator that caps a state's memory, the count hook that enforces the CPU
// budget, print and panic, the checks in front of library functions that loop in C, and running
// user code on a Lua thread with the budgets armed (Session::Impl::run_protected, error texts).
#include "persona/internal.h"

namespace spar::persona {

namespace {

constexpr int kHookEvery = 10000;  // instructions between CPU-time checks

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

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

namespace {

void count_hook(lua_State* L, lua_Debug* ar) {
  Budget& b = budget_of(L);
  if (ar->event == LUA_HOOKLINE) {  // only with Budget::coverage (spar lint)
    if (b.coverage != nullptr && lua_getinfo(L, "S", ar) && ar->source[0] == '@') {
      auto it = b.coverage->lines.find(ar->source + 1);
      if (it != b.coverage->lines.end()) b.coverage->reached[it->first].insert(ar->currentline);
    }
    return;
  }
  if (!b.cpu_blown) {
    if (thread_cpu_seconds() < b.deadline) return;
    b.cpu_blown = true;
  }
  // Once blown, fire on every instruction so a pcall in the script cannot swallow the stop.
  lua_sethook(L, count_hook, LUA_MASKCOUNT | (b.coverage ? LUA_MASKLINE : 0), 1);
  std::string msg = where(L) + ": " + cpu_budget_message(b.step_seconds);
  lua_pushlstring(L, msg.data(), msg.size());
  lua_error(L);
}

}  // namespace

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

namespace {

// A script's error message as spar keeps it: at most kMaxMessageBytes (a script can raise a
// string of many megabytes).
constexpr size_t kMaxMessageBytes = 4096;

}  // namespace

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

namespace {

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

}  // namespace

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

// Starts a step: a fresh CPU deadline, then the budgets on for T.
void Session::Impl::arm(lua_State* T) {
  budget.deadline = thread_cpu_seconds() + budget.step_seconds;
  budget.cpu_blown = false;
  budget.memory_blown = false;
  rearm(T);
}

// The budgets on for T within the current step (same deadline): for code a script still
// gets to run after its step failed (error formatting, to-be-closed variables).
void Session::Impl::rearm(lua_State* T) {
  lua_sethook(T, count_hook, LUA_MASKCOUNT | (budget.coverage ? LUA_MASKLINE : 0), budget.cpu_blown ? 1 : kHookEvery);
  budget.enforce = true;
}

// Closes T's pending to-be-closed variables (their __close handlers are script code) under
// the step's budgets and leaves T reusable. Errors raised there are dropped.
void Session::Impl::reset_thread(lua_State* T) {
  rearm(T);
  lua_resetthread(T);
  disarm();
}

// The message of a non-string error object: its __tostring, run on a fresh thread under the
// step's budgets (it may loop, allocate, fail or return a non-string).
std::string Session::Impl::describe_error_object(lua_State* T) {
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
std::string Session::Impl::error_text(lua_State* T, int status) {
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

std::string Session::Impl::memory_message() const {
  return fmt::format("memory budget of {} MiB exceeded", budget.limit / (1024 * 1024));
}

// Runs the function and `nargs` arguments on top of L on a fresh Lua thread, leaving one
// result on L. Yielding outside a persona is an error.
Result<Ok> Session::Impl::run_protected(int nargs, int nkeep) {
  lua_State* T = lua_newthread(L);
  int tref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_xmove(L, T, nargs + 1);
  arm(T);
  int nres = 0;
  int status = lua_resume(T, L, nargs, &nres);
  disarm();
  Result<Ok> out = Ok{};
  if (status == LUA_OK) {
    for (; nres < nkeep; ++nres) lua_pushnil(T);
    lua_settop(T, lua_gettop(T) - nres + nkeep);  // keep the first nkeep results
    lua_xmove(T, L, nkeep);
  } else if (status == LUA_YIELD) {
    out = make_error(ErrorKind::script, where(T) + ": cannot yield here (only a persona's run() can wait for the agent)");
  } else {
    out = make_error(ErrorKind::script, error_text(T, status));
  }
  reset_thread(T);
  luaL_unref(L, LUA_REGISTRYINDEX, tref);
  if (!out.ok()) lua_gc(L, LUA_GCCOLLECT);
  return out;
}

// Calls scenario[name](state[, extra]) in the sandbox, leaving its first result on L; `extra`
// crosses as a fresh, read-only table (internal.freeze).
Result<Ok> Session::Impl::call_on_state(const char* name, const json* extra, int nkeep) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref_scenario);
  rawfield(L, -1, name);
  lua_remove(L, -2);
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref_state);
  if (extra == nullptr) return run_protected(1, nkeep);
  int top = lua_gettop(L) - 2;
  try {
    push_internal("freeze");
    push_json(L, *extra);
  } catch (const ConvertError& e) {
    lua_settop(L, top);
    return make_error(ErrorKind::script, fallback_where + ": " + e.what());
  }
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    std::string msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "cannot pass run to goal()";
    lua_settop(L, top);
    return make_error(ErrorKind::script, fallback_where + ": " + msg);
  }
  return run_protected(2, nkeep);
}

void Session::Impl::push_internal(const char* name) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref_internal);
  rawfield(L, -1, name);
  lua_remove(L, -2);
}

std::string Session::Impl::defined_at(int idx) {
  lua_Debug ar;
  if (!lua_isfunction(L, idx)) return scenario_where;
  lua_pushvalue(L, idx);
  lua_getinfo(L, ">S", &ar);  // pops the copy
  if (ar.linedefined > 0 && ar.source[0] == '@') return fmt::format("{}:{}", ar.source + 1, ar.linedefined);
  return scenario_where;
}

void Session::Impl::collect_lines(int idx, std::set<const void*>& seen, int depth) {
  int type = lua_type(L, idx);
  if ((type != LUA_TTABLE && type != LUA_TFUNCTION) || depth > 64 || lua_iscfunction(L, idx)) return;
  if (!seen.insert(lua_topointer(L, idx)).second) return;
  idx = lua_absindex(L, idx);
  if (!lua_checkstack(L, 4)) return;
  if (type == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      collect_lines(-1, seen, depth + 1);
      lua_pop(L, 1);
    }
    return;
  }
  lua_Debug ar;
  lua_pushvalue(L, idx);
  lua_getinfo(L, ">SL", &ar);  // pops the copy, pushes the table of lines with code
  auto it = ar.source[0] == '@' ? budget.coverage->lines.find(ar.source + 1) : budget.coverage->lines.end();
  if (it != budget.coverage->lines.end() && lua_istable(L, -1)) {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (lua_isinteger(L, -2)) it->second.insert(static_cast<int>(lua_tointeger(L, -2)));
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  for (int i = 1; lua_getupvalue(L, idx, i) != nullptr; ++i) {
    collect_lines(-1, seen, depth + 1);
    lua_pop(L, 1);
  }
}

}  // namespace spar::persona
