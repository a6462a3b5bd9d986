#include "conversation/conversation.h"

#include <fmt/format.h>

namespace spar::conversation {

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

json tool_calls_json(const std::vector<agent::ToolCall>& calls) {
  json out = json::array();
  for (const auto& c : calls) out.push_back({{"id", c.id}, {"name", c.name}, {"arguments", c.arguments}});
  return out;
}

}  // namespace

Conversation::Conversation(Plan plan, Options options, agent::AgentClient& agent, Finished finished)
    : plan_(std::move(plan)), options_(std::move(options)), agent_(agent), finished_(std::move(finished)) {
  record_ = {
      {"scenario", plan_.scenario_id},
      {"persona", nullptr},
      {"trial", plan_.trial},
      {"seed", plan_.seed},
      {"status", "completed"},
      {"pass", false},
      {"goal_met", false},
      {"turns", 0},
      {"end_reason", nullptr},
      {"transcript", json::array()},
      {"events", json::array()},
      {"probes", json::array()},
      {"violations", json::array()},
      {"warnings", json::array()},
      {"checkpoints", json::object()},
      {"usage",
       {{"prompt_tokens", 0},
        {"completion_tokens", 0},
        {"agent_requests", 0},
        {"tool_calls", 0},
        {"tool_errors", 0},
        {"turn_latency_ms", json::array()}}},
      {"duration_ms", 0},
      {"error", nullptr},
  };
}

Conversation::~Conversation() = default;

void Conversation::start() {
  started_ = std::chrono::steady_clock::now();
  auto session = persona::Session::open(plan_.scenario_path, options_.persona);
  if (!session.ok()) return fail(session.error());
  session_ = std::move(session).value();
  const auto& info = session_->info();
  record_["persona"] = info.persona;
  if (!info.system.empty()) history_.push_back(agent::Message{"system", info.system, {}, "", ""});
  on_action(session_->start(plan_.seed));
}

void Conversation::on_action(Result<persona::Action> action) {
  if (!action.ok()) return fail(action.error());
  const persona::Action& a = action.value();
  int event_turn = a.kind == persona::Action::Kind::say ? turn_ + 1 : turn_;
  for (json event : a.events) {
    event["turn"] = event_turn;
    record_["events"].push_back(std::move(event));
  }
  if (a.kind == persona::Action::Kind::stop) return finish("persona_stopped");

  ++turn_;
  tool_steps_ = 0;
  turn_tool_calls_ = json::array();
  turn_started_ = std::chrono::steady_clock::now();
  if (!a.probe.is_null()) {
    json probe = a.probe;
    probe["turn"] = turn_;
    record_["probes"].push_back(std::move(probe));
  }
  history_.push_back(agent::Message{"user", a.text, {}, "", ""});
  record_["transcript"].push_back({{"turn", turn_}, {"role", "user"}, {"content", a.text}});
  send_to_agent();
}

void Conversation::send_to_agent() {
  agent::Request req;
  req.session_id = fmt::format("{}#{}-{:x}", plan_.scenario_id, plan_.trial, plan_.seed);
  req.seed = plan_.seed;
  req.messages = history_;
  for (const auto& t : session_->info().tools) req.tools.push_back({t.name, t.description, t.parameters});
  record_["usage"]["agent_requests"] = record_["usage"]["agent_requests"].get<int64_t>() + 1;
  agent_.send(std::move(req), [this](Result<agent::Reply> reply) { on_reply(std::move(reply)); });
}

void Conversation::on_reply(Result<agent::Reply> reply) {
  if (!reply.ok()) return fail(reply.error());
  agent::Reply& r = reply.value();
  json& usage = record_["usage"];
  usage["prompt_tokens"] = usage["prompt_tokens"].get<int64_t>() + r.usage.prompt_tokens;
  usage["completion_tokens"] = usage["completion_tokens"].get<int64_t>() + r.usage.completion_tokens;

  if (r.tool_calls.empty() || r.truncated) return complete_turn(r.text, r.truncated);

  // A tool-call round: run each call over the scenario state and hand the results back.
  history_.push_back(agent::Message{"assistant", r.text, r.tool_calls, "", ""});
  json entry = {{"turn", turn_}, {"role", "assistant"}, {"content", r.text}, {"tool_calls", tool_calls_json(r.tool_calls)}};
  record_["transcript"].push_back(std::move(entry));
  for (const auto& call : r.tool_calls) {
    persona::ToolOutcome outcome = session_->call_tool(call.name, call.arguments);
    std::string content = outcome.result.dump(-1, ' ', false, json::error_handler_t::replace);
    history_.push_back(agent::Message{"tool", content, {}, call.id, call.name});
    json tool_entry = {{"turn", turn_}, {"role", "tool"}, {"tool_call_id", call.id}, {"name", call.name}, {"content", content}};
    if (outcome.error) tool_entry["error"] = true;
    record_["transcript"].push_back(std::move(tool_entry));
    turn_tool_calls_.push_back({{"name", call.name}, {"arguments", call.arguments}});
    usage["tool_calls"] = usage["tool_calls"].get<int64_t>() + 1;
    if (outcome.error) usage["tool_errors"] = usage["tool_errors"].get<int64_t>() + 1;
  }
  if (++tool_steps_ >= options_.max_tool_steps) {
    record_["warnings"].push_back(
        {{"turn", turn_},
         {"kind", "tool_loop"},
         {"message", fmt::format("the agent made {} tool-call rounds without answering; turn ended", tool_steps_)}});
    return complete_turn("", false);
  }
  send_to_agent();
}

void Conversation::complete_turn(const std::string& text, bool truncated) {
  record_["usage"]["turn_latency_ms"].push_back(ms_since(turn_started_));
  history_.push_back(agent::Message{"assistant", text, {}, "", ""});
  json entry = {{"turn", turn_}, {"role", "assistant"}, {"content", text}};
  if (truncated) entry["truncated"] = true;
  record_["transcript"].push_back(std::move(entry));
  record_["turns"] = turn_;

  if (turn_ >= session_->info().max_turns) return finish("max_turns");
  json reply = {{"text", text}, {"tool_calls", turn_tool_calls_}, {"truncated", truncated}};
  on_action(session_->resume(reply));
}

void Conversation::finish(const std::string& end_reason) {
  if (done_) return;
  record_["end_reason"] = end_reason;
  auto goal = session_->goal();
  if (!goal.ok()) return fail(goal.error());
  record_["goal_met"] = goal.value();
  bool critical = false;
  for (const auto& v : record_["violations"]) critical = critical || v.value("severity", "") == "critical";
  record_["pass"] = goal.value() && !critical;
  record_["final_state"] = session_->state();
  done_ = true;
  record_["duration_ms"] = ms_since(started_);
  finished_(std::move(record_));
}

void Conversation::fail(const Error& error) {
  if (done_) return;
  done_ = true;
  record_["status"] = "error";
  record_["pass"] = false;
  record_["end_reason"] = "error";
  record_["error"] = {{"kind", error.kind}, {"message", error.message}};
  record_["duration_ms"] = ms_since(started_);
  finished_(std::move(record_));
}

}  // namespace spar::conversation
