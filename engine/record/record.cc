#include "record/record.h"

#include "base/result.h"

namespace spar::record {

namespace {

// Reads j[key] into `out` when present and not null; a wrong type throws json::type_error.
template <class T>
void read(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it != j.end() && !it->is_null()) it->get_to(out);
}

template <class T>
void read(const json& j, const char* key, std::optional<T>& out) {
  auto it = j.find(key);
  if (it != j.end() && !it->is_null()) out = it->get<T>();
}

// Optional json members keep null apart from absent.
void read_json(const json& j, const char* key, std::optional<json>& out) {
  auto it = j.find(key);
  if (it != j.end()) out = *it;
}

template <class T>
json or_null(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

void require_object(const json& j, const char* what) {
  if (!j.is_object()) throw json::type_error::create(302, std::string(what) + " is not an object", &j);
}

// An object's members other than `known`, for the open sets of events and probes.
json other_fields(const json& j, std::initializer_list<const char*> known) {
  json out = json::object();
  for (const auto& [k, v] : j.items()) {
    bool is_known = false;
    for (const char* n : known) is_known = is_known || k == n;
    if (!is_known) out[k] = v;
  }
  return out;
}

}  // namespace

std::string ended_for_error(std::string_view kind) {
  return kind == to_string(ErrorKind::script) ? ended::kScriptError : ended::kAgentError;
}

void to_json(json& j, const ToolCall& c) { j = {{"id", c.id}, {"name", c.name}, {"arguments", c.arguments}}; }

void from_json(const json& j, ToolCall& c) {
  require_object(j, "a tool call");
  read(j, "id", c.id);
  read(j, "name", c.name);
  read(j, "arguments", c.arguments);
}

void to_json(json& j, const Entry& e) {
  j = {{"turn", e.turn}, {"role", e.role}, {"content", e.content}};
  if (e.tool_calls) j["tool_calls"] = *e.tool_calls;
  if (e.tool_call_id) j["tool_call_id"] = *e.tool_call_id;
  if (e.name) j["name"] = *e.name;
  if (e.error) j["error"] = true;
  if (e.truncated) j["truncated"] = true;
  if (e.generated) j["generated"] = true;
}

void from_json(const json& j, Entry& e) {
  require_object(j, "a transcript entry");
  read(j, "turn", e.turn);
  read(j, "role", e.role);
  read(j, "content", e.content);
  read(j, "tool_calls", e.tool_calls);
  read(j, "tool_call_id", e.tool_call_id);
  read(j, "name", e.name);
  read(j, "error", e.error);
  read(j, "truncated", e.truncated);
  read(j, "generated", e.generated);
}

void to_json(json& j, const Event& e) {
  j = e.fields.is_object() ? e.fields : json::object();
  j["type"] = e.type;
  j["turn"] = e.turn;
}

void from_json(const json& j, Event& e) {
  require_object(j, "an event");
  read(j, "type", e.type);
  read(j, "turn", e.turn);
  e.fields = other_fields(j, {"type", "turn"});
}

void to_json(json& j, const Probe& p) {
  j = p.fields.is_object() ? p.fields : json::object();
  j["key"] = p.key;
  j["expected"] = p.expected;
  j["turn"] = p.turn;
}

void from_json(const json& j, Probe& p) {
  require_object(j, "a probe");
  read(j, "key", p.key);
  p.expected = j.value("expected", json());
  read(j, "turn", p.turn);
  p.fields = other_fields(j, {"key", "expected", "turn"});
}

void to_json(json& j, const Warning& w) { j = {{"turn", w.turn}, {"kind", w.kind}, {"message", w.message}}; }

void from_json(const json& j, Warning& w) {
  require_object(j, "a warning");
  read(j, "turn", w.turn);
  read(j, "kind", w.kind);
  read(j, "message", w.message);
}

void to_json(json& j, const Usage& u) {
  j = {{"prompt_tokens", u.prompt_tokens},
       {"completion_tokens", u.completion_tokens},
       {"agent_requests", u.agent_requests},
       {"tool_calls", u.tool_calls},
       {"tool_errors", u.tool_errors},
       {"user_model_requests", u.user_model_requests},
       {"judge_requests", u.judge_requests},
       {"retries", u.retries},
       {"turn_latency_ms", u.turn_latency_ms}};
  // The user model's and the judge's tokens: written when there are any, so a record without
  // them (an older one, or one that used neither) reads and writes back byte for byte.
  for (auto [key, n] : {std::pair{"user_model_prompt_tokens", u.user_model_prompt_tokens},
                        std::pair{"user_model_completion_tokens", u.user_model_completion_tokens},
                        std::pair{"judge_prompt_tokens", u.judge_prompt_tokens},
                        std::pair{"judge_completion_tokens", u.judge_completion_tokens}}) {
    if (n != 0) j[key] = n;
  }
}

void from_json(const json& j, Usage& u) {
  require_object(j, "\"usage\"");
  read(j, "prompt_tokens", u.prompt_tokens);
  read(j, "completion_tokens", u.completion_tokens);
  read(j, "agent_requests", u.agent_requests);
  read(j, "tool_calls", u.tool_calls);
  read(j, "tool_errors", u.tool_errors);
  read(j, "user_model_requests", u.user_model_requests);
  read(j, "judge_requests", u.judge_requests);
  read(j, "user_model_prompt_tokens", u.user_model_prompt_tokens);
  read(j, "user_model_completion_tokens", u.user_model_completion_tokens);
  read(j, "judge_prompt_tokens", u.judge_prompt_tokens);
  read(j, "judge_completion_tokens", u.judge_completion_tokens);
  read(j, "retries", u.retries);
  read(j, "turn_latency_ms", u.turn_latency_ms);
}

void to_json(json& j, const ErrorInfo& e) {
  j = {{"kind", e.kind}, {"message", e.message}};
  if (e.http_status) j["http_status"] = *e.http_status;
  if (e.retry_after_s) j["retry_after_s"] = *e.retry_after_s;
}

void from_json(const json& j, ErrorInfo& e) {
  require_object(j, "\"error\"");
  read(j, "kind", e.kind);
  read(j, "message", e.message);
  read(j, "http_status", e.http_status);
  read(j, "retry_after_s", e.retry_after_s);
}

void to_json(json& j, const Record& r) {
  j = {{"schema_version", r.schema_version},
       {"run_id", r.run_id},
       {"source", r.source},
       {"agent", r.agent},
       {"scenario", r.scenario},
       {"scenario_path", or_null(r.scenario_path)},
       {"persona", or_null(r.persona)},
       {"trial", r.trial},
       {"seed", or_null(r.seed)},
       {"ended", r.ended},
       {"error", or_null(r.error)},
       {"turns", r.turns},
       {"max_turns", or_null(r.max_turns)},
       {"checkpoint_turns", r.checkpoint_turns},
       {"transcript", r.transcript},
       {"events", r.events},
       {"probes", r.probes},
       {"progress", r.progress},
       {"warnings", r.warnings},
       {"usage", r.usage},
       {"duration_ms", r.duration_ms}};
  if (r.final_state && r.write_final_state) j["final_state"] = *r.final_state;
  if (!r.expectations.empty()) j["expectations"] = r.expectations;
  if (r.user_stop) j["user_stop"] = *r.user_stop;
  if (r.label) j["label"] = *r.label;
  if (r.metadata) j["metadata"] = *r.metadata;
  if (r.score) j["score"] = *r.score;
}

void from_json(const json& j, Record& r) {
  require_object(j, "the record");
  r = Record{};
  read(j, "schema_version", r.schema_version);
  read(j, "run_id", r.run_id);
  read(j, "source", r.source);
  read(j, "agent", r.agent);
  j.at("scenario").get_to(r.scenario);
  read(j, "scenario_path", r.scenario_path);
  read(j, "persona", r.persona);
  read(j, "trial", r.trial);
  read(j, "seed", r.seed);
  read(j, "ended", r.ended);
  read(j, "error", r.error);
  read(j, "turns", r.turns);
  read(j, "max_turns", r.max_turns);
  read(j, "checkpoint_turns", r.checkpoint_turns);
  read(j, "transcript", r.transcript);
  read(j, "events", r.events);
  read(j, "probes", r.probes);
  read(j, "progress", r.progress);
  if (!r.progress.is_object()) throw json::type_error::create(302, "\"progress\" is not an object", &j);
  read(j, "warnings", r.warnings);
  read(j, "usage", r.usage);
  read(j, "duration_ms", r.duration_ms);
  if (auto x = j.find("expectations"); x != j.end() && !x->is_null()) {
    if (!x->is_array()) throw json::type_error::create(302, "\"expectations\" is not an array", &j);
    for (const auto& e : *x) {
      if (!e.is_object()) throw json::type_error::create(302, "each of \"expectations\" must be an object", &j);
    }
    r.expectations = *x;
  }
  read_json(j, "final_state", r.final_state);
  read_json(j, "user_stop", r.user_stop);
  read_json(j, "label", r.label);
  read_json(j, "metadata", r.metadata);
  auto score = j.find("score");
  if (score != j.end() && !score->is_null()) {
    require_object(*score, "\"score\"");
    r.score = *score;
  }
}

json upgrade_v0(json v0) {
  if (!v0.is_object() || v0.contains("schema_version")) return v0;
  json& r = v0;
  auto take = [&r](const char* key) {
    auto it = r.find(key);
    if (it == r.end()) return json();
    json v = std::move(*it);
    r.erase(it);
    return v;
  };
  const json status = take("status");
  const json end_reason = take("end_reason");
  const json& error = r.contains("error") ? r["error"] : json();
  std::string ended;
  if (status.is_string() && status.get<std::string>() != "completed") {
    ended = ended_for_error(error.is_object() ? error.value("kind", std::string()) : std::string());
  } else if (end_reason.is_string() && end_reason.get<std::string>() == "max_turns") {
    ended = ended::kMaxTurns;
  } else {
    ended = ended::kPersonaDone;  // "persona_stopped", or a record too old to say
  }
  json score = {{"scorer", {{"version", "0"}, {"schema_version", 0}, {"options", nullptr}}}};
  const json pass = take("pass");
  const json goal_met = take("goal_met");
  score["pass"] = pass.is_boolean() ? pass : json(false);
  bool errored = ended == ended::kAgentError || ended == ended::kScriptError;
  score["decided_by"] = errored ? "error" : "goal";
  // A record too old to say goal_met was decided by its goal alone (no violations then).
  score["goal_met"] = errored ? json(nullptr) : goal_met.is_boolean() ? goal_met : pass.is_boolean() ? pass : json(nullptr);
  json violations = take("violations");
  score["violations"] = violations.is_array() ? violations : json::array();
  json verdicts = json::array();
  if (r.contains("events") && r["events"].is_array()) {
    for (auto& e : r["events"]) {
      json v = {{"recovered", nullptr}, {"turns_to_recover", nullptr}, {"leaked", nullptr}, {"leak_turn", nullptr}};
      if (e.is_object()) {
        for (const char* k : {"recovered", "turns_to_recover", "leaked", "leak_turn", "unscored"}) {
          if (e.contains(k)) {
            v[k] = std::move(e[k]);
            e.erase(k);
          }
        }
      }
      verdicts.push_back(std::move(v));
    }
  }
  score["events"] = std::move(verdicts);
  json answered = json::array();
  if (r.contains("probes") && r["probes"].is_array()) {
    for (auto& p : r["probes"]) {
      bool a = p.is_object() && p.value("answered", false);
      if (p.is_object()) p.erase("answered");
      answered.push_back({{"answered", a}});
    }
  }
  score["probes"] = std::move(answered);
  for (const char* k : {"checkpoints", "degradation", "final_quality", "judgements", "policy_count"}) {
    json v = take(k);
    if (!v.is_null() || std::string(k) == "final_quality") score[k] = std::move(v);
  }
  // policy_error warnings came from the scorer's policy checks; tool_loop ones are observed.
  json observed = json::array(), scorer = json::array();
  if (r.contains("warnings") && r["warnings"].is_array()) {
    for (auto& w : r["warnings"]) {
      bool policy = w.is_object() && w.value("kind", std::string()) == "policy_error";
      (policy ? scorer : observed).push_back(std::move(w));
    }
    r["warnings"] = std::move(observed);
  }
  score["warnings"] = std::move(scorer);
  r["schema_version"] = kSchemaVersion;
  r["ended"] = ended;
  // played by a spar that recorded neither the agent spec nor the scenario file: say so, so the
  // schema does not demand them of this record
  if (!r.contains("source")) r["source"] = {{"kind", "spar"}, {"upgraded_from", 0}};
  if (!r.contains("agent")) r["agent"] = {{"spec", nullptr}};
  if (!r.contains("scenario_path")) r["scenario_path"] = nullptr;
  if (errored && !(r.contains("error") && r["error"].is_object())) {
    r["error"] = {{"kind", "unknown"}, {"message", ""}};
  }
  if (!errored) r["error"] = nullptr;
  r["score"] = std::move(score);
  return v0;
}

}  // namespace spar::record
