#include "score/events.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "score/text.h"

namespace spar::score {

namespace {

// What the agent produced in one turn.
struct AgentTurn {
  std::string text;       // all its text in the turn
  std::string final;      // its last text reply (what the user reads)
  std::string tool_args;  // every tool call's name and arguments
  std::vector<std::string> tools;
};

std::map<int, AgentTurn> agent_turns(const json& record) {
  std::map<int, AgentTurn> out;
  for (const auto& m : record.value("transcript", json::array())) {
    if (m.value("role", "") != "assistant") continue;
    AgentTurn& t = out[m.value("turn", 0)];
    std::string content = m.value("content", "");
    if (!content.empty()) {
      t.text += content + "\n";
      if (!m.contains("tool_calls")) t.final = content;
    }
    for (const auto& c : m.value("tool_calls", json::array())) {
      t.tools.push_back(c.value("name", ""));
      t.tool_args += c.value("name", "") + " " + c.value("arguments", "") + "\n";
    }
    if (!m.contains("tool_calls")) t.final = content;
  }
  return out;
}

// The first turn >= from whose agent output (text or tool arguments) holds `value` as a token.
std::optional<int> first_use(const std::map<int, AgentTurn>& turns, int from, int to, const std::string& value,
                             bool tool_args_only = false) {
  for (auto it = turns.lower_bound(from); it != turns.end() && it->first <= to; ++it) {
    const AgentTurn& t = it->second;
    if (contains_token(t.tool_args, value) || (!tool_args_only && contains_token(t.text, value))) return it->first;
  }
  return std::nullopt;
}

std::optional<int> first_call(const std::map<int, AgentTurn>& turns, int from, const std::string& tool) {
  for (auto it = turns.lower_bound(from); it != turns.end(); ++it) {
    const auto& tools = it->second.tools;
    if (std::find(tools.begin(), tools.end(), tool) != tools.end()) return it->first;
  }
  return std::nullopt;
}

bool asks_question(const std::string& text) { return text.find('?') != std::string::npos; }

bool addressed(const json& event, const std::string& message, const std::string& reply) {
  if (event.contains("expect") && event["expect"].is_array() && !event["expect"].empty()) {
    for (const auto& e : event["expect"]) {
      if (e.is_string() && contains_token(reply, e.get<std::string>())) return true;
    }
    return false;
  }
  return addresses(message, reply);
}

void mark(json& event, bool recovered, std::optional<int> turns) {
  event["recovered"] = recovered;
  event["turns_to_recover"] = recovered && turns ? json(*turns) : json(nullptr);
}

void leak(json& event, const std::string& value, int turn) {
  event["leaked"] = value;
  event["leak_turn"] = turn;
}

void score_event(json& e, const std::map<int, AgentTurn>& turns, int last_turn, int R) {
  const std::string type = e.value("type", "");
  const int t = e.value("turn", 0);
  auto reply_at = [&](int turn) {
    auto it = turns.find(turn);
    return it == turns.end() ? std::string() : it->second.final;
  };
  e["leaked"] = nullptr;

  if (type == "correction") {
    std::string from = e.value("from", ""), to = e.value("to", "");
    if (auto l = first_use(turns, t, last_turn, from)) {
      leak(e, from, *l);
      return mark(e, false, std::nullopt);
    }
    auto used = first_use(turns, t, t + R, to);
    return mark(e, used.has_value(), used ? std::optional<int>(*used - t) : std::nullopt);
  }
  if (type == "intent_change") {
    if (!e.contains("from_tool") || !e.contains("to_tool")) {
      e["recovered"] = nullptr;
      e["unscored"] = "the scenario's intents do not map both intents to tools";
      return;
    }
    std::string from_tool = e["from_tool"], to_tool = e["to_tool"];
    if (auto l = first_call(turns, t, from_tool)) {
      leak(e, from_tool, *l);
      return mark(e, false, std::nullopt);
    }
    auto called = first_call(turns, t, to_tool);
    return mark(e, called.has_value(), called ? std::optional<int>(*called - t) : std::nullopt);
  }
  if (type == "interruption") {
    // The reply to the interrupting message addresses it: it holds a word the persona said to
    // expect, or uses a value the message carried (now or within R turns), or shares a content
    // word with it. Continuing the cut answer as if nothing was said does none of these.
    std::string text = e.value("text", "");
    if (e.contains("expect")) return mark(e, addressed(e, text, reply_at(t)), 0);
    for (const auto& v : value_tokens(text)) {
      if (auto used = first_use(turns, t, t + R, v)) return mark(e, true, *used - t);
    }
    return mark(e, addresses(text, reply_at(t)), 0);
  }
  if (type == "topic_switch") {
    // Back on task after the digression: the reply to the return names the task, or at least
    // no longer dwells on the digression (shares none of the words only the digression used).
    std::string reply = reply_at(t);
    if (e.contains("expect")) return mark(e, addressed(e, "", reply), 0);
    auto back = keywords(e.value("back", ""));
    auto digression = keywords(e.value("digression", ""));
    auto said = keywords(reply);
    bool on_task = std::any_of(back.begin(), back.end(), [&](const std::string& w) { return said.count(w) > 0; });
    bool dwelling = std::any_of(digression.begin(), digression.end(),
                                [&](const std::string& w) { return !back.count(w) && said.count(w) > 0; });
    return mark(e, !reply.empty() && (on_task || !dwelling), 0);
  }
  if (type == "ambiguity") {
    std::string referent = e.value("referent", "");
    for (const auto& c : e.value("candidates", json::array())) {
      std::string cand = c.get<std::string>();
      if (cand == referent) continue;
      if (auto wrong = first_use(turns, t, last_turn, cand, /*tool_args_only=*/true)) {
        leak(e, cand, *wrong);
        return mark(e, false, std::nullopt);
      }
    }
    if (asks_question(reply_at(t))) return mark(e, true, 0);
    auto used = first_use(turns, t, t + R, referent);
    return mark(e, used.has_value(), used ? std::optional<int>(*used - t) : std::nullopt);
  }
  if (type == "contradiction") {
    std::string earlier = e.value("earlier", ""), now = e.value("now", "");
    if (auto l = first_use(turns, t + 1, last_turn, earlier, /*tool_args_only=*/true)) {
      leak(e, earlier, *l);
      return mark(e, false, std::nullopt);
    }
    if (asks_question(reply_at(t))) return mark(e, true, 0);
    auto used = first_use(turns, t, t + R, now);
    if (!used && addresses(e.value("now", ""), reply_at(t))) used = t;
    return mark(e, used.has_value(), used ? std::optional<int>(*used - t) : std::nullopt);
  }
  e["recovered"] = nullptr;  // an event type this version does not score
}

}  // namespace

void score_events(json& record, const ScoreOptions& options) {
  const int last_turn = record.value("turns", 0);
  auto turns = agent_turns(record);

  if (record.contains("events") && record["events"].is_array()) {
    for (auto& e : record["events"]) score_event(e, turns, last_turn, options.recovery_turns);
  }
  if (record.contains("probes") && record["probes"].is_array()) {
    for (auto& p : record["probes"]) {
      auto it = turns.find(p.value("turn", 0));
      p["answered"] = it != turns.end() && contains_token(it->second.final, p.value("expected", ""));
    }
  }
}

}  // namespace spar::score
