#include "importer/to_scenario.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "base/json_depth.h"
#include "report/report.h"

namespace spar::importer {

namespace {

Error input(std::string message) { return make_error(ErrorKind::input, std::move(message)); }

bool lua_identifier(const std::string& s) {
  static const std::set<std::string> keywords = {
      "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
      "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"};
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char ch : s) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_')) return false;
  }
  return keywords.count(s) == 0;
}

// A Lua string literal that reads back as exactly these bytes: quoted, with control bytes,
// quotes and backslashes escaped (UTF-8 stays as it is).
std::string lua_quoted(std::string_view s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (ch < 0x20 || ch == 0x7f) out += fmt::format("\\{:03d}", ch);
        else out += static_cast<char>(ch);
    }
  }
  return out + "\"";
}

// Multi-line text as a long bracket string when that reads back the same (no CR, which Lua's
// lexer turns into LF inside long strings), else quoted.
std::string text_literal(std::string_view s) {
  if (s.find('\n') == std::string_view::npos || s.find('\r') != std::string_view::npos) return lua_quoted(s);
  std::string eq;
  auto closes_early = [&] {  // the first closing bracket must be the one after the text
    std::string close = "]" + eq + "]";
    return (std::string(s) + close).find(close) != s.size();
  };
  while (closes_early()) eq += "=";
  // A long string drops one newline right after its opening bracket: write one always.
  return "[" + eq + "[\n" + std::string(s) + "]" + eq + "]";
}

// A JSON value as a Lua table literal: objects sorted by key, null as nil (a missing key, as
// spar's JSON-to-Lua conversion reads it). Short values stay on one line.
std::string lua_value(const json& v, int indent) {
  switch (v.type()) {
    case json::value_t::null: return "nil";
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return v.dump();
    case json::value_t::string: return lua_quoted(v.get_ref<const std::string&>());
    default: break;
  }
  std::vector<std::string> items;
  if (v.is_array()) {
    for (const auto& x : v) items.push_back(lua_value(x, indent + 2));
  } else {
    for (const auto& [k, x] : v.items()) {
      if (x.is_null()) continue;
      items.push_back((lua_identifier(k) ? k : "[" + lua_quoted(k) + "]") + " = " + lua_value(x, indent + 2));
    }
  }
  if (items.empty()) return "{}";
  size_t width = 0;
  bool multiline = false;
  for (const auto& s : items) {
    width += s.size() + 2;
    multiline = multiline || s.find('\n') != std::string::npos;
  }
  if (!multiline && width + static_cast<size_t>(indent) <= 96) {
    std::string out = "{ ";
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
    return out + " }";
  }
  std::string pad(static_cast<size_t>(indent) + 2, ' ');
  std::string out = "{\n";
  for (const auto& s : items) out += pad + s + ",\n";
  return out + std::string(static_cast<size_t>(indent), ' ') + "}";
}

size_t depth_of(const json& v) {
  if (!v.is_structured()) return 0;
  size_t d = 0;
  for (const auto& x : v) d = std::max(d, depth_of(x));
  return d + 1;
}

// The schema type every recorded value of one argument shares, or "".
std::string type_of(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_boolean()) return "boolean";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "";
}

// Parameters inferred from the arguments seen: every key a property typed by its values
// ("integer" widened to "number" when both occur, no type when they disagree), required when
// every call had it.
json infer_parameters(const std::vector<json>& seen) {
  std::map<std::string, std::string> types;
  std::map<std::string, size_t> counts;
  for (const auto& args : seen) {
    for (const auto& [k, x] : args.items()) {
      std::string t = type_of(x);
      auto [it, fresh] = types.emplace(k, t);
      if (!fresh && it->second != t) {
        bool numbers = (it->second == "integer" || it->second == "number") && (t == "integer" || t == "number");
        it->second = numbers ? "number" : "";
      }
      ++counts[k];
    }
  }
  json props = json::object();
  json required = json::array();
  for (const auto& [k, t] : types) {
    props[k] = t.empty() ? json{{"description", "seen with values of several types"}} : json{{"type", t}};
    if (counts[k] == seen.size()) required.push_back(k);
  }
  json p = {{"type", "object"}, {"properties", props}};
  if (!required.empty()) p["required"] = required;
  return p;
}

