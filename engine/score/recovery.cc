#include "score/recovery.h"

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

json mean_or_null(const std::vector<double>& xs) {
  if (xs.empty()) return nullptr;
  double sum = 0;
  for (double x : xs) sum += x;
  return sum / static_cast<double>(xs.size());
}

}  // namespace

void score_conversation(json& record, const ScoreOptions& options) {
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

  std::vector<int> cps = {3, 8, 15, 25};
  if (record.contains("checkpoint_turns") && record["checkpoint_turns"].is_array()) {
    cps = record["checkpoint_turns"].get<std::vector<int>>();
  }
  const int policy_count = record.value("policy_count", 0);
  json checkpoints = json::object();
  json first, last;
  int prev = 0;
  for (int c : cps) {
    std::string key = std::to_string(c);
    if (last_turn < c) {
      checkpoints[key] = nullptr;
      prev = c;
      continue;
    }
    auto in_window = [&](const json& x) {
      int t = x.value("turn", 0);
      return t > prev && t <= c;
    };
    json w = json::object();
    // policy
    if (policy_count > 0) {
      double penalty = 0;
      bool critical = false;
      for (const auto& v : record.value("violations", json::array())) {
        if (!in_window(v)) continue;
        std::string sev = v.value("severity", "major");
        if (sev == "critical") critical = true;
        penalty += sev == "minor" ? kMinorWeight : kMajorWeight;
      }
      w["policy"] = critical ? 0.0 : std::max(0.0, 1.0 - penalty);
    } else {
      w["policy"] = nullptr;
    }
    // recovery
    std::vector<double> rec;
    for (const auto& e : record.value("events", json::array())) {
      if (in_window(e) && e.contains("recovered") && e["recovered"].is_boolean()) rec.push_back(e["recovered"] ? 1 : 0);
    }
    w["recovery"] = mean_or_null(rec);
    // retention
    std::vector<double> ret;
    for (const auto& p : record.value("probes", json::array())) {
      if (in_window(p)) ret.push_back(p.value("answered", false) ? 1 : 0);
    }
    w["retention"] = mean_or_null(ret);
    // progress and judge come from the conversation
    w["progress"] = record.contains("progress") && record["progress"].contains(key) ? record["progress"][key] : json(nullptr);
    json judge = nullptr;
    if (record.contains("judgements") && record["judgements"].contains(key)) {
      const json& j = record["judgements"][key];
      if (j.is_object() && j.contains("score") && j["score"].is_number()) judge = j["score"];
    }
    w["judge"] = judge;
    std::vector<double> dims;
    for (const char* d : {"policy", "recovery", "retention", "judge"}) {
      if (w[d].is_number()) dims.push_back(w[d].get<double>());
    }
    w["quality"] = mean_or_null(dims);
    checkpoints[key] = w;
    prev = c;
  }
  record["checkpoints"] = checkpoints;

  // Degradation per dimension: the last reached checkpoint with a value minus the first.
  json degradation = json::object();
  json final_quality = nullptr;
  for (const char* d : {"policy", "recovery", "retention", "progress", "judge", "quality"}) {
    json a = nullptr, b = nullptr;
    for (int c : cps) {
      const json& w = checkpoints[std::to_string(c)];
      if (w.is_null() || !w[d].is_number()) continue;
      if (a.is_null()) a = w[d];
      b = w[d];
    }
    degradation[d] = a.is_null() ? json(nullptr) : json(b.get<double>() - a.get<double>());
    if (std::string(d) == "quality") final_quality = b;
  }
  record["degradation"] = degradation;
  record["final_quality"] = final_quality;
}

}  // namespace spar::score
