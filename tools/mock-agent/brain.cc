#include "brain.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>

namespace spar::mock {
namespace {

// ---------------------------------------------------------------------------------------------
// Text helpers

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Characters that glue a token together for slot patterns: "A-88231", "a@b.c", "2026-05-21".
bool is_token_char(char c) { return is_alnum(c) || c == '_' || c == '@' || c == '-'; }

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool contains(std::string_view s, std::string_view p) { return s.find(p) != std::string_view::npos; }

// The first sentence of a plain-text value: "Brennan. Now hurry up." -> "Brennan.". A period
// followed by a space ends the sentence unless it closes an initial or a common abbreviation
// ("J. Smith", "12 Elm St. Apt 2").
std::string first_sentence(const std::string& v) {
  static const std::set<std::string> abbreviations = {
      "st", "apt", "ave", "rd", "dr", "mr", "mrs", "ms", "jr", "sr", "no", "blvd", "ste", "mt",
      "ft", "co", "inc", "ltd", "bldg", "fl"};
  for (size_t dot = v.find(". "); dot != std::string::npos; dot = v.find(". ", dot + 1)) {
    size_t start = dot;
    while (start > 0 && is_alpha(v[start - 1])) --start;
    std::string word = lower(v.substr(start, dot - start));
    if (word.size() == 1 || abbreviations.count(word)) continue;
    return v.substr(0, dot + 1);
  }
  return v;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (is_alnum(c) || c == '\'') {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string humanize(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::string regex_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::strchr("\\^$.|?*+()[]{}", c) && c != '\0') out += '\\';
    out += c;
  }
  return out;
}

// Compiled once per (pattern, flags) and shared by the server's threads (matching a const
// std::regex is thread-safe): compiling a std::regex costs far more than matching it, and the
// same few schema patterns come back on every request. Throws std::regex_error as std::regex
// does. Bounded: a client sending ever-new patterns empties the cache rather than growing it.
std::shared_ptr<const std::regex> compiled(const std::string& pattern, std::regex::flag_type flags = std::regex::ECMAScript) {
  static std::mutex mu;
  static std::map<std::pair<std::string, std::regex::flag_type>, std::shared_ptr<const std::regex>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto key = std::make_pair(pattern, flags);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  if (cache.size() >= 4096) cache.clear();
  auto re = std::make_shared<const std::regex>(pattern, flags);
  cache.emplace(std::move(key), re);
  return re;
}

std::string capitalize(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

const std::set<std::string>& stopwords() {
  static const std::set<std::string> s = {
      "the", "and", "for", "you", "your", "are", "was", "were", "will", "would", "can", "could",
      "should", "with", "that", "this", "what", "which", "when", "where", "who", "how", "why",
      "did", "does", "have", "has", "had", "not", "but", "all", "any", "our", "out", "its",
      "it's", "i'm", "i'll", "i'd", "i've", "from", "into", "then", "than", "there", "they",
      "them", "their", "just", "also", "still", "some", "get", "got", "give", "gave", "tell",
      "told", "me", "my", "mine", "about", "be", "been", "being", "is", "it", "if", "or", "of",
      "to", "in", "on", "at", "as", "by", "an", "a", "do", "so", "we", "us", "i", "no", "yes",
      "ok", "okay", "please", "thanks", "thank", "hi", "hello", "hey", "while", "after", "before",
      "only", "need", "want", "like", "know", "let", "may", "might", "must", "shall", "very",
      "one", "again", "more", "any", "here", "now", "that's", "what's", "there's", "don't",
      "doesn't", "isn't", "won't", "can't", "remind", "right", "sure", "actually", "sorry"};
  return s;
}

std::vector<std::string> content_words(std::string_view text) {
  std::vector<std::string> out;
  for (auto& w : words(text)) {
    if (w.size() >= 3 && !stopwords().count(w)) out.push_back(w);
  }
  return out;
}

// A crude stem: drop a possessive or plural "s", keep five letters ("fees" ~ "fee").
std::string stem(std::string w) {
  if (w.size() > 2 && w.compare(w.size() - 2, 2, "'s") == 0) w.resize(w.size() - 2);
  if (w.size() > 3 && w.back() == 's' && w[w.size() - 2] != 's') w.pop_back();
  return w.substr(0, 5);
}

std::string message_text(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  if (content.is_array()) {
    std::string out;
    for (const auto& part : content) {
      if (part.is_object() && part.contains("text") && part["text"].is_string()) {
        if (!out.empty()) out += "\n";
        out += part["text"].get<std::string>();
      }
    }
    return out;
  }
  return "";
}

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return v.dump();
  return "";
}

// ---------------------------------------------------------------------------------------------
// Request model

struct Param {
  std::string name, type, description, pattern, label, unit;
  std::vector<std::string> enums;
  bool required = false;
};

struct Tool {
  std::string name, description, verb, object;
  bool read = false, verify = false;
  std::vector<std::string> triggers;
  std::vector<Param> params;
};

struct Call {
  std::string id, name;
  json args = json::object();
};

struct Msg {
  std::string role, text;
  std::vector<Call> calls;
  std::string tool_call_id, name;
  uint64_t turn = 0;  // user messages up to and including this one, counted over the full history
};

const char* const kReadPrefixes[] = {"get_",   "lookup_", "find_",  "list_",
                                     "check_", "search_", "verify_"};

const std::map<std::string, std::vector<std::string>>& synonyms() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"cancel", {"cancel", "terminate", "end", "close", "stop"}},
      {"pause", {"pause", "hold", "freeze", "suspend", "take a break"}},
      {"refund", {"refund", "money back", "reimburse"}},
      {"return", {"return", "send back", "send it back"}},
      {"change", {"change", "rebook", "move", "reschedule", "switch", "modify"}},
      {"rebook", {"rebook", "change", "move", "reschedule"}},
      {"reschedule", {"reschedule", "move", "change"}},
      {"update", {"update", "change", "edit", "modify"}},
      {"replace", {"replace", "replacement", "swap"}},
      {"exchange", {"exchange", "swap"}},
      {"block", {"block", "freeze", "lost", "stolen"}},
      {"upgrade", {"upgrade"}},
      {"downgrade", {"downgrade"}},
      {"resume", {"resume", "unpause", "reactivate"}},
      {"book", {"book", "reserve"}},
      {"transfer", {"transfer"}},
      {"open", {"open"}},
      {"report", {"report"}},
      // Everyday phrasings of what a tool's name or description says, as a real model would
      // understand them. Keys are words of tool names and descriptions, never scenario ids.
      {"freeze", {"freeze", "lock", "put a hold on"}},
      {"close", {"close", "shut down", "cancel"}},
      {"remove", {"remove", "drop", "get rid of"}},
      {"enable", {"enable", "turn on", "sign me up", "activate"}},
      {"bag", {"bag", "luggage", "suitcase"}},
      {"invoice", {"invoice", "receipt"}},
      {"dispute", {"dispute", "chargeback"}},
      {"money", {"move money", "send money"}},
  };
  return table;
}

