#include "base/expect.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <vector>

#include <fmt/format.h>

#include "base/json_depth.h"

namespace spar {

namespace {

using json = nlohmann::json;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// At most `n` bytes of `s`, cut on a UTF-8 boundary, with "..." when cut.
std::string clip(std::string_view s, size_t n) {
  if (s.size() <= n) return std::string(s);
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

std::string quote(std::string_view s) { return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace); }

// ECMAScript, in libstdc++'s polynomial mode: matching walks the text once with a set of states
// (no recursion per character, no exponential backtracking); back-references are refused.
constexpr auto kRegexFlags = std::regex::ECMAScript | std::regex_constants::__polynomial;

// A scalar as text, so "4471" and 4471 compare equal (and 2.0 reads as 2); objects and arrays
// are compared as JSON.
bool same_value(const json& got, const json& want) {
  auto text = [](const json& v) -> std::string {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_float()) {
      double d = v.get<double>();
      if (d == static_cast<double>(static_cast<long long>(d)) && d > -1e15 && d < 1e15) {
        return std::to_string(static_cast<long long>(d));
      }
    }
    return v.dump();
  };
  if (got.is_structured() || want.is_structured()) return got == want;
  return text(got) == text(want);
}

std::string list(const json& words, const char* join) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? join : ", ";
    out += quote(words[i].is_string() ? words[i].get<std::string>() : words[i].dump());
  }
  return out;
}

std::string calls_text(const json& calls) {
  if (!calls.is_array() || calls.empty()) return "it called no tool";
  std::string out = "its tool calls: ";
  for (size_t i = 0; i < calls.size(); ++i) {
    if (i > 0) out += ", ";
    out += calls[i].value("name", std::string()) + " " + clip(calls[i].value("arguments", std::string()), 80);
    if (out.size() > 300) return clip(out, 300);
  }
  return out;
}

// regex_search would start the walk again at every position (quadratic in the text); one walk
// from the start, with any prefix allowed, finds the same matches in one pass. The pattern was
// compiled on its own first, so wrapping it cannot change what it means.
bool regex_found(const std::string& pattern, std::string_view text) {
  std::regex re("[\\s\\S]*?(?:" + pattern + ")", kRegexFlags);
  return std::regex_search(text.begin(), text.end(), re, std::regex_constants::match_continuous);
}

std::string said(std::string_view text) { return "it said: " + quote(clip(text, 160)); }

// An upper bound on the states the compiled pattern has: each atom counts 1, a group the sum of
// its atoms, and a repetition multiplies what it repeats ({n,m} by m, * + ? by 2). A walk costs
// states x text, so this bounds the time of one search.
size_t regex_weight(std::string_view p) {
  constexpr size_t cap = size_t{1} << 40;
  struct Level {
    size_t sum = 0, last = 0;
  };
  std::vector<Level> levels(1);
  auto atom = [&](size_t w) {
    levels.back().sum = std::min(cap, levels.back().sum + w);
    levels.back().last = w;
  };
  auto repeat = [&](size_t n) {
    Level& l = levels.back();
    l.sum = std::min(cap, l.sum + l.last * (n > 0 ? n - 1 : 0));
    l.last = std::min(cap, l.last * n);
  };
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      ++i;
      atom(1);
    } else if (c == '[') {
      size_t j = i + 1;
      if (j < p.size() && p[j] == '^') ++j;
      if (j < p.size() && p[j] == ']') ++j;
      while (j < p.size() && p[j] != ']') j += p[j] == '\\' ? 2 : 1;
      i = j;
      atom(1);
    } else if (c == '(') {
      levels.emplace_back();
    } else if (c == ')' && levels.size() > 1) {
      size_t w = levels.back().sum;
      levels.pop_back();
      atom(w);
    } else if (c == '{') {
      size_t j = i + 1, n = 0, m = 0;
      bool digits = false, comma = false, upper = false;
      while (j < p.size() && (std::isdigit(static_cast<unsigned char>(p[j])) || p[j] == ',')) {
        if (p[j] == ',') {
          comma = true;
        } else {
          size_t& v = comma ? m : n;
          v = std::min(cap, v * 10 + static_cast<size_t>(p[j] - '0'));
          digits = true;
          upper = upper || comma;
        }
        ++j;
      }
      if (digits && j < p.size() && p[j] == '}') {
        repeat(comma ? (upper ? std::max(n, m) : n + 1) : n);
        i = j;
      } else {
        atom(1);
      }
    } else if (c == '*' || c == '+' || c == '?') {
      if (c == '?' && i > 0 && p[i - 1] == '(') continue;  // (?: (?= (?!
      repeat(2);
    } else if (c != '|' && c != '^' && c != '$') {
      atom(1);
    }
  }
  size_t total = 0;
  for (const auto& l : levels) total = std::min(cap, total + l.sum);
  return total;
}

}  // namespace

