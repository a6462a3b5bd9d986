// Text that reaches a terminal from scripts and agents (script errors, agent error messages,
// scenario ids) is printed with its control characters escaped, so it cannot move the
// cursor, rewrite the progress line, retitle the window or ring the bell. Records keep the
// real text (JSON escapes it there).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace spar::report {

// `text` with C0 controls (newline, tab and CR included), DEL and the C1 controls (U+0080 to
// U+009F, as UTF-8) escaped as \x1b, \x7f and \u009b; everything else unchanged.
std::string printable(std::string_view text);

// The lines under the pass^k table that keep it honest (docs/metrics.md, "Pass and pass^k"):
// the 95% intervals of overall pass^k at the `shown` k, the infrastructure-excluded figure
// when errors changed it, and why overall pass^k stops at k_max when a scenario has fewer trials.
void print_honesty(const nlohmann::json& summary, const std::vector<int>& shown, std::FILE* out);

}  // namespace spar::report