// Words of a description that say how, when or for whom rather than what: never a request
// on their own ("later", "permanently", "customer").
const std::set<std::string>& vague_words() {
  static const std::set<std::string> s = {
      "temporarily", "permanently", "later",    "every",   "another",     "other",
      "own",         "same",        "instead",  "without", "fully",       "part",
      "new",         "old",         "customer", "customer's", "passenger", "passenger's",
      "charged",     "next",        "date",     "recent",  "arrived",     "shipped"};
  return s;
}

std::string make_label(const Param& p) {
  std::string d = p.description;
  auto cut = d.find_first_of(",;.(");
  if (cut != std::string::npos) d = d.substr(0, cut);
  d = trim(d);
  for (const char* article : {"the ", "your ", "a ", "an ", "The ", "Your ", "A ", "An "}) {
    if (starts_with(d, article)) {
      d = d.substr(std::strlen(article));
      break;
    }
  }
  if (d.empty() || d.size() > 60) d = humanize(p.name);
  return d;
}

// The stems of the words of a tool's parameters: their names and descriptions.
std::set<std::string> param_stems(const Tool& t) {
  std::set<std::string> out;
  for (const auto& p : t.params) {
    for (auto& w : words(humanize(p.name))) out.insert(stem(w));
    for (auto& w : content_words(p.description)) out.insert(stem(w));
  }
  return out;
}

// A write tool is requested by what a real agent sees of it: the verb of its name and that
// verb's synonyms, plus the words of its name and description that no other tool in the
// request uses (by stem: "bags" ~ "bag"), each with its synonyms. A word two tools share
// ("card", "booking") names what they act on, not which one is wanted; a description word
// that a parameter also uses ("a branch for pickup") is a value the user gives, not a request.
void assign_triggers(std::vector<Tool>& tools) {
  std::map<std::string, size_t> users;  // stem -> how many tools use it
  std::set<std::string> params;         // stems of every tool's parameter words
  std::vector<std::vector<std::string>> name_words(tools.size()), desc_words(tools.size());
  for (size_t i = 0; i < tools.size(); ++i) {
    name_words[i] = words(humanize(tools[i].name));
    desc_words[i] = content_words(tools[i].description);
    std::set<std::string> own = param_stems(tools[i]);
    params.insert(own.begin(), own.end());
    for (auto& w : name_words[i]) own.insert(stem(w));
    for (auto& w : desc_words[i]) own.insert(stem(w));
    for (auto& s : own) ++users[s];
  }
  for (size_t i = 0; i < tools.size(); ++i) {
    Tool& t = tools[i];
    if (t.read) continue;
    std::vector<std::string> trig;
    auto add = [&](const std::string& w) {
      auto syn = synonyms().find(w);
      if (syn == synonyms().end()) trig.push_back(w);
      else trig.insert(trig.end(), syn->second.begin(), syn->second.end());
    };
    auto consider = [&](const std::string& w, bool from_description) {
      if (w == t.verb || w.size() < 3 || stopwords().count(w) || vague_words().count(w)) return;
      std::string s = stem(w);
      if (users[s] != 1 || (from_description && params.count(s))) return;
      add(w);
      if (s != w && s.size() >= 3) add(s);
    };
    add(t.verb);
    for (auto& w : name_words[i]) consider(w, false);
    for (auto& w : desc_words[i]) consider(w, true);
    std::sort(trig.begin(), trig.end());
    trig.erase(std::unique(trig.begin(), trig.end()), trig.end());
    t.triggers = std::move(trig);
  }
}

std::vector<Tool> parse_tools(const json& request) {
  std::vector<Tool> tools;
  if (!request.contains("tools") || !request["tools"].is_array()) return tools;
  for (const auto& t : request["tools"]) {
    if (!t.is_object()) continue;
    const json& f = t.contains("function") && t["function"].is_object() ? t["function"] : t;
    if (!f.contains("name") || !f["name"].is_string()) continue;
    Tool tool;
    tool.name = f["name"].get<std::string>();
    if (f.contains("description") && f["description"].is_string())
      tool.description = f["description"].get<std::string>();
    for (const char* prefix : kReadPrefixes) {
      if (starts_with(tool.name, prefix)) tool.read = true;
    }
    tool.verify = starts_with(tool.name, "verify_");
    auto us = tool.name.find('_');
    tool.verb = lower(tool.name.substr(0, us));
    tool.object = us == std::string::npos ? "" : humanize(tool.name.substr(us + 1));
    std::map<std::string, size_t> required;  // name -> position in the `required` list
    if (f.contains("parameters") && f["parameters"].is_object()) {
      const json& ps = f["parameters"];
      if (ps.contains("required") && ps["required"].is_array()) {
        for (const auto& r : ps["required"]) {
          if (r.is_string()) required.emplace(r.get<std::string>(), required.size());
        }
      }
      if (ps.contains("properties") && ps["properties"].is_object()) {
        for (const auto& [name, schema] : ps["properties"].items()) {
          Param p;
          p.name = name;
          if (schema.is_object()) {
            if (schema.contains("type") && schema["type"].is_string())
              p.type = schema["type"].get<std::string>();
            if (schema.contains("description") && schema["description"].is_string())
              p.description = schema["description"].get<std::string>();
            if (schema.contains("pattern") && schema["pattern"].is_string())
              p.pattern = schema["pattern"].get<std::string>();
            if (schema.contains("enum") && schema["enum"].is_array()) {
              for (const auto& e : schema["enum"]) {
                std::string s = scalar_text(e);
                if (!s.empty()) p.enums.push_back(s);
              }
            }
          }
          p.required = required.count(name) > 0;
          p.label = make_label(p);
          std::string last = p.name.substr(p.name.rfind('_') == std::string::npos
                                               ? 0
                                               : p.name.rfind('_') + 1);
          if (last.size() > 3 && last.back() == 's') last.pop_back();
          p.unit = lower(last);
          tool.params.push_back(std::move(p));
        }
      }
    }
    // Object keys carry no order (and Lua tables have none): required parameters come first,
    // in the order of the `required` list, then the optional ones by name.
    auto rank = [&](const Param& p) {
      auto it = required.find(p.name);
      return it == required.end() ? required.size() : it->second;
    };
    std::stable_sort(tool.params.begin(), tool.params.end(),
                     [&](const Param& a, const Param& b) { return rank(a) < rank(b); });
    tools.push_back(std::move(tool));
  }
  assign_triggers(tools);
  return tools;
}

