// r:expect{...}: one assertion on what the agent said or did in one turn, evaluated over plain
// data. The same function gives the persona its return value (engine/persona/) and the verdict
// in the record (engine/score/expectations.cc), so the two cannot disagree.
//
// A spec is the normalised observation the persona recorded (docs/record.md, `expectations`):
//   {"contains": [..], "not_contains": [..], "matches": "regex", "called": "tool", "args": {..}}
// every key optional. `text` is all the agent's text of the turn; `calls` its tool calls of the
// turn, [{"name", "arguments" (JSON text, as the agent sent it)}].
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace spar {

// A `matches` pattern is at most this long, expands to at most kExpectRegexStates states (its
// bounded repetitions multiplied out), and is searched in at most the first
// kExpectRegexTextBytes of the turn's text (docs/security.md#expectations).
inline constexpr size_t kExpectRegexBytes = 256;
inline constexpr size_t kExpectRegexStates = 500;
inline constexpr size_t kExpectRegexTextBytes = 32 * 1024;

// Why `pattern` cannot be a `matches` pattern (too long, not ECMAScript, a back-reference), or ""
// when it can.
std::string expect_regex_problem(std::string_view pattern);

struct ExpectOutcome {
  bool met = true;
  std::string message;  // "expected ...; it said: \"...\"" when not met, "met: ..." when met
};

// Evaluates the spec. A spec whose regex is bad is not met (its message says why).
ExpectOutcome expect_check(const nlohmann::json& spec, std::string_view text, const nlohmann::json& calls);

}  // namespace spar
