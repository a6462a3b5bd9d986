// The conversation record (results.jsonl, schema version 1): what happened in one conversation
// (observations, top level) and, apart from them under "score", the verdicts scoring drew from
// them. The layout is the contract of /docs/record.md; to_json/from_json write and read exactly
// it. Records an older spar wrote (no schema_version) are upgraded with upgrade_v0().
//
// Depends on base only: no Lua, no curl, no scoring.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace spar::record {

using json = nlohmann::json;

constexpr int kSchemaVersion = 1;

// How a conversation ended (Record::ended).
namespace ended {
inline constexpr const char* kPersonaDone = "persona_done";
inline constexpr const char* kMaxTurns = "max_turns";
inline constexpr const char* kMaxSteps = "max_steps";  // the scenario's max_steps agent replies
inline constexpr const char* kAgentError = "agent_error";
inline constexpr const char* kScriptError = "script_error";
inline constexpr const char* kImported = "imported";
inline constexpr const char* kUserStop = "user_stop";  // u:stop(reason), or the user model's stop token
inline constexpr const char* kToolStop = "tool_stop";  // the agent called one of the scenario's stop_tools
}  // namespace ended

// A user stop's reason or message, as recorded: at most kUserStopTextBytes, cut on a UTF-8
// character boundary (docs/security.md, "User stops").
inline constexpr size_t kUserStopTextBytes = 2000;
inline std::string user_stop_text(std::string text) {
  if (text.size() <= kUserStopTextBytes) return text;
  size_t n = kUserStopTextBytes;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  text.resize(n);
  return text;
}

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text, as the agent sent it
};

struct Entry {
  int turn = 0;
  std::string role;  // user | assistant | tool | system
  std::string content;
  std::optional<std::vector<ToolCall>> tool_calls;
  std::optional<std::string> tool_call_id;
  std::optional<std::string> name;
  bool error = false;      // a tool call that failed
  bool truncated = false;  // a cut or overlong reply
  bool generated = false;  // written by the user model
};

// A typed event as the persona raised it. `fields` holds the persona's own fields (field, from,
// to, referent, expect, text, mode, cut, ...), an open set.
struct Event {
  std::string type;
  int turn = 0;
  json fields = json::object();
};

// A retention probe as raised: the value the agent should answer with. `fields`: any others.
struct Probe {
  std::string key;
  json expected;
  int turn = 0;
  json fields = json::object();
};

struct Warning {
  int turn = 0;
  std::string kind;
  std::string message;
};

struct Usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t agent_requests = 0;
  int64_t tool_calls = 0;
  int64_t tool_errors = 0;
  int64_t user_model_requests = 0;
  int64_t judge_requests = 0;
  int64_t user_model_prompt_tokens = 0;  // prompt_tokens/completion_tokens are the agent's
  int64_t user_model_completion_tokens = 0;
  int64_t judge_prompt_tokens = 0;
  int64_t judge_completion_tokens = 0;
  int64_t retries = 0;
  std::vector<double> turn_latency_ms;
};

struct ErrorInfo {
  std::string kind;
  std::string message;
  std::optional<int> http_status;
  std::optional<double> retry_after_s;
};

struct Record {
  int schema_version = kSchemaVersion;
  std::string run_id;
  json source = {{"kind", "spar"}};
  json agent = {{"spec", nullptr}};
  std::string scenario;
  std::optional<std::string> scenario_path;
  std::optional<std::string> persona;
  int trial = 1;
  std::optional<uint64_t> seed;
  std::string ended = ended::kPersonaDone;
  std::optional<ErrorInfo> error;  // iff ended is agent_error or script_error
  int turns = 0;
  std::optional<int> max_turns;
  std::vector<int> checkpoint_turns;
  std::vector<Entry> transcript;
  std::vector<Event> events;
  std::vector<Probe> probes;
  json progress = json::object();  // {"<checkpoint turn>": progress(state)}
  std::vector<Warning> warnings;   // engine warnings (tool_loop, tool_calls_dropped)
  json expectations = json::array();  // r:expect{} observations [{turn, line?, contains?, ...}]
  Usage usage;
  double duration_ms = 0;
  std::optional<json> final_state;  // absent for imports
  // Not part of the layout: false (a scenario's record_state = false) keeps final_state for the
  // live scorer but leaves it out of what to_json writes.
  bool write_final_state = true;
  std::optional<json> user_stop;    // {"by": "persona", "reason"} | {"by": "user_model", "token", "message"}
  std::optional<json> label;        // {"source", "reward", "pass"} from an import
  std::optional<json> metadata;     // an import's own metadata, verbatim
  std::optional<json> score;        // the verdicts; absent until scored

  bool errored() const { return ended == ended::kAgentError || ended == ended::kScriptError; }
};

// The `ended` value for an error of this kind: kind "script" is a script error, every other
// kind an agent error.
std::string ended_for_error(std::string_view kind);

// Exactly the v1 layout. Optional members that are unset are written as null where the layout
// has the key always (scenario_path, persona, seed, error, max_turns) and left out otherwise.
void to_json(json& j, const ToolCall& c);
void from_json(const json& j, ToolCall& c);
void to_json(json& j, const Entry& e);
void from_json(const json& j, Entry& e);
void to_json(json& j, const Event& e);
void from_json(const json& j, Event& e);
void to_json(json& j, const Probe& p);
void from_json(const json& j, Probe& p);
void to_json(json& j, const Warning& w);
void from_json(const json& j, Warning& w);
void to_json(json& j, const Usage& u);
void from_json(const json& j, Usage& u);
void to_json(json& j, const ErrorInfo& e);
void from_json(const json& j, ErrorInfo& e);
// from_json throws json::exception (type_error, out_of_range) naming what is wrong.
void to_json(json& j, const Record& r);
void from_json(const json& j, Record& r);

// A record an older spar wrote (no schema_version) in the v1 layout: the verdicts (pass,
// goal_met, violations, checkpoints, degradation, final_quality, judgements, policy_count, the
// events' recovered/turns_to_recover/leaked/leak_turn, the probes' answered, policy_error
// warnings) move under "score"; status/end_reason become `ended`. A record that has a
// schema_version is returned as it is.
json upgrade_v0(json v0);

}  // namespace spar::record