// The source's declaration of one tool (an OpenAI `tools` entry), or null.
json declared_tool(const json& tools, const std::string& name) {
  if (!tools.is_array()) return json();
  for (const auto& t : tools) {
    const json& fn = t.is_object() && t.contains("function") ? t["function"] : t;
    if (fn.is_object() && fn.value("name", "") == name) return fn;
  }
  return json();
}

json parse_args(const std::string& text) {
  json v = parse_json_bounded(text.empty() ? "{}" : text);
  return v.is_object() ? v : json::object();
}

}  // namespace

Result<CallPin> parse_call_pin(std::string_view text, const char* flag) {
  auto space = text.find_first_of(" \t{");
  CallPin pin;
  pin.tool = std::string(text.substr(0, space));
  if (pin.tool.empty()) return input(fmt::format("{}: expected 'TOOL' or 'TOOL {{json arguments}}', got '{}'", flag, text));
  for (char ch : pin.tool) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-')) {
      return input(fmt::format("{}: bad tool name '{}' (letters, digits, '_' and '-')", flag, pin.tool));
    }
  }
  if (space != std::string_view::npos) {
    std::string_view rest = text.substr(space);
    rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(" \t")));
    if (!rest.empty()) {
      pin.args = parse_json_bounded(rest);
      if (pin.args.is_discarded() || !pin.args.is_object()) {
        return input(fmt::format("{}: the arguments of '{}' are not a JSON object: {}", flag, pin.tool, rest));
      }
      if (depth_of(pin.args) > kMaxScenarioValueDepth) {
        return input(fmt::format("{}: the arguments of '{}' nest more than {} levels", flag, pin.tool,
                                 kMaxScenarioValueDepth));
      }
    }
  }
  return pin;
}