std::string expect_regex_problem(std::string_view pattern) {
  if (pattern.size() > kExpectRegexBytes) {
    return fmt::format("matches: the pattern is longer than {} bytes", kExpectRegexBytes);
  }
  if (regex_weight(pattern) > kExpectRegexStates) {
    return fmt::format("matches: the pattern repeats too much (more than {} states once its repetitions are expanded)",
                       kExpectRegexStates);
  }
  try {
    std::regex re(pattern.begin(), pattern.end(), kRegexFlags);
  } catch (const std::regex_error& e) {
    return fmt::format("matches: not an ECMAScript regular expression ({}): {}", e.what(), quote(pattern));
  }
  return "";
}

ExpectOutcome expect_check(const json& spec, std::string_view text, const json& calls) {
  std::vector<std::string> parts;  // what was expected, in words, for the met message
  const std::string low = lower(text);
  auto fail = [](std::string expected, std::string observed) {
    return ExpectOutcome{false, "expected " + expected + "; " + observed};
  };
  if (auto it = spec.find("contains"); it != spec.end() && it->is_array()) {
    for (const auto& w : *it) {
      std::string needle = w.is_string() ? w.get<std::string>() : w.dump();
      if (low.find(lower(needle)) == std::string::npos) {
        return fail("the reply to contain " + quote(needle), said(text));
      }
    }
    parts.push_back("contains " + list(*it, " and "));
  }
  if (auto it = spec.find("not_contains"); it != spec.end() && it->is_array()) {
    for (const auto& w : *it) {
      std::string needle = w.is_string() ? w.get<std::string>() : w.dump();
      if (low.find(lower(needle)) != std::string::npos) {
        return fail("the reply not to contain " + quote(needle), said(text));
      }
    }
    parts.push_back("does not contain " + list(*it, " or "));
  }
  if (auto it = spec.find("matches"); it != spec.end() && it->is_string()) {
    const std::string pattern = it->get<std::string>();
    if (auto why = expect_regex_problem(pattern); !why.empty()) return ExpectOutcome{false, why};
    std::string_view searched = text.substr(0, std::min(text.size(), kExpectRegexTextBytes));
    if (!regex_found(pattern, searched)) {
      std::string note = text.size() > searched.size()
                             ? fmt::format(" (the first {} bytes searched)", kExpectRegexTextBytes)
                             : std::string();
      return fail("the reply to match /" + pattern + "/" + note, said(text));
    }
    parts.push_back("matches /" + pattern + "/");
  }
  const json* want_args = nullptr;
  if (auto it = spec.find("args"); it != spec.end() && it->is_object()) want_args = &*it;
  std::string called;
  if (auto it = spec.find("called"); it != spec.end() && it->is_string()) called = it->get<std::string>();
  if (!called.empty() || want_args) {
    bool found = false;
    for (const auto& c : calls.is_array() ? calls : json::array()) {
      if (!called.empty() && c.value("name", std::string()) != called) continue;
      if (!want_args) {
        found = true;
        break;
      }
      json args = parse_json_bounded(c.value("arguments", std::string()));
      if (!args.is_object()) continue;
      bool all = true;
      for (const auto& [k, v] : want_args->items()) {
        auto a = args.find(k);
        if (a == args.end() || !same_value(*a, v)) all = false;
      }
      if (all) {
        found = true;
        break;
      }
    }
    std::string call = called.empty() ? std::string("a tool call") : "a call to " + called;
    std::string with = want_args ? " with " + clip(want_args->dump(-1, ' ', false, json::error_handler_t::replace), 200) : "";
    if (!found) return fail(call + with, calls_text(calls));
    parts.push_back("made " + call + with);
  }
  std::string met = "met:";
  for (size_t i = 0; i < parts.size(); ++i) met += (i ? "; " : " ") + parts[i];
  return ExpectOutcome{true, met};
}

}  // namespace spar
