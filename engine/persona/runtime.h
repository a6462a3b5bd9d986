// persona::Session: one scenario and its persona, loaded into a fresh sandboxed lua_State.
// This folder is the only code in spar that includes Lua headers; everything that leaves it
// is plain data (JSON, strings, numbers).
//
// A Session is created per conversation and never shared. It is not thread-safe: use it from
// one thread (it may move between threads between calls). The sandbox allows the base,
// string, table, math, utf8 and coroutine libraries only; there is no io, os, package,
// debug, load, loadfile or dofile. Reading an undefined global is an error. Every script
// error reads "path:line: message", with the path as the script was named when loaded.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace spar::persona {

using json = nlohmann::json;

struct Limits {
  double step_cpu_seconds = 1.0;            // CPU per persona step or tool call
  size_t memory_bytes = 64u * 1024 * 1024;  // per lua_State
};

// spar lint's dry run: the script lines a Session could run, and the ones it ran. `lines` holds
// the lines with code of every Lua function reachable from the scenario and persona tables
// (their fields, and the functions and tables those close over) defined in the scenario or
// persona file; a function created inside another counts once it runs. Counted by a line hook
// only when Options::coverage is set (lint); never in a run.
struct Coverage {
  std::map<std::string, std::set<int>> lines;    // path -> lines with code
  std::map<std::string, std::set<int>> reached;  // path -> lines that ran
};

struct Options {
  std::string personas_dir;  // where persona names resolve; empty: search up from the scenario
  // The persona to play, by name (a file in the personas folder): spar run plays each of a
  // scenario's `personas`, or --persona's. Empty: the scenario's first listed, or its inline persona{}.
  std::string persona;
  // spar lint: open a scenario even with the problems `spar run` refuses (unknown tools, bad
  // schema types), so lint() lists them all instead of open() failing on the first.
  bool keep_problems = false;
  Coverage* coverage = nullptr;  // spar lint: count the lines that run (not thread-safe; one Session at a time)
  Limits limits;
};

struct ToolInfo {
  std::string name;
  std::string description;
  json parameters = json::object();
};

// What a scenario declares, as plain data.
struct ScenarioInfo {
  std::string path;          // as loaded, e.g. "scenarios/retail/wrong-order.lua"
  std::string id;            // declared id, or the path under scenarios/ without ".lua"
  std::string persona;       // the persona played: its name ("" for an unnamed inline persona)
  std::string persona_path;  // the persona file ("" for an inline persona)
  std::vector<std::string> personas;  // the names the scenario lists (`personas`, or `persona`'s name); empty for an inline persona
  std::string system;        // the agent's system prompt
  json facts = json::object();  // the played persona's: persona_facts[persona] merged over facts
  int max_turns = 25;
  int max_steps = 0;               // agent replies before the conversation ends (0: no limit)
  int tool_calls_per_message = 0;  // tool calls run per agent message (0: all)
  std::vector<std::string> stop_tools;  // a call to one of these ends the conversation (tool_stop)
  bool record_state = true;        // false: the record leaves final_state out
  std::vector<ToolInfo> tools;  // sorted by name
  json intents = json::object();  // intent name -> tool name
  json fields = json::object();   // event field -> ["arg" | "tool.arg", ...] (the tool arguments carrying it)
  int policies = 0;               // number of declared policies
  std::vector<std::string> policy_names;  // each declared policy's rule name, in order (spar review)
  bool has_goal = false;
  bool has_progress = false;
  std::string judge_rubric;       // judge.rubric, or empty
  std::vector<int> checkpoints;   // the scenario's override, or empty
};

// One user action yielded by the persona coroutine.
struct Action {
  enum class Kind { say, stop };
  Kind kind = Kind::stop;
  std::string text;             // for a stop: the reason u:stop(reason) gave, or empty
  json events = json::array();  // typed events raised with this action (without turn numbers)
  json probe;                   // {key, expected} for a retention probe, or null
  json interrupt;               // {after_chars, text} for a barge-in, or null
  json llm;                     // {instructions?, system?, greeting?, stop?} when the user model writes the text, or null
  json expectations = json::array();  // r:expect{} observations made since the last action
};

// The result of one tool call, as sent back to the agent.
struct ToolOutcome {
  json result;        // the tool's result, or {"error": "..."}
  bool error = false; // unknown tool, bad arguments or a script error inside the tool
  // A mistake in the scenario itself ("path:line: tool 'x' returned nothing"): the
  // conversation fails with this script error instead of handing a result to the agent.
  std::string script_error;

  // The tool message's content: a string as its bytes (tau's tools return text, often JSON
  // they built), anything else as its JSON text.
  std::string text() const;
};

class Session {
 public:
  // Loads the prelude, the scenario file and its persona. Errors are kind "script" (or
  // "input" for a missing file) with a "path:line: message" text.
  static Result<std::unique_ptr<Session>> open(const std::string& scenario_path, const Options& options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const ScenarioInfo& info() const;

  // Starts the persona coroutine with run(u, facts) and returns its first action.
  // `seed` seeds rand()/pick() for this conversation.
  Result<Action> start(uint64_t seed);

  // Resumes the persona with the agent's reply: {"text", "tool_calls": [{"name","arguments"}],
  // "truncated", "turn"} (turn: the number of the turn this reply completed). Returns the next action. After a stop action, do not resume again.
  Result<Action> resume(const json& reply);

  // Runs a scenario tool over the scenario state. Never fails: problems become an error
  // result for the agent, as a real API would answer.
  ToolOutcome call_tool(const std::string& name, const std::string& arguments_json);

  // Checks every scenario policy against one agent action. `ctx` is plain data: {turn, kind
  // ("tool_call" | "text"), tool, args, text, calls, last_user, last_agent}; the live scenario
  // state is added as ctx.state. Returns {"violations": [{rule, severity, evidence}],
  // "errors": [{rule, message}]} (errors: rules that failed with a Lua error).
  json check_policies(const json& ctx);

  // The scenario's end-state check, goal(state, run); true when there is no goal(). A goal
  // that returns anything but true or false is a script error naming its line. `run` is
  // {ended, turns, replies, calls} (conversation::goal_run) plus persona (the played persona's name), a
  // fresh read-only table.
  // A goal may return `false, "why"`: `evidence` (when given) gets that text, else "".
  Result<bool> goal(const json& run = json::object(), std::string* evidence = nullptr);

  // The scenario's progress(state) in [0,1] (clamped), or null when it declares none.
  Result<json> progress();

  // A JSON snapshot of the scenario state.
  json state();

  // Static problems in the scenario (no goal, undescribed tools, policies or intents naming
  // unknown tools ...), each "path:line: message".
  std::vector<std::string> lint();

  // Loads one script in a fresh sandbox and returns what it declares: "persona" or
  // "scenario". Errors read "path:line: message".
  static Result<std::string> script_kind(const std::string& path);

 private:
  Session();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A library for include() (its file name starts with '_'), not a scenario or a persona: scenario
// discovery and `spar lint` pass over it; the scripts that include it load it.
bool is_library_file(const std::string& path);

// Whether a Session::open error is the played persona's `needs` unmet by the scenario's facts (spar
// run --persona skips such a pair instead of stopping).
bool is_missing_need(const Error& e);

// Finds the persona directory for a scenario: the nearest "personas" folder found by walking up
// from the scenario's folder (lexically, so printed paths stay relative). Empty if none.
std::string find_personas_dir(const std::string& scenario_path);

}  // namespace spar::persona