Result<std::string> to_scenario(const SourceConversation& c, const ImportOptions& options,
                                const std::string& scenario_id, const ScenarioPins& pins) {
  auto transcript = transcript_of(c.messages);
  if (!transcript.ok()) return input(locate(c, options, transcript.error().message));

  std::vector<std::string> users, systems;
  json recorded = json::array();            // {tool, args, result} in transcript order
  std::map<std::string, size_t> call_index;  // tool_call_id -> index in recorded
  std::vector<std::string> tool_order;       // tools in order of first use
  std::map<std::string, std::vector<json>> seen_args;
  auto use_tool = [&](const std::string& name) {
    if (std::find(tool_order.begin(), tool_order.end(), name) == tool_order.end()) tool_order.push_back(name);
  };
  for (const auto& e : *transcript) {
    std::string role = e["role"];
    std::string content = e["content"];
    if (role == "user") users.push_back(content.empty() ? " " : content);
    if (role == "system" && !content.empty()) systems.push_back(content);
    if (role == "assistant" && e.contains("tool_calls")) {
      for (const auto& call : e["tool_calls"]) {
        std::string name = call["name"];
        json args = parse_args(call["arguments"]);
        use_tool(name);
        seen_args[name].push_back(args);
        call_index[call["id"].get<std::string>()] = recorded.size();
        recorded.push_back({{"tool", name}, {"args", args}, {"result", {{"ok", false}, {"error", "no result was recorded"}}}});
      }
    }
    if (role == "tool") {
      auto it = call_index.find(e.value("tool_call_id", ""));
      if (it == call_index.end()) continue;
      json result = parse_json_bounded(content);
      recorded[it->second]["result"] = result.is_discarded() ? json(content) : result;
    }
  }
  if (users.empty()) return input(c.where() + "the conversation has no user message to replay");

  std::vector<CallPin> expect = pins.expect;
  if (c.gold_actions.is_array()) {
    for (const auto& a : c.gold_actions) expect.push_back({a["name"], a.value("kwargs", json::object())});
  }
  if (expect.empty() && pins.forbid.empty()) {
    return input(c.where() + "nothing to pin: the source has no gold actions; give --expect-call or --forbid-call");
  }
  for (const auto& p : expect) {
    use_tool(p.tool);
    if (p.args.is_object()) seen_args[p.tool].push_back(p.args);
  }
  for (const auto& p : pins.forbid) use_tool(p.tool);
  for (const auto& name : tool_order) {
    bool ok = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
    for (char ch : name) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-');
    if (!ok) return input(fmt::format("{}a tool named '{}' cannot be declared in a scenario", c.where(), name.substr(0, 40)));
  }
  if (depth_of(recorded) > kMaxScenarioValueDepth + 2) {
    return input(fmt::format("{}a recorded tool call or result nests more than {} levels", c.where(), kMaxScenarioValueDepth));
  }

  json expected = json::array();
  for (const auto& p : expect) expected.push_back({{"tool", p.tool}, {"args", p.args.is_object() ? p.args : json::object()}});

  std::string out;
  out += fmt::format("-- Generated by `spar import --to-scenario` from {} ({}, conversation {}).\n",
                     std::filesystem::path(c.file).filename().string(), format_name(options.format), c.id);
  out +=
      "-- The persona says each recorded user message in order, whatever the agent answers. Each tool\n"
      "-- answers with the result recorded for the same arguments (in order, when the same call was\n"
      "-- made more than once); an expected call the transcript does not hold gets { ok = true }, any\n"
      "-- other call an error. The goal needs every expected call (with at least its arguments); the\n"
      "-- critical rules forbid the forbidden calls. Edit freely: it is a plain scenario (docs/scenarios.md).\n\n";
  out += "local user_turns = {\n";
  for (const auto& u : users) out += "  " + text_literal(u) + ",\n";
  out += "}\n\n";
  out += "local recorded = " + lua_value(recorded, 0) + "\n\n";
  out += "local expected = " + lua_value(expected, 0) + "\n\n";
  out +=
      "-- same(a, b): equal values, tables compared key by key.\n"
      "local function same(a, b)\n"
      "  if type(a) ~= \"table\" or type(b) ~= \"table\" then return a == b end\n"
      "  for k, v in pairs(a) do if not same(v, b[k]) then return false end end\n"
      "  for k in pairs(b) do if a[k] == nil then return false end end\n"
      "  return true\n"
      "end\n\n"
      "-- has(args, want): every argument in want is in args, with an equal value.\n"
      "local function has(args, want)\n"
      "  if type(args) ~= \"table\" then return false end\n"
      "  for k, v in pairs(want) do if not same(v, args[k]) then return false end end\n"
      "  return true\n"
      "end\n\n"
      "local function replay(tool)\n"
      "  return function(state, args)\n"
      "    state.calls[#state.calls + 1] = { tool = tool, args = args }\n"
      "    local last\n"
      "    for i, r in ipairs(recorded) do\n"
      "      if r.tool == tool and same(r.args, args) then\n"
      "        last = r\n"
      "        if not state.used[tostring(i)] then\n"
      "          state.used[tostring(i)] = true\n"
      "          return r.result\n"
      "        end\n"
      "      end\n"
      "    end\n"
      "    if last then return last.result end\n"
      "    for _, e in ipairs(expected) do\n"
      "      if e.tool == tool and has(args, e.args) then return { ok = true } end\n"
      "    end\n"
      "    return { ok = false, error = \"no recorded result for \" .. tool .. \" with these arguments\" }\n"
      "  end\n"
      "end\n\n";

  out += "return scenario {\n";
  out += "  id = " + lua_quoted(scenario_id) + ",\n";
  out += "  summary = " + lua_quoted(fmt::format("replays {} conversation {} and pins what went wrong",
                                             format_name(options.format), c.id)) + ",\n";
  std::string system;
  for (const auto& s : systems) system += (system.empty() ? "" : "\n\n") + s;
  if (system.empty()) system = "You are a helpful assistant.";
  out += "  system = " + text_literal(system) + ",\n";
  out += "  state = { calls = {}, used = {} },\n";
  out += "  tools = {\n";
  for (const auto& name : tool_order) {
    json decl = declared_tool(c.tools, name);
    std::string description = decl.is_object() && decl.contains("description") && decl["description"].is_string()
                                  ? decl["description"].get<std::string>()
                                  : "";
    if (description.empty()) description = fmt::format("{} (replayed from the imported transcript).", name);
    json params = decl.is_object() && decl.contains("parameters") && decl["parameters"].is_object()
                      ? decl["parameters"]
                      : infer_parameters(seen_args[name]);
    if (depth_of(params) > kMaxScenarioValueDepth) {
      return input(fmt::format("{}the parameters of tool '{}' nest more than {} levels", c.where(), name, kMaxScenarioValueDepth));
    }
    std::string key = lua_identifier(name) ? name : "[" + lua_quoted(name) + "]";
    out += "    " + key + " = {\n";
    out += "      description = " + text_literal(description) + ",\n";
    out += "      parameters = " + lua_value(params, 6) + ",\n";
    out += "      run = replay(" + lua_quoted(name) + "),\n";
    out += "    },\n";
  }
  out += "  },\n";
  out += pins.forbid.empty() ? "  policies = {},\n" : "  policies = {\n";
  for (const auto& p : pins.forbid) {
    if (p.args.is_object()) {
      out += "    forbid_tool(" + lua_quoted(p.tool) + ", function(ctx) return has(ctx.args, " + lua_value(p.args, 4) +
             ") end, { severity = \"critical\" }),\n";
    } else {
      out += "    forbid_tool(" + lua_quoted(p.tool) + ", { severity = \"critical\" }),\n";
    }
  }
  if (!pins.forbid.empty()) out += "  },\n";
  out +=
      "  -- Every expected call was made, with at least its arguments.\n"
      "  goal = function(state)\n"
      "    for _, e in ipairs(expected) do\n"
      "      local made = false\n"
      "      for _, call in ipairs(state.calls) do\n"
      "        if call.tool == e.tool and has(call.args, e.args) then made = true end\n"
      "      end\n"
      "      if not made then return false end\n"
      "    end\n"
      "    return true\n"
      "  end,\n";
  out += fmt::format("  max_turns = {},\n", users.size());
  out +=
      "  persona = persona {\n"
      "    name = \"replay\",\n"
      "    summary = \"says the recorded user messages in order\",\n"
      "    run = function(u)\n"
      "      for _, text in ipairs(user_turns) do u:say(text) end\n"
      "    end,\n"
      "  },\n";
  out += "}\n";
  return out;
}

}  // namespace spar::importer

