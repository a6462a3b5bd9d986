// The coroutine protocol: what the persona yields (an Action), checked by type, and
// Session::start/resume that drive the persona coroutine.
#include "persona/internal.h"

namespace spar::persona {

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
    if (!a.llm.is_object()) return "llm must be a table";
    if (!a.llm.contains("instructions") && !a.llm.contains("system")) return "llm needs instructions or system";
    for (const char* key : {"instructions", "system", "greeting", "stop"}) {
      if (a.llm.contains(key) && !a.llm[key].is_string()) return fmt::format("llm.{} must be a string", key);
    }
  }
  return "";
}

// Turns what the persona coroutine left on co's stack into an Action.
Result<Action> Session::Impl::take_action(int status, int nres) {
  Action a;
  a.expectations = std::exchange(expectations.pending, json::array());
  if (status == LUA_OK) {
    finished = true;
    lua_settop(co, 0);
    return a;  // run() returned: stop
  }
  if (status != LUA_YIELD) {
    finished = true;
    return make_error(ErrorKind::script, error_text(co, status));
  }
  if (nres < 1 || !lua_istable(co, -1)) {
    finished = true;
    return make_error(ErrorKind::script, where(co) + ": coroutine.yield is reserved for spar (use u:say)");
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
    return make_error(ErrorKind::script, where(co) + ": coroutine.yield is reserved for spar (use u:say)");
  }
  if (!text_ok) {
    lua_settop(L, t - 1);
    finished = true;
    return make_error(ErrorKind::script, where(co) + ": coroutine.yield: text must be a string (use u:say)");
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
    return make_error(ErrorKind::script, fmt::format("{}: {}", where(co), e.what()));
  }
  lua_settop(L, t - 1);
  if (auto why = check_action(a); !why.empty()) {
    finished = true;
    return make_error(ErrorKind::script, fmt::format("{}: coroutine.yield: {} (use the u: primitives)", where(co), why));
  }
  if (op == "say") {
    a.kind = Action::Kind::say;
  } else {
    a.kind = Action::Kind::stop;
    finished = true;
  }
  return a;
}

Result<Action> Session::Impl::resume_persona(int nargs) {
  arm(co);
  int nres = 0;
  int status = lua_resume(co, L, nargs, &nres);
  disarm();
  return take_action(status, nres);
}

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
    if (m.ref_facts != LUA_NOREF) {
      lua_rawgeti(m.L, LUA_REGISTRYINDEX, m.ref_facts);
    } else {
      lua_rawgeti(m.L, LUA_REGISTRYINDEX, m.ref_scenario);
      rawfield(m.L, -1, "facts");
      lua_remove(m.L, -2);
    }
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
    return make_error(ErrorKind::script, fmt::format("{}: {}", m.info.persona_path, e.what()));
  }
}

Result<Action> Session::resume(const json& reply) {
  Impl& m = *impl_;
  if (m.finished || !m.co) return make_error(ErrorKind::internal, "resume after the persona stopped");
  try {
    push_json(m.L, reply);
    lua_xmove(m.L, m.co, 1);
    return m.resume_persona(1);
  } catch (const std::exception& e) {
    m.finished = true;
    return make_error(ErrorKind::script, fmt::format("{}: {}", m.info.persona_path, e.what()));
  }
}

}  // namespace spar::persona
