#include "score/events.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/json_depth.h"
#include "score/text.h"

namespace spar::score {

namespace {

// One tool call: its name and its arguments (an object; {} when they do not parse).
struct Call {
  std::string name;
  json args;
  std::string raw;  // name and arguments as text
};

// What the agent produced in one turn.
struct AgentTurn {
  std::string text;   // all its text in the turn
  std::string final;  // its last text reply (what the user reads)
  std::vector<Call> calls;
  bool replied = false;  // it produced anything in the turn
};

json parse_args(const std::string& text) {
  if (json_nests_deeper_than(text)) return json::object();
  json args = json::parse(text.empty() ? "{}" : text, nullptr, false);
  return args.is_discarded() || !args.is_object() ? json::object() : args;
}

std::map<int, AgentTurn> agent_turns(const json& record) {
  std::map<int, AgentTurn> out;
  for (const auto& m : record.value("transcript", json::array())) {
    if (!m.is_object() || m.value("role", "") != "assistant") continue;
    AgentTurn& t = out[m.value("turn", 0)];
    t.replied = true;
    std::string content = m.contains("content") && m["content"].is_string() ? m["content"].get<std::string>() : "";
    if (!content.empty()) t.text += content + "\n";
    for (const auto& c : m.value("tool_calls", json::array())) {
      std::string name = c.value("name", ""), raw = c.value("arguments", "");
      t.calls.push_back({name, parse_args(raw), name + " " + raw});
    }
    if (!m.contains("tool_calls")) t.final = content;
  }
  return out;
}

// What the user said in each turn (all its messages of the turn).
using UserTurns = std::map<int, std::string>;

UserTurns user_turns(const json& record) {
  UserTurns out;
  for (const auto& m : record.value("transcript", json::array())) {
    if (m.is_object() && m.value("role", "") == "user" && m.contains("content") && m["content"].is_string()) {
      out[m.value("turn", 0)] += m["content"].get<std::string>() + "\n";
    }
  }
  return out;
}

// The agent's text in turn `turn` names `value` and the user's own message of that turn does not:
// a value read back from the message it answers is an echo, no evidence of understanding.
bool names_unechoed(const std::string& said, const UserTurns& users, int turn, const std::string& value) {
  if (!contains_token(said, value)) return false;
  auto u = users.find(turn);
  return u == users.end() || !contains_token(u->second, value);
}

// The reply reads the user's message of its turn back: four in five of the content words of a
// message of three or more are in it ("Let me repeat that back: remind, order, number and give?"). Such a reply is
// no evidence of anything, whatever values it happens to name.
bool echoes(const std::string& said, const UserTurns& users, int turn) {
  auto u = users.find(turn);
  if (u == users.end()) return false;
  auto asked = keywords(u->second);
  if (asked.size() < 3) return false;
  auto words = keywords(said);
  auto back = std::count_if(asked.begin(), asked.end(), [&](const std::string& w) { return words.count(w) > 0; });
  return static_cast<double>(back) >= 0.8 * static_cast<double>(asked.size());
}

std::string normal(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  std::string out = s.substr(b, e - b + 1);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The scalar values of argument `key` anywhere in an argument tree, normalized.
void values_of(const json& tree, const std::string& key, std::vector<std::string>& out, int depth = 0) {
  if (depth > 64) return;
  auto scalar = [&](const json& v) {
    if (v.is_string()) out.push_back(normal(v.get<std::string>()));
    else if (v.is_number() || v.is_boolean()) out.push_back(normal(v.dump()));
  };
  if (tree.is_object()) {
    for (const auto& [k, v] : tree.items()) {
      if (k == key) {
        scalar(v);
        if (v.is_array()) for (const auto& x : v) scalar(x);
      }
      values_of(v, key, out, depth + 1);
    }
  } else if (tree.is_array()) {
    for (const auto& v : tree) values_of(v, key, out, depth + 1);
  }
}

// Every argument name in an argument tree with the (normalized) scalar values it holds.
void all_args(const json& tree, std::vector<std::pair<std::string, std::string>>& out, int depth = 0) {
  if (depth > 64) return;
  if (!tree.is_object() && !tree.is_array()) return;
  for (const auto& [k, v] : tree.items()) {
    auto add = [&](const json& x) {
      if (tree.is_object() && x.is_string()) out.emplace_back(k, normal(x.get<std::string>()));
      else if (tree.is_object() && x.is_number()) out.emplace_back(k, normal(x.dump()));
    };
    add(v);
    if (v.is_array()) for (const auto& x : v) add(x);
    all_args(v, out, depth + 1);
  }
}

// The arguments an event's values travel in: the scenario's binding (events[i].args: "arg" or
// "tool.arg"), or, without one, every argument of a call from turn t on whose value equals one
// of `values`.
std::vector<std::string> bindings(const json& e, const std::map<int, AgentTurn>& turns, int t,
                                  const std::vector<std::string>& values) {
  std::vector<std::string> out;
  if (e.contains("args") && e["args"].is_array()) {
    for (const auto& a : e["args"]) {
      if (a.is_string()) out.push_back(a.get<std::string>());
    }
    return out;
  }
  for (auto it = turns.lower_bound(t); it != turns.end(); ++it) {
    for (const auto& c : it->second.calls) {
      std::vector<std::pair<std::string, std::string>> args;
      all_args(c.args, args);
      for (const auto& [k, v] : args) {
        if (std::find(values.begin(), values.end(), v) != values.end()) out.push_back(c.name + "." + k);
      }
    }
  }
  return out;
}

// The values a call gives its bound arguments.
std::vector<std::string> bound_values(const Call& c, const std::vector<std::string>& binds) {
  std::vector<std::string> out;
  for (const auto& b : binds) {
    auto dot = b.find('.');
    if (dot != std::string::npos) {
      if (b.compare(0, dot, c.name) == 0 && dot == c.name.size()) values_of(c.args, b.substr(dot + 1), out);
    } else {
      values_of(c.args, b, out);
    }
  }
  return out;
}

struct Act {
  int turn;
  std::string value;  // the event value it carried (normalized)
};

// The calls from turn t on whose bound arguments carry one of `values`, in order.
std::vector<Act> acts(const std::map<int, AgentTurn>& turns, int t, const std::vector<std::string>& binds,
                      const std::vector<std::string>& values) {
  std::vector<Act> out;
  if (binds.empty()) return out;
  for (auto it = turns.lower_bound(t); it != turns.end(); ++it) {
    for (const auto& c : it->second.calls) {
      for (const auto& v : bound_values(c, binds)) {
        if (std::find(values.begin(), values.end(), v) != values.end()) {
          out.push_back({it->first, v});
          break;
        }
      }
    }
  }
  return out;
}

bool asks_question(const std::string& text) { return text.find('?') != std::string::npos; }

// A question that offers a choice ("which one", "X or Y?"), as asking which of two values is
// meant does; a list of everything heard with "right?" at the end offers none.
bool asks_which(const std::string& text) {
  return asks_question(text) && (contains_token(text, "which") || contains_token(text, "or") || contains_token(text, "either"));
}

void mark(json& e, bool recovered, std::optional<int> turns, const char* decided_by) {
  e["recovered"] = recovered;
  e["turns_to_recover"] = recovered && turns ? json(*turns) : json(nullptr);
  e["decided_by"] = decided_by;
}

void unscored(json& e, const std::string& why) {
  e["recovered"] = nullptr;
  e["turns_to_recover"] = nullptr;
  e["decided_by"] = "unscored";
  e["unscored"] = why;
}

void leak(json& e, const std::string& value, int turn) {
  e["leaked"] = value;
  e["leak_turn"] = turn;
}

std::string str(const json& e, const char* key) {
  return e.contains(key) && e[key].is_string() ? e[key].get<std::string>() : std::string();
}

// A value that was superseded (`old`) by `now`: a correction, or a contradiction. Action first
// (the first bound call that carries either value decides; a later one with the old value
// fails it), then echo-proof text within R turns.
void score_replaced(json& e, const std::map<int, AgentTurn>& turns, const UserTurns& users, int R,
                    const std::string& old_raw,
                    const std::string& now_raw, bool question_recovers) {
  const int t = e.value("turn", 0);
  const std::string old = normal(old_raw), now = normal(now_raw);
  if (old.empty() || now.empty()) return unscored(e, "the event names no old or new value");
  auto binds = bindings(e, turns, t, {old, now});
  auto done = acts(turns, t, binds, {old, now});
  // A reply that reads the old value back alone (and not the new one) within R turns, before
  // any deciding call, told the user the old value stands: the user had to correct it again,
  // so a later right call does not make this correction recovered.
  for (auto it = turns.lower_bound(t); it != turns.end() && it->first <= t + R; ++it) {
    if (!done.empty() && it->first > done.front().turn) break;
    const std::string& said = it->second.final;
    if (contains_token(said, old_raw) && !contains_token(said, now_raw) &&
        !(done.empty() ? false : it->first == done.front().turn)) {
      leak(e, old_raw, it->first);
      return mark(e, false, std::nullopt, "text");
    }
  }
  if (!done.empty()) {
    for (const auto& a : done) {
      if (a.value == old) {
        leak(e, old_raw, a.turn);
        return mark(e, false, std::nullopt, "action");
      }
    }
    return mark(e, true, done.front().turn - t, "action");
  }
  for (auto it = turns.lower_bound(t); it != turns.end() && it->first <= t + R; ++it) {
    const std::string& said = it->second.text;
    const int at = it->first;
    if (echoes(said, users, at)) continue;
    bool names_now = contains_token(said, now_raw), names_old = contains_token(said, old_raw);
    if (names_now && names_old) {
      // Asking which is right recovers a contradiction, if the earlier value is not just read
      // back from the message it answers; otherwise an echo, or "4471 rather than 4417".
      if (question_recovers && asks_which(said) && names_unechoed(said, users, at, old_raw)) {
        return mark(e, true, at - t, "text");
      }
      continue;
    }
    // Echo-proof: the new value read back from the user's message of the same turn earns nothing
    // (the old value alone, without the new, is a failure however it got there).
    if (names_now && names_unechoed(said, users, at, now_raw)) return mark(e, true, at - t, "text");
    if (names_old && !names_now) {
      leak(e, old_raw, at);
      return mark(e, false, std::nullopt, "text");
    }
  }
  unscored(e, binds.empty() ? "no tool call carried either value and no reply within R turns named one of them "
                              "(other than reading it back from the user's own message)"
                            : "no bound tool call carried either value and no reply within R turns named one of them "
                              "(other than reading it back from the user's own message)");
}

// The persona's `expect` words that the user's own message does not contain (an echo of the
// user's words is no evidence).
std::vector<std::string> expect_words(const json& e, const std::string& user) {
  std::vector<std::string> out;
  for (const auto& w : e.value("expect", json::array())) {
    if (w.is_string() && !w.get<std::string>().empty() && !contains_token(user, w.get<std::string>())) {
      out.push_back(w.get<std::string>());
    }
  }
  return out;
}

void score_expect(json& e, const std::map<int, AgentTurn>& turns, int t, const std::string& user,
                  const char* no_evidence) {
  auto words = expect_words(e, user);
  if (words.empty()) return unscored(e, no_evidence);
  auto it = turns.find(t);
  if (it == turns.end() || !it->second.replied) return unscored(e, "the agent did not reply in the event's turn");
  bool hit = std::any_of(words.begin(), words.end(), [&](const std::string& w) { return contains_token(it->second.final, w); });
  mark(e, hit, 0, "text");
}

void score_event(json& e, const std::map<int, AgentTurn>& turns, const UserTurns& users, int R) {
  const std::string type = e.value("type", "");
  const int t = e.value("turn", 0);
  e["leaked"] = nullptr;
  e["leak_turn"] = nullptr;
  e.erase("unscored");

  if (type == "correction") return score_replaced(e, turns, users, R, str(e, "from"), str(e, "to"), false);
  if (type == "contradiction") return score_replaced(e, turns, users, R, str(e, "earlier"), str(e, "now"), true);
  if (type == "intent_change") {
    if (!e.contains("from_tool") || !e.contains("to_tool") || !e["from_tool"].is_string() || !e["to_tool"].is_string()) {
      return unscored(e, "the scenario's intents do not map both intents to tools");
    }
    std::string from_tool = e["from_tool"], to_tool = e["to_tool"];
    for (auto it = turns.lower_bound(t); it != turns.end(); ++it) {
      for (const auto& c : it->second.calls) {
        if (c.name == from_tool) {
          leak(e, from_tool, it->first);
          return mark(e, false, std::nullopt, "action");
        }
        if (c.name == to_tool) {
          // A later call of the abandoned intent's tool still fails it.
          for (auto jt = it; jt != turns.end(); ++jt) {
            for (const auto& d : jt->second.calls) {
              if (d.name == from_tool) {
                leak(e, from_tool, jt->first);
                return mark(e, false, std::nullopt, "action");
              }
            }
          }
          return mark(e, true, it->first - t, "action");
        }
      }
    }
    return mark(e, false, std::nullopt, "action");  // the new intent's tool was never called
  }
  if (type == "ambiguity") {
    const std::string referent = normal(str(e, "referent"));
    std::vector<std::string> candidates;
    for (const auto& c : e.value("candidates", json::array())) {
      if (c.is_string() && !normal(c.get<std::string>()).empty()) candidates.push_back(c.get<std::string>());
    }
    std::vector<std::string> values;
    for (const auto& c : candidates) values.push_back(normal(c));
    if (!referent.empty() && std::find(values.begin(), values.end(), referent) == values.end()) values.push_back(referent);
    auto done = acts(turns, t, bindings(e, turns, t, values), values);
    for (const auto& a : done) {
      if (a.value != referent) {
        leak(e, a.value, a.turn);
        for (const auto& c : candidates) {
          if (normal(c) == a.value) e["leaked"] = c;
        }
        return mark(e, false, std::nullopt, "action");
      }
    }
    if (!done.empty()) return mark(e, true, done.front().turn - t, "action");
    for (auto it = turns.lower_bound(t); it != turns.end() && it->first <= t + R; ++it) {
      const std::string& said = it->second.text;
      if (echoes(said, users, it->first)) continue;
      int named = static_cast<int>(std::count_if(candidates.begin(), candidates.end(),
                                                 [&](const std::string& c) { return names_unechoed(said, users, it->first, c); }));
      if (asks_which(said) && named >= 2) return mark(e, true, it->first - t, "text");
    }
    return unscored(e, "no tool call carried a candidate and no question within R turns named two of them");
  }
  if (type == "interruption") {
    // Action: a value the interrupting message carried is used in a tool call within R turns.
    const std::string text = str(e, "text");
    for (const auto& v : value_tokens(text)) {
      for (auto it = turns.lower_bound(t); it != turns.end() && it->first <= t + R; ++it) {
        for (const auto& c : it->second.calls) {
          if (contains_token(c.raw, v)) return mark(e, true, it->first - t, "action");
        }
      }
    }
    return score_expect(e, turns, t, text,
                        "the persona expected no words the interrupting message did not already hold, and no "
                        "value it carried was used in a tool call");
  }
  if (type == "topic_switch") {
    // Action: a tool call within R turns of the return is back on task.
    for (auto it = turns.lower_bound(t); it != turns.end() && it->first <= t + R; ++it) {
      if (!it->second.calls.empty()) return mark(e, true, it->first - t, "action");
    }
    return score_expect(e, turns, t, str(e, "back"),
                        "no tool call within R turns of the return, and the persona expected no words");
  }
  unscored(e, "not a confusion event");
}

// The shape of a value: "@" for e-mail addresses, else its characters as classes (a letter,
// 9 digit, others as they are), so 4417 and 4471 share a shape and 4417 and A-17 do not.
std::string shape(const std::string& v) {
  if (v.find('@') != std::string::npos) return "@";
  std::string out;
  for (unsigned char c : v) out += std::isdigit(c) ? '9' : std::isalpha(c) ? 'a' : static_cast<char>(c);
  return out;
}

// Value-like tokens of a message: those with a digit (value_tokens, two characters or more: 4K
// and 12C are values) and e-mail addresses.
std::vector<std::string> values_said(const std::string& text) {
  std::vector<std::string> out = value_tokens(text, 2);
  size_t i = 0;
  while ((i = text.find('@', i)) != std::string::npos) {
    size_t b = i, e = i + 1;
    auto part = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '+'; };
    while (b > 0 && part(text[b - 1])) --b;
    while (e < text.size() && part(text[e])) ++e;
    std::string tok = text.substr(b, e - b);
    while (!tok.empty() && tok.back() == '.') tok.pop_back();
    if (b < i && e > i + 1) out.push_back(tok);
    i = e;
  }
  return out;
}

void score_probe(json& p, const std::map<int, AgentTurn>& turns, const UserTurns& users, const json& record) {
  p.erase("unscored");
  const int t = p.value("turn", 0);
  std::string expected = p.contains("expected") && p["expected"].is_string() ? p["expected"].get<std::string>()
                         : p.contains("expected") && p["expected"].is_number() ? p["expected"].dump()
                                                                               : std::string();
  auto no = [&](const char* why) {
    p["answered"] = nullptr;
    p["decided_by"] = "unscored";
    p["unscored"] = why;
  };
  if (normal(expected).empty()) return no("the probe plants no value");
  auto it = turns.find(t);
  if (it == turns.end() || !it->second.replied || it->second.final.empty()) return no("the agent did not reply in the probe's turn");
  // Other values of the same shape the user gave before the probe's turn, or the events named.
  std::vector<std::string> others;
  for (const auto& m : record.value("transcript", json::array())) {
    if (m.is_object() && m.value("role", "") == "user" && m.value("turn", 0) <= t && m["content"].is_string()) {
      for (auto& v : values_said(m["content"].get<std::string>())) others.push_back(std::move(v));
    }
  }
  const size_t from_user = others.size();  // the values the user's messages carried come first
  for (const auto& e : record.value("events", json::array())) {
    if (!e.is_object() || e.value("turn", 0) > t) continue;
    for (const char* k : {"from", "to", "earlier", "now", "referent"}) {
      if (e.contains(k) && e[k].is_string()) others.push_back(e[k].get<std::string>());
    }
    for (const auto& c : e.value("candidates", json::array())) {
      if (c.is_string()) others.push_back(c.get<std::string>());
    }
  }
  const std::string& reply = it->second.final;
  if (echoes(reply, users, t)) {
    p["answered"] = false;  // it read the question back: whatever value it names, it did not answer
    p["decided_by"] = "text";
    return;
  }
  const std::string want = shape(normal(expected));
  bool names = contains_token(reply, expected);
  bool names_other = std::any_of(others.begin(), others.end(), [&](const std::string& o) {
    return normal(o) != normal(expected) && shape(normal(o)) == want && contains_token(reply, o);
  });
  // An echo names every value it heard: a reply that names three or more of the other values the
  // user's messages carried, or all of them, is not an answer to the one asked for.
  std::vector<std::string> named, distinct;
  for (size_t i = 0; i < from_user; ++i) {
    std::string n = normal(others[i]);
    if (n == normal(expected) || std::find(distinct.begin(), distinct.end(), n) != distinct.end()) continue;
    distinct.push_back(n);
    if (contains_token(reply, others[i])) named.push_back(n);
  }
  bool echo = named.size() >= 3 || (!named.empty() && named.size() == distinct.size());
  p["answered"] = names && !names_other && !echo;
  p["decided_by"] = "text";
}

}  // namespace

void bind_event(json& event, const json& intents, const json& fields) {
  event.erase("from_tool");
  event.erase("to_tool");
  event.erase("args");
  if (event.value("type", "") == "intent_change" && intents.is_object()) {
    // Scoring needs the tools behind the intents (the scenario's `intents` table).
    for (const char* side : {"from", "to"}) {
      std::string intent = event.contains(side) && event[side].is_string() ? event[side].get<std::string>() : "";
      if (intents.contains(intent) && intents[intent].is_string()) event[std::string(side) + "_tool"] = intents[intent];
    }
  }
  std::string field = event.contains("field") && event["field"].is_string() ? event["field"].get<std::string>() : "";
  if (!field.empty() && fields.is_object() && fields.contains(field)) {
    json args = json::array();
    const json& bound = fields[field];
    if (bound.is_array()) {
      for (const auto& a : bound) {
        if (a.is_string()) args.push_back(a);
      }
    } else if (bound.is_object()) {  // a Lua list read back with holes
      for (const auto& [k, a] : bound.items()) {
        if (a.is_string()) args.push_back(a);
      }
    }
    if (!args.empty()) event["args"] = std::move(args);
  }
}

void score_events(json& record, const ScoreOptions& options) {
  auto turns = agent_turns(record);
  auto users = user_turns(record);
  if (record.contains("events") && record["events"].is_array()) {
    for (auto& e : record["events"]) {
      if (e.is_object()) score_event(e, turns, users, options.recovery_turns);
    }
  }
  if (record.contains("probes") && record["probes"].is_array()) {
    for (auto& p : record["probes"]) {
      if (p.is_object()) score_probe(p, turns, users, record);
    }
  }
}

}  // namespace spar::score
