#include "conversation/checks.h"

#include <cctype>

#include <fmt/format.h>

#include "base/json_depth.h"

namespace spar::conversation {

namespace {

using json = nlohmann::json;

// Arguments nested past the limit are read as {} like unparsable ones: the tree would be
// copied (recursively) into every policy check.
json parse_arguments(const std::string& text) {
  if (json_nests_deeper_than(text)) return json::object();
  json args = json::parse(text.empty() ? "{}" : text, nullptr, false);
  return args.is_discarded() || !args.is_object() ? json::object() : args;
}

// "path:line: policy 'RULE' failed: message" when the rule's error names its line (it does,
// unless the error object was not a string), so the position leads as in every script error.
std::string policy_error_message(const std::string& rule, const std::string& message) {
  size_t colon = message.find(':');
  size_t digits = colon == std::string::npos ? colon : colon + 1;
  size_t end = digits;
  while (end != std::string::npos && end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) ++end;
  bool positioned = colon != std::string::npos && colon > 0 && end > digits &&
                    message.compare(end, 2, ": ") == 0 && message.find(' ') > colon;
  if (!positioned) return fmt::format("policy '{}' failed: {}", rule, message);
  return fmt::format("{}: policy '{}' failed: {}", message.substr(0, end), rule, message.substr(end + 2));
}

class Checker {
 public:
  Checker(persona::Session& session, score::ScenarioChecks& out) : session_(session), out_(out) {}

  void tool_call(const record::Entry& entry, const record::ToolCall& call, const record::Entry* result) {
    json args = parse_arguments(call.arguments);
    check(entry.turn, {{"kind", "tool_call"}, {"tool", call.name}, {"args", args}, {"text", entry.content}});
    persona::ToolOutcome live = session_.call_tool(call.name, call.arguments);
    // The result the agent was given, as recorded; without one (an import), the replayed one.
    json value = live.result;
    bool error = live.error;
    if (result != nullptr) {
      std::string replayed = live.text();
      if (replayed != result->content) differs(entry.turn, call, result->content, replayed);
      value = parse_json_bounded(result->content);
      if (value.is_discarded()) value = result->content;
      error = result->error;
    }
    bool ok = !error && !(value.is_object() && value.value("ok", true) == false);
    run_["calls"].push_back({{"name", call.name}, {"arguments", args}, {"turn", entry.turn}, {"error", error}});
    calls_.push_back({{"name", call.name}, {"args", std::move(args)}, {"result", std::move(value)}, {"ok", ok},
                      {"turn", entry.turn}});
  }

  void text(const record::Entry& entry) {
    if (!entry.content.empty()) check(entry.turn, {{"kind", "text"}, {"text", entry.content}});
    last_agent_ = entry.content;
  }

  // What the assistant said, in order (a tool-call round's text included, as the user saw it).
  void said(const record::Entry& entry) {
    if (!entry.content.empty()) run_["replies"].push_back(entry.content);
  }

  // goal(state, run): how it ended, the agent's replies, its tool calls, from the record alone.
  json run(const record::Record& record) {
    json out = run_;
    out["ended"] = record.ended;
    out["turns"] = record.turns;
    return out;
  }

  void user(const record::Entry& entry) { last_user_ = entry.content; }

 private:
  // A replayed tool result that is not byte for byte the recorded one: the tools changed, are
  // not deterministic, or (an import) are not the ones the conversation was played with.
  void differs(int turn, const record::ToolCall& call, const std::string& recorded, const std::string& replayed) {
    size_t at = 0;
    while (at < recorded.size() && at < replayed.size() && recorded[at] == replayed[at]) ++at;
    auto around = [at](const std::string& s) {
      size_t from = at > 40 ? at - 40 : 0;
      return json(s.substr(from, 80)).dump(-1, ' ', false, json::error_handler_t::replace);
    };
    out_.warnings.push_back(
        {{"turn", turn},
         {"kind", "tool_replay"},
         {"message", fmt::format("replaying {} (call {}) gave another result than the recorded one: from byte {} "
                                 "the recorded result reads {}, the replayed one {}",
                                 call.name, call.id, at, around(recorded), around(replayed))}});
  }

  void check(int turn, json ctx) {
    if (out_.policy_count == 0) return;
    ctx["turn"] = turn;
    ctx["calls"] = calls_;
    ctx["last_user"] = last_user_;
    ctx["last_agent"] = last_agent_;
    json found = session_.check_policies(ctx);
    for (json v : found["violations"]) {
      v["turn"] = turn;
      v["action"] = ctx["kind"];
      if (ctx.contains("tool")) v["tool"] = ctx["tool"];
      out_.violations.push_back(std::move(v));
    }
    for (const auto& e : found["errors"]) {
      out_.warnings.push_back({{"turn", turn},
                               {"kind", "policy_error"},
                               {"message", policy_error_message(e.value("rule", "?"), e.value("message", ""))}});
    }
  }

  persona::Session& session_;
  score::ScenarioChecks& out_;
  json calls_ = json::array();
  json run_ = {{"replies", json::array()}, {"calls", json::array()}};
  std::string last_user_, last_agent_;
};

}  // namespace

Result<score::ScenarioChecks> check_scenario(const record::Record& record, persona::Session& session) {
  score::ScenarioChecks out;
  out.checked = true;
  out.policy_count = session.info().policies;
  out.intents = session.info().intents;
  out.fields = session.info().fields;
  out.tool_count = static_cast<int>(session.info().tools.size());
  Checker checker(session, out);
  const auto& t = record.transcript;
  for (size_t i = 0; i < t.size(); ++i) {
    const record::Entry& e = t[i];
    if (e.role == "user") checker.user(e);
    if (e.role != "assistant") continue;
    checker.said(e);
    if (!e.tool_calls) {
      checker.text(e);
      continue;
    }
    // The tool results follow their calls, in order.
    size_t next = i + 1;
    for (const auto& call : *e.tool_calls) {
      const record::Entry* result = next < t.size() && t[next].role == "tool" ? &t[next++] : nullptr;
      checker.tool_call(e, call, result);
    }
  }
  if (record.errored()) return out;  // no goal for a conversation that did not finish
  auto goal = session.goal(checker.run(record), &out.goal_evidence);
  if (!goal.ok()) return goal.error();
  out.goal_met = *goal;
  if (record.final_state && session.state() != *record.final_state) {
    out.warnings.push_back({{"turn", record.turns},
                            {"kind", "state_replay"},
                            {"message", "replaying the recorded tool calls did not rebuild the recorded final_state "
                                        "(the scenario's tools changed, or are not deterministic); the goal was "
                                        "checked on the replayed state"}});
  }
  return out;
}

Result<score::ScenarioChecks> check_scenario_file(const record::Record& record, const std::string& scenario_path,
                                                  const persona::Options& options) {
  persona::Options played = options;  // the persona that played it: its goal sees run.persona
  if (record.persona && !record.persona->empty()) played.persona = *record.persona;
  auto session = persona::Session::open(scenario_path, played);
  if (!session.ok()) return session.error();
  return check_scenario(record, **session);
}

}  // namespace spar::conversation
