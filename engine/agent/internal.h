// Helpers shared by the agent adapters; not part of the agent/ API used by other subsystems.
// Thread-safety: pure functions, reentrant.
#pragma once

#include <string>
#include <string_view>

namespace spar::agent::internal {

// `text` made fit for a one-line error message: at most `max_chars` code points, control
// characters (newlines included) turned into spaces, surrounding spaces trimmed, "..."
// appended when cut.
std::string one_line(std::string_view text, size_t max_chars = 200);

// `text` with every occurrence of `secret` replaced by "***" (no-op for an empty secret).
std::string redact(std::string text, std::string_view secret);

// `url` without any user:password@ part, for messages and logs.
std::string redact_url(std::string_view url);

}  // namespace spar::agent::internal
