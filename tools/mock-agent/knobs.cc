#include "knobs.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>

namespace spar::mock {
namespace {

enum class Kind { Probability, NonNegative, Count };

struct KnobDef {
  const char* name;
  Kind kind;
  std::function<void(Knobs&, double)> set;
  std::function<double(const Knobs&)> get;
  const char* help;
};

const std::vector<KnobDef>& defs() {
  static const std::vector<KnobDef> table = {
      {"latency_ms", Kind::NonNegative, [](Knobs& k, double v) { k.latency_ms = v; },
       [](const Knobs& k) { return k.latency_ms; }, "delay before every reply, in ms"},
      {"jitter_ms", Kind::NonNegative, [](Knobs& k, double v) { k.jitter_ms = v; },
       [](const Knobs& k) { return k.jitter_ms; },
       "extra seeded uniform delay in [0, jitter_ms], in ms"},
      {"context_window", Kind::Count,
       [](Knobs& k, double v) { k.context_window = static_cast<int>(v); },
       [](const Knobs& k) { return double(k.context_window); },
       "only the last N non-system messages are visible; 0 = unlimited"},
      {"correction_rate", Kind::Probability, [](Knobs& k, double v) { k.correction_rate = v; },
       [](const Knobs& k) { return k.correction_rate; },
       "probability that a corrected slot value is adopted (else the first value is kept)"},
      {"intent_switch_rate", Kind::Probability,
       [](Knobs& k, double v) { k.intent_switch_rate = v; },
       [](const Knobs& k) { return k.intent_switch_rate; },
       "probability that a change of intent is adopted (else the first intent is kept)"},
      {"policy_slip", Kind::Probability, [](Knobs& k, double v) { k.policy_slip = v; },
       [](const Knobs& k) { return k.policy_slip; },
       "probability of skipping verification and confirmation before a write"},
      {"fatigue", Kind::NonNegative, [](Knobs& k, double v) { k.fatigue = v; },
       [](const Knobs& k) { return k.fatigue; },
       "on user turn t, errs with probability min(1, fatigue*t)"},
      {"fail_rate", Kind::Probability, [](Knobs& k, double v) { k.fail_rate = v; },
       [](const Knobs& k) { return k.fail_rate; }, "probability of an HTTP 500 reply"},
      {"timeout_rate", Kind::Probability, [](Knobs& k, double v) { k.timeout_rate = v; },
       [](const Knobs& k) { return k.timeout_rate; },
       "probability of hanging hang_ms before replying"},
      {"garbage_rate", Kind::Probability, [](Knobs& k, double v) { k.garbage_rate = v; },
       [](const Knobs& k) { return k.garbage_rate; },
       "probability of a 200 reply whose body is not valid JSON/SSE"},
      {"reset_rate", Kind::Probability, [](Knobs& k, double v) { k.reset_rate = v; },
       [](const Knobs& k) { return k.reset_rate; },
       "probability of closing the connection halfway through the reply"},
      {"hang_ms", Kind::NonNegative, [](Knobs& k, double v) { k.hang_ms = v; },
       [](const Knobs& k) { return k.hang_ms; }, "length of a timeout_rate hang, in ms"},
      {"words_per_chunk", Kind::Count,
       [](Knobs& k, double v) { k.words_per_chunk = std::max(1, static_cast<int>(v)); },
       [](const Knobs& k) { return double(k.words_per_chunk); },
       "words per streamed text delta"},
      {"judge_noise", Kind::Probability, [](Knobs& k, double v) { k.judge_noise = v; },
       [](const Knobs& k) { return k.judge_noise; },
       "judge requests: seeded noise of up to +/- this much on each score"},
  };
  return table;
}

std::string format_number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  return s;
}

const char* expectation(Kind kind) {
  switch (kind) {
    case Kind::Probability: return "a number in [0, 1]";
    case Kind::NonNegative: return "a number >= 0";
    case Kind::Count: return "an integer >= 0";
  }
  return "";
}

}  // namespace

const std::vector<KnobInfo>& knob_table() {
  static const std::vector<KnobInfo> table = [] {
    std::vector<KnobInfo> out;
    Knobs defaults;
    for (const auto& d : defs()) out.push_back({d.name, format_number(d.get(defaults)), d.help});
    return out;
  }();
  return table;
}

std::optional<std::string> apply_knob(Knobs& knobs, std::string_view assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return "bad knob '" + std::string(assignment) + "' (expected key=value)";
  }
  std::string_view key = assignment.substr(0, eq);
  std::string_view value = assignment.substr(eq + 1);
  for (const auto& d : defs()) {
    if (key != d.name) continue;
    double v = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    bool ok = ec == std::errc() && ptr == value.data() + value.size() && !value.empty() &&
              std::isfinite(v);
    if (ok) {
      switch (d.kind) {
        case Kind::Probability: ok = v >= 0 && v <= 1; break;
        case Kind::NonNegative: ok = v >= 0; break;
        case Kind::Count: ok = v >= 0 && v == std::floor(v) && v <= 1e9; break;
      }
    }
    if (!ok) {
      return "bad value for " + std::string(key) + ": '" + std::string(value) + "' (expected " +
             expectation(d.kind) + ")";
    }
    d.set(knobs, v);
    return std::nullopt;
  }
  return "unknown knob '" + std::string(key) + "' (see --help)";
}

}  // namespace spar::mock
