// What the conversation asks of a loaded scenario: the declaration read into ScenarioInfo,
// tool calls with their argument checks, policies, goal, progress, state and lint.
#include "persona/internal.h"

namespace spar::persona {

std::string Session::Impl::kind_of(int idx) {
  if (!lua_istable(L, idx)) return "";
  rawfield(L, idx, "__kind");
  std::string k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
  lua_pop(L, 1);
  return k;
}

std::string Session::Impl::string_field(int idx, const char* key) {
  rawfield(L, idx, key);
  std::string s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
  lua_pop(L, 1);
  return s;
}

std::vector<std::string> Session::Impl::string_list(int idx, const char* key) {
  std::vector<std::string> out;
  rawfield(L, idx, key);
  if (lua_istable(L, -1)) {
    for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; ++i) {
      out.emplace_back(lua_tostring(L, -1));
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return out;
}

namespace {
constexpr const char* kNeedsFacts = " needs facts.";  // in the one error is_missing_need() recognises
}  // namespace

bool is_missing_need(const Error& e) {
  return e.kind == ErrorKind::script && e.message.find(kNeedsFacts) != std::string::npos &&
         e.message.find(", which this scenario does not give") != std::string::npos;
}

Result<Ok> Session::Impl::read_scenario(const std::string& path, const Options& options) {
  auto loaded = load_script(path, "scenario", scenario_where);
  if (!loaded.ok()) return loaded;
  if (kind_of(-1) != "scenario") {
    return make_error(ErrorKind::script, fmt::format("{}: the script must return scenario{{...}}", path));
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
  rawfield(L, sc, "max_steps");
  info.max_steps = static_cast<int>(lua_tointeger(L, -1));  // validated by scenario{}; nil: 0
  lua_pop(L, 1);
  rawfield(L, sc, "tool_calls_per_message");
  info.tool_calls_per_message = static_cast<int>(lua_tointeger(L, -1));
  lua_pop(L, 1);
  info.stop_tools = string_list(sc, "stop_tools");
  rawfield(L, sc, "record_state");
  info.record_state = !(lua_isboolean(L, -1) && !lua_toboolean(L, -1));
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
    rawfield(L, sc, "fields");
    if (lua_istable(L, -1)) info.fields = to_json(L, -1);
    if (!info.fields.is_object()) info.fields = json::object();
    lua_pop(L, 1);
    rawfield(L, sc, "policies");
    info.policies = static_cast<int>(lua_rawlen(L, -1));
    for (int i = 1; i <= info.policies && lua_istable(L, -1); ++i) {
      lua_rawgeti(L, -1, i);
      if (lua_istable(L, -1)) {
        rawfield(L, lua_gettop(L), "name");
        if (lua_type(L, -1) == LUA_TSTRING) info.policy_names.push_back(lua_tostring(L, -1));
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
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
    return make_error(ErrorKind::script, fmt::format("{}: {}", where_declared, e.what()));
  }
  std::sort(info.tools.begin(), info.tools.end(),
            [](const ToolInfo& a, const ToolInfo& b) { return a.name < b.name; });

  // The scenario's state, copied so the declaration stays pristine.
  push_internal("deep_copy");
  rawfield(L, sc, "state");
  auto copied = run_protected(1);
  if (!copied.ok()) return copied;
  ref_state = luaL_ref(L, LUA_REGISTRYINDEX);

  // The personas it is played with: `personas = {...}`, or the one `persona` names.
  info.personas = string_list(sc, "personas");
  rawfield(L, sc, "persona");
  if (lua_type(L, -1) == LUA_TSTRING) info.personas.emplace_back(lua_tostring(L, -1));

  // The persona played: Options::persona, else the first listed, else the inline persona{}.
  // (An inline persona is played by its own name too: a record of it is scored again that way.)
  std::string play = !options.persona.empty() ? options.persona : info.personas.empty() ? "" : info.personas.front();
  if (lua_istable(L, -1) && kind_of(-1) == "persona" && string_field(lua_gettop(L), "name") == play) play.clear();
  if (!play.empty()) {
    lua_pop(L, 1);
    info.persona = play;
    std::string dir = options.personas_dir.empty() ? find_personas_dir(path) : options.personas_dir;
    if (dir.empty()) {
      return make_error(ErrorKind::script, fmt::format("{}: persona '{}' not found: no personas/ folder above the scenario",
                                              where_declared, info.persona));
    }
    // The same rules as include(): a plain relative name, inside the personas folder.
    if (!good_include_name(info.persona + ".lua")) {
      return make_error(ErrorKind::script, fmt::format("{}: persona '{}' must be a name in the personas folder (letters, "
                                              "digits, '_', '-', '.', '/'; no '..' or absolute path)",
                                              where_declared, cap_message(info.persona)));
    }
    info.persona_path = (std::filesystem::path(dir) / (info.persona + ".lua")).string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(info.persona_path, ec)) {
      return make_error(ErrorKind::script, fmt::format("{}: persona '{}' not found: no file {}", where_declared,
                                              info.persona, info.persona_path));
    }
    if (std::filesystem::file_size(info.persona_path, ec) > kMaxIncludeBytes) {
      return make_error(ErrorKind::script, fmt::format("{}: persona '{}': {} is larger than {} bytes", where_declared,
                                              info.persona, info.persona_path, kMaxIncludeBytes));
    }
    auto p = load_script(info.persona_path, "persona", persona_where);
    if (!p.ok()) return p;
    if (kind_of(-1) != "persona") {
      return make_error(ErrorKind::script, fmt::format("{}: the script must return persona{{...}}", info.persona_path));
    }
  } else if (kind_of(-1) != "persona") {
    return make_error(ErrorKind::script, fmt::format("{}: scenario: persona must be a name or a persona{{...}} table",
                                            where_declared));
  } else {
    info.persona = string_field(lua_gettop(L), "name");
    persona_where = scenario_where;
  }
  int persona = lua_gettop(L);

  // Its facts: persona_facts[name] merged over the scenario's facts (none: the facts themselves).
  rawfield(L, sc, "persona_facts");
  bool overlay = lua_istable(L, -1) && !info.persona.empty() && lua_getfield(L, -1, info.persona.c_str()) != LUA_TNIL;
  lua_settop(L, persona);
  if (overlay) {
    push_internal("persona_facts");
    lua_pushvalue(L, sc);
    lua_pushstring(L, info.persona.c_str());
    auto merged = run_protected(2);
    if (!merged.ok()) return merged;
    try {
      info.facts = to_json(L, -1);
      if (info.facts.is_array() && info.facts.empty()) info.facts = json::object();
    } catch (const ConvertError& e) {
      lua_settop(L, sc - 1);
      return make_error(ErrorKind::script, fmt::format("{}: persona_facts['{}']: {}", where_declared, info.persona, e.what()));
    }
    ref_facts = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  // What the persona needs from them.
  push_internal("missing_need");
  lua_pushvalue(L, persona);
  if (overlay) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_facts);
  } else {
    rawfield(L, sc, "facts");
  }
  if (auto missing = run_protected(2); !missing.ok()) return missing;
  if (lua_type(L, -1) == LUA_TSTRING) {
    std::string need = lua_tostring(L, -1);
    lua_settop(L, sc - 1);
    return make_error(ErrorKind::script, fmt::format("{}: persona '{}'{}{}, which this scenario does not give{}",
                                            where_declared, info.persona, kNeedsFacts, need,
                                            overlay ? "" : " (add it to facts, or to persona_facts['" + info.persona + "'])"));
  }
  lua_settop(L, persona);
  ref_persona = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_settop(L, sc - 1);
  // What lint refuses, run refuses: the one check, here.
  if (!options.keep_problems) {
    for (auto& p : problems()) {
      if (p.error) return make_error(ErrorKind::script, std::move(p.text));
    }
  }
  return Ok{};
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

std::string ToolOutcome::text() const {
  return result.is_string() ? result.get<std::string>() : result.dump(-1, ' ', false, json::error_handler_t::replace);
}

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
    std::string defined = m.defined_at(-1);
    lua_rawgeti(m.L, LUA_REGISTRYINDEX, m.ref_state);
    push_json(m.L, args);
    // The arguments' JSON text as the agent sent it: a tool that must keep the key order of
    // what it was given (tau's tools echo it back) reads it from the third argument.
    std::string_view text = arguments_json.empty() ? std::string_view("{}") : std::string_view(arguments_json);
    lua_pushlstring(m.L, text.data(), text.size());
    auto r = m.run_protected(3);
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
    if (result.is_null()) {
      ToolOutcome out = fail(fmt::format("tool '{}' returned nothing", name));
      out.script_error = fmt::format("{}: tool '{}' returned nothing (nil): its run() must return a result "
                                     "for the agent, such as {{ ok = true }}", defined, name);
      return out;
    }
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

Result<bool> Session::goal(const json& run, std::string* evidence) {
  Impl& m = *impl_;
  if (evidence) evidence->clear();
  if (!m.info.has_goal) return true;
  int top = lua_gettop(m.L);
  lua_rawgeti(m.L, LUA_REGISTRYINDEX, m.ref_scenario);
  rawfield(m.L, -1, "goal");
  std::string defined = m.defined_at(-1);
  lua_settop(m.L, top);
  json with_persona = run;  // run.persona: the persona that played
  if (with_persona.is_object()) with_persona["persona"] = m.info.persona.empty() ? json(nullptr) : json(m.info.persona);
  auto r = m.call_on_state("goal", &with_persona, 2);
  if (!r.ok()) {
    lua_settop(m.L, top);
    return r.error();
  }
  if (!lua_isboolean(m.L, -2)) {
    std::string got = luaL_typename(m.L, -2);
    lua_settop(m.L, top);
    return make_error(ErrorKind::script,
                      fmt::format("{}: goal returned {} instead of true or false{}", defined, got,
                                  got == "nil" ? " (does it end with `return ...`?)" : ""));
  }
  bool met = lua_toboolean(m.L, -2) != 0;
  if (evidence && !met && lua_type(m.L, -1) == LUA_TSTRING) {
    size_t len = 0;
    const char* why = lua_tolstring(m.L, -1, &len);
    *evidence = cap_message(std::string_view(why, len));
  }
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

std::vector<Session::Impl::Problem> Session::Impl::problems() {
  std::vector<Problem> out;
  int top = lua_gettop(L);
  push_internal("lint_scenario");
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref_scenario);
  auto r = run_protected(1);
  if (!r.ok()) {
    out.push_back({r.error().message, true});
    return out;
  }
  json found;
  try {
    found = to_json(L, -1);
  } catch (const ConvertError& e) {
    found = json::array();
  }
  lua_settop(L, top);
  if (!found.is_array()) return out;
  for (const auto& p : found) {
    std::string where = scenario_where;
    std::string anchor = p.value("anchor", "");
    bool plain = std::all_of(anchor.begin(), anchor.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
    size_t pos = std::string_view::npos;
    if (!anchor.empty() && plain) pos = find_word_before(scenario_code, anchor, " \t\n\r\f\v", "=");
    // A policy's tool: `helper("tool"` in the source, else the tool's first quoted mention
    // after `policies`.
    std::string quoted = p.value("quoted", ""), helper = p.value("helper", "");
    if (pos == std::string_view::npos && !quoted.empty()) {
      size_t from = scenario_code.find("policies");
      if (from == std::string::npos) from = 0;
      for (const std::string& prefix : {helper.empty() ? std::string() : helper + "(", std::string()}) {
        if (pos != std::string_view::npos) break;
        size_t a = scenario_code.find(prefix + '"' + quoted + '"', from);
        size_t b = scenario_code.find(prefix + '\'' + quoted + '\'', from);
        pos = std::min(a, b);
      }
    }
    if (pos != std::string_view::npos) where = fmt::format("{}:{}", info.path, line_at(scenario_code, pos));
    out.push_back({fmt::format("{}: {}", where, p.value("message", "")), p.value("error", false)});
  }
  return out;
}

std::vector<std::string> Session::lint() {
  std::vector<std::string> out;
  for (auto& p : impl_->problems()) out.push_back(std::move(p.text));
  return out;
}

}  // namespace spar::persona
