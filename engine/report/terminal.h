// Text that reaches a terminal from scripts and agents (script errors, agent error messages,
// scenario ids) is printed with its control characters escaped, so it cannot move the
// cursor, rewrite the progress line, retitle the window or ring the bell. Records keep the
// real text (JSON escapes it there).
#pragma once

#include <string>
#include <string_view>

namespace spar::report {

// `text` with C0 controls (newline, tab and CR included), DEL and the C1 controls (U+0080 to
// U+009F, as UTF-8) escaped as \x1b, \x7f and \u009b; everything else unchanged.
std::string printable(std::string_view text);

}  // namespace spar::report