namespace spar::importer {

Result<std::string> import_to_scenario(const std::vector<std::string>& files, const ImportOptions& options,
                                       const std::string& id, const ScenarioPins& pins, const std::string& out_path,
                                       bool force) {
  if (files.empty()) return input("import: give the file that holds the conversation");
  std::error_code ec;
  if (!force && std::filesystem::exists(out_path, ec)) return input(fmt::format("{}: already exists (use --force)", out_path));
  std::optional<SourceConversation> picked;
  std::vector<std::string> ids;
  for (const auto& file : files) {
    auto st = read_conversations(file, options, [&](SourceConversation c) -> Status {
      ids.push_back(c.id);
      if (!picked && (id.empty() || c.id == id)) picked = std::move(c);
      return Ok{};
    });
    if (!st.ok()) return st.error();
  }
  if (!picked) return input(fmt::format("import: no conversation has the id '{}' (the first: {})", id, ids.front()));
  if (id.empty() && ids.size() > 1) {
    return input(fmt::format("import: the input holds {} conversations: pick one with --id (the first: {}, {})",
                             ids.size(), ids[0], ids[1]));
  }
  std::string scenario_id = default_scenario_id(*picked, options);
  auto text = to_scenario(*picked, options, scenario_id, pins);
  if (!text.ok()) return text.error();
  auto parent = std::filesystem::path(out_path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto st = report::write_file_atomic(out_path, *text);
  if (!st.ok()) return st.error();
  return scenario_id;
}

}  // namespace spar::importer