std::vector<Msg> parse_messages(const json& request) {
  std::vector<Msg> out;
  if (!request.contains("messages") || !request["messages"].is_array()) return out;
  uint64_t turn = 0;
  for (const auto& m : request["messages"]) {
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) continue;
    Msg msg;
    msg.role = m["role"].get<std::string>();
    if (msg.role == "developer") msg.role = "system";
    if (m.contains("content")) msg.text = message_text(m["content"]);
    if (msg.role == "user") ++turn;
    msg.turn = turn;
    if (m.contains("tool_calls") && m["tool_calls"].is_array()) {
      for (const auto& c : m["tool_calls"]) {
        if (!c.is_object()) continue;
        Call call;
        if (c.contains("id") && c["id"].is_string()) call.id = c["id"].get<std::string>();
        const json& f = c.contains("function") && c["function"].is_object() ? c["function"] : c;
        if (f.contains("name") && f["name"].is_string()) call.name = f["name"].get<std::string>();
        if (f.contains("arguments")) {
          if (f["arguments"].is_string()) {
            json parsed = json::parse(f["arguments"].get<std::string>(), nullptr, false);
            if (parsed.is_object()) call.args = parsed;
          } else if (f["arguments"].is_object()) {
            call.args = f["arguments"];
          }
        }
        msg.calls.push_back(std::move(call));
      }
    }
    if (m.contains("tool_call_id") && m["tool_call_id"].is_string())
      msg.tool_call_id = m["tool_call_id"].get<std::string>();
    if (m.contains("name") && m["name"].is_string()) msg.name = m["name"].get<std::string>();
    out.push_back(std::move(msg));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tool results

struct Result {
  json value;        // parsed JSON, or a string
  bool ok = true;    // not an error
  bool ok_true = false;  // carries "ok": true explicitly
  std::string error;
};

Result parse_result(const std::string& text) {
  Result r;
  r.value = json::parse(text, nullptr, false);
  if (r.value.is_discarded()) r.value = text;
  if (r.value.is_object()) {
    if (r.value.contains("ok") && r.value["ok"].is_boolean()) {
      r.ok = r.value["ok"].get<bool>();
      r.ok_true = r.ok;
    }
    if (r.value.contains("error") && !r.value["error"].is_null() &&
        !(r.value["error"].is_boolean() && !r.value["error"].get<bool>())) {
      r.ok = false;
      r.error = scalar_text(r.value["error"]);
      if (r.error.empty()) r.error = r.value["error"].dump();
    }
  } else {
    std::string low = lower(text);
    if (starts_with(low, "error") || contains(low, "\"error\"")) {
      r.ok = false;
      r.error = trim(text);
    }
  }
  if (!r.ok && r.error.empty()) r.error = "the request was not successful";
  return r;
}

std::string result_details(const json& v) {
  std::vector<std::string> parts;
  if (v.is_object()) {
    for (const auto& [k, x] : v.items()) {
      if (k == "ok") continue;
      std::string s = scalar_text(x);
      if (x.is_array()) {
        std::vector<std::string> items;
        for (const auto& e : x) {
          std::string es = scalar_text(e);
          if (!es.empty()) items.push_back(es);
        }
        s = join(items, ", ");
      }
      if (!s.empty()) parts.push_back(humanize(k) + ": " + s);
    }
  } else if (v.is_string()) {
    parts.push_back(v.get<std::string>());
  }
  return join(parts, ", ");
}

// ---------------------------------------------------------------------------------------------
// The brain

enum class Slip { None, Forget, IgnoreCorrection, SkipPolicy };

struct Mention {
  size_t msg = 0, pos = 0;
  std::string value;
  uint64_t turn = 0;
  bool from_tool = false;
};

class Brain {
 public:
  Brain(const json& request, const Knobs& knobs) : k_(knobs) {
    seed_ = request_seed(request);
    tools_ = parse_tools(request);
    all_ = parse_messages(request);
    for (const auto& m : all_) turn_ = std::max(turn_, m.turn);
    // Visible history: every system message plus the last context_window others.
    size_t others = 0;
    for (const auto& m : all_) others += m.role != "system";
    size_t skip = k_.context_window > 0 && others > size_t(k_.context_window)
                      ? others - size_t(k_.context_window)
                      : 0;
    for (const auto& m : all_) {
      if (m.role == "system") {
        if (!system_.empty()) system_ += "\n";
        system_ += m.text;
        continue;
      }
      if (skip > 0) {
        --skip;
        continue;
      }
      vis_.push_back(m);
    }
    collect_params();
  }

  BrainReply run() {
    if (turn_ == 0) return say("Hello! How can I help you today?");
    if (vis_.empty()) return say("Sorry, I lost track of our conversation. How can I help?");
    fill_slots();
    if (slip_at(turn_) == Slip::Forget && !slots_.empty()) {
      auto it = slots_.begin();
      std::advance(it, size_t(roll(seed_, turn_, "forget") * double(slots_.size())));
      slots_.erase(it);
    }
    scan_tool_history();
    resolve_intent();

    const Msg& last = vis_.back();
    if (last.role == "tool") return after_tool_results();
    if (last.role != "user") return plan("", false);

    const std::string& text = last.text;
    std::string low = lower(text);
    // A pending confirmation question?
    const Msg* prev = previous_assistant();
    if (intent_ && prev && !new_intent_in_last_) {
      json args = args_for(*intent_);
      std::string q = confirm_question(*intent_, args);
      if (prev->text.size() >= q.size() &&
          prev->text.compare(prev->text.size() - q.size(), q.size(), q) == 0) {
        if (is_negative(low)) {
          return say("No problem, I won't go ahead with that. What would you like me to do "
                     "instead?");
        }
        if (is_affirmative(low)) return plan("", true);
      }
    }
    if (auto recall = recall_answer(low)) return say(*recall);
    // Questions are answered from the system prompt unless the message moved the task on.
    bool news = new_intent_in_last_ || slot_in_last_;
    return plan(news ? std::string() : policy_answer(text), false);
  }

 private:
  // ---- decisions

  bool erring_at(uint64_t turn) const {
    if (k_.fatigue <= 0 || turn == 0) return false;
    return roll(seed_, turn, "fatigue") < std::min(1.0, k_.fatigue * double(turn));
  }

  Slip slip_at(uint64_t turn) const {
    if (!erring_at(turn)) return Slip::None;
    int kind = int(roll(seed_, turn, "fatigue_kind") * 3);
    return kind == 0 ? Slip::Forget : kind == 1 ? Slip::IgnoreCorrection : Slip::SkipPolicy;
  }

  bool adopt_change(uint64_t turn, const std::string& label, double rate) const {
    if (slip_at(turn) == Slip::IgnoreCorrection) return false;
    return roll(seed_, turn, label) < rate;
  }

  bool policy_slips() const {
    if (slip_at(turn_) == Slip::SkipPolicy) return true;
    return k_.policy_slip > 0 && roll(seed_, turn_, "policy_slip") < k_.policy_slip;
  }

  // ---- slots

  void collect_params() {
    for (const auto& t : tools_) {
      for (const auto& p : t.params) {
        auto it = params_.find(p.name);
        if (it == params_.end()) {
          params_[p.name] = p;
          param_order_.push_back(p.name);
        } else {
          Param& q = it->second;
          if (q.pattern.empty()) q.pattern = p.pattern;
          if (q.enums.empty()) q.enums = p.enums;
          if (q.type.empty()) q.type = p.type;
          if (q.description.empty()) {
            q.description = p.description;
            q.label = p.label;
          }
        }
      }
    }
  }

  void find_in_user_text(const Param& p, const std::string& text, size_t msg, uint64_t turn,
                         std::vector<Mention>& out) const {
    auto add = [&](size_t pos, std::string value) {
      value = trim(value);
      if (!value.empty()) out.push_back({msg, pos, std::move(value), turn, false});
    };
    try {
      if (!p.pattern.empty()) {
        std::string core = p.pattern;
        if (starts_with(core, "^")) core.erase(0, 1);
        if (!core.empty() && core.back() == '$' && (core.size() < 2 || core[core.size() - 2] != '\\'))
          core.pop_back();
        auto re = compiled("(" + core + ")");
        for (auto it = std::sregex_iterator(text.begin(), text.end(), *re);
             it != std::sregex_iterator(); ++it) {
          size_t pos = size_t(it->position(0));
          size_t end = pos + size_t(it->length(0));
          if (it->length(0) == 0) continue;
          bool left_ok = pos == 0 || !is_token_char(text[pos - 1]);
          // A trailing '-' or '@' followed by a non-token char still ends a token ("A-1-").
          bool right_ok = end >= text.size() || !is_token_char(text[end]);
          if (left_ok && right_ok) add(pos, it->str(0));
        }
        return;
      }
      if (!p.enums.empty()) {
        std::string low = lower(text);
        for (const auto& e : p.enums) {
          std::string le = lower(e);
          for (size_t pos = low.find(le); pos != std::string::npos; pos = low.find(le, pos + 1)) {
            size_t end = pos + le.size();
            bool left_ok = pos == 0 || !is_alnum(low[pos - 1]);
            bool right_ok = end >= low.size() || !is_alnum(low[end]);
            if (left_ok && right_ok) add(pos, e);
          }
        }
        return;
      }
      // Explicit "<param words>: value" / "<param words> is value".
      std::vector<std::string> names = {humanize(p.name), lower(p.label)};
      for (const auto& n : names) {
        if (n.empty()) continue;
        auto re = compiled("(^|[^a-z])" + regex_escape(lower(n)) + "\\s*(?:is|:|=|-)\\s*([^,;!?\\n]{1,60})",
                           std::regex::icase);
        for (auto it = std::sregex_iterator(text.begin(), text.end(), *re);
             it != std::sregex_iterator(); ++it) {
          std::string v = first_sentence(trim((*it)[2].str()));
          while (!v.empty() && (v.back() == '.' || v.back() == '"' || v.back() == '\'')) v.pop_back();
          for (const char* cut : {" and ", " but ", " please", " thanks"}) {
            auto c = lower(v).find(cut);
            if (c != std::string::npos) v = v.substr(0, c);
          }
          if (p.type == "integer" || p.type == "number") {
            if (v.empty() || !std::isdigit(static_cast<unsigned char>(v[0]))) continue;
          }
          add(size_t(it->position(0)), v);
        }
      }
      // Counts with a unit: "for a month", "2 nights".
      if ((p.type == "integer" || p.type == "number") && p.unit.size() >= 3) {
        auto re = compiled("(^|[^a-z0-9])(\\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|"
                           "eleven|twelve)\\s+(?:more\\s+|extra\\s+)?" +
                               regex_escape(p.unit) + "s?(?![a-z])",
                           std::regex::icase);
        static const std::map<std::string, int> numbers = {
            {"a", 1},   {"an", 1},    {"one", 1},   {"two", 2},    {"three", 3},
            {"four", 4}, {"five", 5}, {"six", 6},   {"seven", 7},  {"eight", 8},
            {"nine", 9}, {"ten", 10}, {"eleven", 11}, {"twelve", 12}};
        for (auto it = std::sregex_iterator(text.begin(), text.end(), *re);
             it != std::sregex_iterator(); ++it) {
          std::string n = lower((*it)[2].str());
          auto w = numbers.find(n);
          add(size_t(it->position(2)), w != numbers.end() ? std::to_string(w->second) : n);
        }
      }
    } catch (const std::regex_error&) {
      // A schema pattern std::regex cannot handle: the slot is just never filled from text.
    }
  }

  static void find_in_json(const json& v, const std::string& key, int depth,
                           std::vector<std::string>& out) {
    if (!v.is_object() || depth > 2) return;
    for (const auto& [k, x] : v.items()) {
      if (k == key) {
        std::string s = scalar_text(x);
        if (!s.empty()) out.push_back(s);
      } else if (x.is_object()) {
        find_in_json(x, key, depth + 1, out);
      }
    }
  }

  void fill_slots() {
    for (const auto& name : param_order_) {
      const Param& p = params_.at(name);
      std::vector<Mention> mentions;
      for (size_t i = 0; i < vis_.size(); ++i) {
        const Msg& m = vis_[i];
        if (m.role == "user") {
          find_in_user_text(p, m.text, i, m.turn, mentions);
        } else if (m.role == "tool") {
          Result r = parse_result(m.text);
          if (!r.ok) continue;
          std::vector<std::string> found;
          find_in_json(r.value, name, 0, found);
          for (auto& v : found) mentions.push_back({i, 0, v, m.turn, true});
        }
      }
      std::sort(mentions.begin(), mentions.end(), [](const Mention& a, const Mention& b) {
        return a.msg != b.msg ? a.msg < b.msg : a.pos < b.pos;
      });
      std::optional<std::string> value, before_last;
      bool seen_last = false;
      for (const auto& m : mentions) {
        bool in_last = !m.from_tool && m.msg + 1 == vis_.size();
        if (in_last && !seen_last) {
          seen_last = true;
          before_last = value;
        }
        // The last message moved the task on only if it gave a value the slot did not have:
        // "Is 88231 still paused?" repeats a known value and is still a question.
        if (in_last && (!before_last || *before_last != m.value)) slot_in_last_ = true;
        if (!value) {
          value = m.value;
          continue;
        }
        if (*value == m.value) continue;
        // A correction: the latest mention wins, unless the correction is not adopted.
        if (m.from_tool || adopt_change(m.turn, "correct:" + name, k_.correction_rate)) {
          value = m.value;
        }
      }
      if (value) slots_[name] = *value;
    }
  }

  json typed(const Param& p, const std::string& v) const {
    if (p.type == "integer") {
      try {
        size_t used = 0;
        long long n = std::stoll(v, &used);
        if (used == v.size()) return n;
      } catch (...) {
      }
    } else if (p.type == "number") {
      try {
        size_t used = 0;
        double d = std::stod(v, &used);
        if (used == v.size()) return d;
      } catch (...) {
      }
    } else if (p.type == "boolean") {
      std::string l = lower(v);
      if (l == "true" || l == "yes") return true;
      if (l == "false" || l == "no") return false;
    }
    return v;
  }

  json args_for(const Tool& t) const {
    json args = json::object();
    for (const auto& p : t.params) {
      auto it = slots_.find(p.name);
      if (it != slots_.end()) args[p.name] = typed(p, it->second);
    }
    return args;
  }

  std::vector<const Param*> missing(const Tool& t) const {
    std::vector<const Param*> out;
    for (const auto& p : t.params) {
      if (p.required && !slots_.count(p.name)) out.push_back(&p);
    }
    return out;
  }

  // ---- tool history

  struct Done {
    std::string tool;
    json args;
    Result result;
    size_t msg = 0;
  };

  void scan_tool_history() {
    for (size_t i = 0; i < vis_.size(); ++i) {
      if (vis_[i].role != "tool") continue;
      const Call* call = call_for(i);
      if (!call) continue;
      history_.push_back({call->name, call->args, parse_result(vis_[i].text), i});
    }
  }

  const Call* call_for(size_t tool_msg) const {
    const Msg& t = vis_[tool_msg];
    for (size_t j = tool_msg; j-- > 0;) {
      const Msg& m = vis_[j];
      if (m.role != "assistant") continue;
      for (const auto& c : m.calls) {
        if (!t.tool_call_id.empty() ? c.id == t.tool_call_id : c.name == t.name) return &c;
      }
      if (!m.calls.empty() && t.tool_call_id.empty()) return &m.calls.front();
    }
    return nullptr;
  }

  const Done* attempt(const std::string& tool, const json& args) const {
    const Done* found = nullptr;
    for (const auto& d : history_) {
      if (d.tool == tool && d.args == args) found = &d;
    }
    return found;
  }

  bool verified() const {
    for (const auto& d : history_) {
      const Tool* t = tool(d.tool);
      if (t && t->verify && d.result.ok_true) return true;
    }
    return false;
  }

  const Tool* tool(const std::string& name) const {
    for (const auto& t : tools_) {
      if (t.name == name) return &t;
    }
    return nullptr;
  }

  const Tool* verify_tool() const {
    for (const auto& t : tools_) {
      if (t.verify) return &t;
    }
    return nullptr;
  }

  // ---- intent

  static std::vector<size_t> trigger_positions(const std::string& low, const std::string& trig) {
    std::vector<size_t> out;
    for (size_t pos = low.find(trig); pos != std::string::npos; pos = low.find(trig, pos + 1)) {
      size_t end = pos + trig.size();
      bool left_ok = pos == 0 || !is_alpha(low[pos - 1]);
      // Long triggers allow inflections ("paused", "cancelling"); short ones must be whole.
      bool right_ok = end >= low.size() || !is_alpha(low[end]) || trig.size() >= 5;
      if (left_ok && right_ok) out.push_back(pos);
    }
    return out;
  }

  void resolve_intent() {
    struct IntentMention {
      size_t msg, pos;
      const Tool* tool;
      uint64_t turn;
    };
    std::vector<IntentMention> mentions;
    for (size_t i = 0; i < vis_.size(); ++i) {
      if (vis_[i].role != "user") continue;
      std::string low = lower(vis_[i].text);
      for (const auto& t : tools_) {
        if (t.read) continue;
        for (const auto& trig : t.triggers) {
          for (size_t pos : trigger_positions(low, trig)) {
            mentions.push_back({i, pos, &t, vis_[i].turn});
          }
        }
      }
    }
    std::sort(mentions.begin(), mentions.end(), [](const auto& a, const auto& b) {
      return a.msg != b.msg ? a.msg < b.msg : a.pos < b.pos;
    });
    const Tool* current = nullptr;
    size_t last_user = vis_.size();
    for (size_t i = vis_.size(); i-- > 0;) {
      if (vis_[i].role == "user") {
        last_user = i;
        break;
      }
    }
    // Whether t's write succeeded with its current arguments (before message `before`).
    auto finished = [&](const Tool* t, size_t before = size_t(-1)) {
      const Done* d = t ? attempt(t->name, args_for(*t)) : nullptr;
      return d && d->result.ok && d->msg < before;
    };
    for (const auto& m : mentions) {
      if (current == m.tool) continue;
      // Talking about an action that was already done ("will the refund show on my card?") is
      // not a request to do it again: it neither replaces the current intent nor counts as news.
      if (current && finished(m.tool, m.msg)) continue;
      // An intent whose write already succeeded with the current arguments is finished; a
      // mention of another one is a new request rather than a change of mind.
      if (!current || finished(current) ||
          adopt_change(m.turn, "intent_switch", k_.intent_switch_rate)) {
        current = m.tool;
        if (m.msg == last_user) new_intent_in_last_ = true;
      }
    }
    if (finished(current)) current = nullptr;  // already done: never repeat a write
    intent_ = current;
  }

  // ---- replies

  static BrainReply say(std::string text) {
    BrainReply r;
    r.text = std::move(text);
    r.finish_reason = "stop";
    return r;
  }

  BrainReply call(const Tool& t, const json& args) const {
    BrainReply r;
    OutToolCall c;
    c.name = t.name;
    c.arguments = args.dump();
    char buf[32];
    std::snprintf(buf, sizeof buf, "call_%016llx",
                  static_cast<unsigned long long>(
                      hash64(t.name + c.arguments, seed_ ^ (turn_ << 32) ^ all_.size())));
    c.id = buf;
    r.tool_calls.push_back(std::move(c));
    r.finish_reason = "tool_calls";
    return r;
  }

  std::string describe_args(const Tool& t, const json& args) const {
    std::vector<std::string> parts;
    for (const auto& p : t.params) {
      if (!args.contains(p.name)) continue;
      std::string v = scalar_text(args[p.name]);
      if ((p.type == "integer" || p.type == "number") && p.unit.size() >= 3 &&
          p.pattern.empty()) {
        parts.push_back(v + " " + p.unit + (v == "1" ? "" : "s"));
      } else {
        parts.push_back(p.label + ": " + v);
      }
    }
    return join(parts, ", ");
  }

  static std::string the_object(const Tool& t) {
    return t.object.empty() ? "it" : "the " + t.object;
  }

  static std::string past(const std::string& verb) {
    static const std::map<std::string, std::string> irregular = {
        {"cancel", "cancelled"}, {"stop", "stopped"}, {"send", "sent"},   {"pay", "paid"},
        {"make", "made"},        {"set", "set"},      {"reset", "reset"}, {"freeze", "frozen"},
        {"rebook", "rebooked"},  {"book", "booked"},  {"open", "opened"},
        // A stressed final consonant doubles: "transferred", not "transfered".
        {"transfer", "transferred"}, {"refer", "referred"}, {"prefer", "preferred"},
        {"ship", "shipped"},     {"drop", "dropped"}, {"plan", "planned"},
        {"submit", "submitted"}, {"admit", "admitted"}, {"permit", "permitted"},
        {"buy", "bought"},       {"sell", "sold"},    {"give", "given"}};
    auto it = irregular.find(verb);
    if (it != irregular.end()) return it->second;
    if (verb.empty()) return "done";
    if (verb.back() == 'e') return verb + "d";
    if (verb.size() > 1 && verb.back() == 'y' && !std::strchr("aeiou", verb[verb.size() - 2]))
      return verb.substr(0, verb.size() - 1) + "ied";
    return verb + "ed";
  }

  std::string confirm_question(const Tool& t, const json& args) const {
    std::string what = describe_args(t, args);
    return "Just to confirm: you want me to " + t.verb + " " + the_object(t) +
           (what.empty() ? "" : " (" + what + ")") + ". Shall I go ahead?";
  }

  // "the number of months to pause" keeps its article; everything else is the user's own.
  std::string ask(const Param& p) const {
    bool the = starts_with(lower(trim(p.description)), "the ");
    return "Could you tell me " + std::string(the ? "the " : "your ") + p.label + "?";
  }

  const Msg* previous_assistant() const {
    if (vis_.size() < 2) return nullptr;
    for (size_t i = vis_.size() - 1; i-- > 0;) {
      if (vis_[i].role == "assistant") return vis_[i].text.empty() ? nullptr : &vis_[i];
      if (vis_[i].role == "user") return nullptr;
    }
    return nullptr;
  }

  BrainReply after_tool_results() {
    size_t first = vis_.size();
    while (first > 0 && vis_[first - 1].role == "tool") --first;
    std::string prefix;
    for (size_t i = first; i < vis_.size(); ++i) {
      const Call* c = call_for(i);
      const Tool* t = c ? tool(c->name) : nullptr;
      Result r = parse_result(vis_[i].text);
      if (!t) {
        prefix += "I'm sorry, something went wrong on my side: " +
                  (r.ok ? std::string("unexpected tool") : r.error) + ". ";
        continue;
      }
      if (!t->read) {
        if (!r.ok) {
          return say("I'm sorry, I couldn't " + t->verb + " " + the_object(*t) + ": " + r.error +
                     ". How would you like to proceed?");
        }
        std::string what = describe_args(*t, c->args);
        std::string details = result_details(r.value);
        return say("Done: I've " + past(t->verb) + " " + the_object(*t) +
                   (what.empty() ? "" : " (" + what + ")") + "." +
                   (details.empty() ? "" : " " + capitalize(details) + ".") +
                   " Is there anything else I can help you with?");
      }
      if (t->verify) {
        if (!r.ok_true) {
          std::vector<std::string> labels;
          for (const auto& p : t->params) labels.push_back(p.label);
          return say("I'm sorry, I couldn't verify your identity with those details" +
                     (r.error.empty() ? std::string() : " (" + r.error + ")") +
                     ". Could you double-check your " + join(labels, " and ") + "?");
        }
        prefix += "Thank you, you're verified. ";
        continue;
      }
      if (!r.ok) {
        std::vector<std::string> labels;
        for (const auto& p : t->params) {
          if (c->args.contains(p.name)) labels.push_back(p.label);
        }
        return say("I'm sorry, I couldn't find that: " + r.error + ". Could you double-check your " +
                   (labels.empty() ? std::string("details") : join(labels, " and ")) + "?");
      }
      std::string details = result_details(r.value);
      prefix += "I've checked " + the_object(*t) + (details.empty() ? "" : ": " + details) + ". ";
    }
    return plan(prefix, false);
  }

  BrainReply plan(const std::string& prefix, bool confirmed) {
    if (!intent_) {
      if (!prefix.empty()) return say(prefix + "Is there anything else I can help you with?");
      return say(small_talk());
    }
    std::string lead = prefix;
    if (lead.empty() && vis_.back().role == "user" && is_thanks(lower(vis_.back().text))) {
      lead = "You're welcome. ";
    }
    const Tool& t = *intent_;
    json args = args_for(t);
    std::string intro;
    if (new_intent_in_last_ && vis_.back().role == "user") {
      intro = "I can help you " + t.verb + " " + the_object(t) + ". ";
    }
    bool slip = policy_slips();
    // Verification first.
    const Tool* v = verify_tool();
    if (v && !slip && !verified()) {
      auto need = missing(*v);
      if (!need.empty()) return say(lead + intro + ask(*need.front()));
      json vargs = args_for(*v);
      const Done* d = attempt(v->name, vargs);
      if (!d) return call(*v, vargs);
      std::vector<std::string> labels;
      for (const auto& p : v->params) labels.push_back(p.label);
      return say(lead + intro + "Those details didn't match our records. Could you double-check your " +
                 join(labels, " and ") + "?");
    }
    // Look-ups that share a parameter with the write, once per argument set.
    for (const auto& r : tools_) {
      if (!r.read || r.verify) continue;
      bool shares = false, has_required = false;
      for (const auto& p : r.params) {
        has_required |= p.required;
        for (const auto& q : t.params) shares |= p.name == q.name;
      }
      if (!shares || !has_required || !missing(r).empty()) continue;
      json rargs = args_for(r);
      if (!attempt(r.name, rargs)) return call(r, rargs);
    }
    auto need = missing(t);
    if (!need.empty()) return say(lead + intro + ask(*need.front()));
    if (confirmed || slip) return call(t, args);
    return say(lead + intro + confirm_question(t, args));
  }

  static bool has_phrase(const std::string& low, std::string_view phrase) {
    for (size_t pos = low.find(phrase); pos != std::string::npos;
         pos = low.find(phrase, pos + 1)) {
      size_t end = pos + phrase.size();
      bool left_ok = pos == 0 || !is_alpha(low[pos - 1]);
      bool right_ok = end >= low.size() || !is_alpha(low[end]);
      if (left_ok && right_ok) return true;
    }
    return false;
  }

  static bool is_thanks(const std::string& low) {
    return has_phrase(low, "thanks") || has_phrase(low, "thank") || has_phrase(low, "cheers") ||
           has_phrase(low, "appreciate");
  }

  static bool is_negative(const std::string& low) {
    auto w = words(low);
    if (!w.empty() && (w[0] == "no" || w[0] == "nope" || w[0] == "nah")) return true;
    for (const char* p : {"don't", "do not", "not yet", "not now", "never mind"}) {
      if (has_phrase(low, p)) return true;
    }
    return false;
  }

  static bool is_affirmative(const std::string& low) {
    for (const char* p : {"yes", "yeah", "yep", "yup", "sure", "go ahead", "please do", "confirm",
                          "confirmed", "correct", "ok", "okay", "do it", "that's right",
                          "absolutely", "sounds good", "proceed"}) {
      if (has_phrase(low, p)) return true;
    }
    return false;
  }

  std::optional<std::string> recall_answer(const std::string& low) const {
    bool strong = false, weak = false;
    for (const char* p : {"remind me", "did i give", "did i tell", "did i say", "do you remember",
                          "did i mention", "which one did i"}) {
      strong |= contains(low, p);
    }
    for (const char* p : {"what was my", "what's my", "what is my", "whats my"}) {
      weak |= contains(low, p);
    }
    if (!strong && !weak) return std::nullopt;
    auto question = content_words(low);
    std::set<std::string> qstems;
    for (auto& w : question) qstems.insert(stem(w));
    int best = 0;
    std::vector<const Param*> hits;
    for (const auto& name : param_order_) {
      const Param& p = params_.at(name);
      std::set<std::string> pstems;
      for (auto& w : content_words(humanize(p.name) + " " + p.label)) pstems.insert(stem(w));
      int score = 0;
      for (auto& s : pstems) score += qstems.count(s) ? 1 : 0;
      if (score == 0) continue;
      if (score > best) {
        best = score;
        hits.clear();
      }
      if (score == best) hits.push_back(&p);
    }
    std::vector<std::string> known, unknown;
    if (hits.empty()) {
      if (!strong) return std::nullopt;
      for (const auto& name : param_order_) {
        auto it = slots_.find(name);
        if (it != slots_.end()) known.push_back(params_.at(name).label + " " + it->second);
      }
      if (known.empty()) {
        return std::string("I'm sorry, I don't have any details from you on record in this "
                           "conversation. Could you tell me again?");
      }
    } else {
      for (const Param* p : hits) {
        auto it = slots_.find(p->name);
        if (it != slots_.end()) known.push_back(p->label + " " + it->second);
        else unknown.push_back(p->label);
      }
    }
    if (known.empty()) {
      return "I'm sorry, I don't have your " + join(unknown, " or ") +
             " any more. Could you tell me again?";
    }
    return "You gave me your " + join(known, " and ") + ".";
  }

  // A sentence of the system prompt that answers the user's question, if one matches well.
  std::string policy_answer(const std::string& text) const {
    if (!contains(text, "?") || system_.empty()) return "";
    std::set<std::string> q;
    for (auto& w : content_words(text)) q.insert(stem(w));
    if (q.empty()) return "";
    std::vector<std::string> sentences;
    std::string cur;
    for (size_t i = 0; i < system_.size(); ++i) {
      char c = system_[i];
      cur += c;
      bool end = c == '\n' || ((c == '.' || c == '!' || c == '?') &&
                               (i + 1 >= system_.size() || std::isspace(static_cast<unsigned char>(system_[i + 1]))));
      if (end) {
        sentences.push_back(trim(cur));
        cur.clear();
      }
    }
    sentences.push_back(trim(cur));
    int best = 0;
    std::string answer;
    for (auto& s : sentences) {
      std::set<std::string> ss;
      for (auto& w : content_words(s)) ss.insert(stem(w));
      int score = 0;
      for (auto& w : q) score += ss.count(w) ? 1 : 0;
      if (score > best) {
        best = score;
        answer = s;
      }
    }
    if (best < 2 && !(best == 1 && q.size() == 1)) return "";
    while (!answer.empty() && (answer[0] == '-' || answer[0] == '*' || answer[0] == ' '))
      answer.erase(0, 1);
    auto colon = answer.find(": ");
    if (colon != std::string::npos && colon < 20) {
      bool heading = true;  // drop a "POLICY: " style heading
      for (size_t i = 0; i < colon; ++i) {
        heading &= std::isupper(static_cast<unsigned char>(answer[i])) || answer[i] == ' ';
      }
      if (heading) answer = answer.substr(colon + 2);
    }
    if (!answer.empty() && !std::strchr(".!?", answer.back())) answer += '.';
    return "Good question. " + capitalize(answer) + " ";
  }

  std::string small_talk() const {
    std::string low = vis_.back().role == "user" ? lower(vis_.back().text) : "";
    bool done_something = false;
    for (const auto& d : history_) {
      const Tool* t = tool(d.tool);
      done_something |= t && !t->read && d.result.ok;
    }
    if (has_phrase(low, "bye") || has_phrase(low, "goodbye") || contains(low, "that's all") ||
        contains(low, "that is all")) {
      return "You're welcome. Thanks for contacting us, and have a great day!";
    }
    if (is_thanks(low)) return "You're welcome! Is there anything else I can help you with?";
    bool greeting = false;
    auto w = words(low);
    if (!w.empty()) {
      greeting = w[0] == "hi" || w[0] == "hello" || w[0] == "hey" || w[0] == "morning" ||
                 (w.size() > 1 && w[0] == "good" &&
                  (w[1] == "morning" || w[1] == "afternoon" || w[1] == "evening"));
    }
    if (greeting && w.size() <= 4) return "Hello! How can I help you today?";
    std::vector<std::string> offers;
    for (const auto& t : tools_) {
      if (!t.read) offers.push_back(t.verb + " " + the_object(t));
    }
    bool question = contains(low, "?");
    if (question && !tools_.empty()) {
      return "I'm afraid I don't have information about that. Is there anything else I can help "
             "you with?";
    }
    if (done_something) return "Happy to help. Is there anything else I can do for you?";
    if (!offers.empty()) {
      return "Happy to help. I can " + join(offers, ", or ") + ". What would you like to do?";
    }
    // Plain chat: a deterministic, topical acknowledgement.
    auto topic = content_words(low);
    if (topic.size() > 3) topic.resize(3);
    std::string about = topic.empty() ? "that" : join(topic, " ");
    static const char* const templates[] = {
        "I understand. Could you tell me a bit more about %s?",
        "Thanks for explaining. Let me help you with %s.",
        "Got it. Here is what I know about %s: I'd be glad to walk you through it.",
        "That makes sense. What would you like to do next about %s?",
    };
    int pick = int(roll(seed_, turn_, "chat") * 4);
    char buf[512];
    std::snprintf(buf, sizeof buf, templates[pick], about.c_str());
    return buf;
  }

  const Knobs& k_;
  uint64_t seed_ = 0;
  uint64_t turn_ = 0;
  std::vector<Tool> tools_;
  std::vector<Msg> all_, vis_;
  std::string system_;
  std::map<std::string, Param> params_;
  std::vector<std::string> param_order_;
  std::map<std::string, std::string> slots_;
  std::vector<Done> history_;
  const Tool* intent_ = nullptr;
  bool new_intent_in_last_ = false;
  bool slot_in_last_ = false;  // the last user message mentioned a slot value
};

uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

uint64_t hash64(std::string_view text, uint64_t salt) {
  uint64_t h = 0xcbf29ce484222325ULL ^ splitmix(salt);
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return splitmix(h);
}

double roll(uint64_t seed, uint64_t user_turn, std::string_view label) {
  uint64_t h = hash64(label, splitmix(seed) ^ splitmix(user_turn + 0x51ed));
  return double(h >> 11) * 0x1.0p-53;
}

uint64_t request_seed(const json& request) {
  if (!request.is_object() || !request.contains("seed")) return 0;
  const json& s = request["seed"];
  if (s.is_number_unsigned()) return s.get<uint64_t>();
  if (s.is_number_integer()) return static_cast<uint64_t>(s.get<int64_t>());
  return 0;
}

uint64_t count_user_messages(const json& request) {
  uint64_t n = 0;
  if (request.is_object() && request.contains("messages") && request["messages"].is_array()) {
    for (const auto& m : request["messages"]) {
      n += m.is_object() && m.contains("role") && m["role"] == "user";
    }
  }
  return n;
}

int64_t approx_tokens(std::string_view text) { return int64_t((text.size() + 3) / 4); }

BrainReply decide(const json& request, const Knobs& knobs) {
  if (!request.is_object()) {
    BrainReply r;
    r.text = "Hello! How can I help you today?";
    r.finish_reason = "stop";
    return r;
  }
  return Brain(request, knobs).run();
}

}  // namespace spar::mock
