// Knobs: the flaws and delays spar-mock-agent injects, set on its command line as key=value.
//
// Every knob is declared once in knob_table() (name, default, range, help), so adding a knob is
// one field here plus one row there. Knobs are immutable after parsing and safe to share between
// server threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spar::mock {

struct Knobs {
  // Timing (per reply).
  double latency_ms = 0;  // fixed delay before replying
  double jitter_ms = 0;   // extra uniform delay in [0, jitter_ms], seeded per request
  // Memory and comprehension. 0 = unlimited.
  int context_window = 0;           // only the last N non-system messages are visible
  double correction_rate = 1;       // P(a corrected slot value is adopted)
  double intent_switch_rate = 1;    // P(a change of intent is adopted)
  double policy_slip = 0;           // P(skipping verification/confirmation before a write)
  double fatigue = 0;               // on user turn t, P(err) = min(1, fatigue * t)
  // Chaos (infrastructure faults). Seeded per request and attempt, see README.
  double fail_rate = 0;     // P(HTTP 500)
  double timeout_rate = 0;  // P(hanging for hang_ms before answering)
  double garbage_rate = 0;  // P(200 with a body that is not JSON / not valid SSE)
  double reset_rate = 0;    // P(closing the connection halfway through the reply)
  double hang_ms = 60000;   // how long a timeout_rate hang lasts
  // Streaming: words per text delta.
  int words_per_chunk = 3;
  // Judge requests: seeded noise added to each judgement, to exercise flaky-judge detection.
  double judge_noise = 0;
};

struct KnobInfo {
  std::string name;
  std::string default_text;
  std::string help;
};

// All knobs with their defaults and one-line help, in display order.
const std::vector<KnobInfo>& knob_table();

// Applies one "key=value" to `knobs`. Returns an error line (no trailing newline) on an unknown
// key or a bad value, e.g. "unknown knob 'foo' (see --help)" or
// "bad value for correction_rate: 'x' (expected a number in [0, 1])".
std::optional<std::string> apply_knob(Knobs& knobs, std::string_view assignment);

}  // namespace spar::mock
