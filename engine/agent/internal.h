// Helpers shared by the agent adapters; not part of the agent/ API used by other subsystems.
// Thread-safety: pure functions, reentrant.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include <vector>

#include "agent/types.h"
#include "base/result.h"

namespace spar::agent::internal {

// `text` made fit for a one-line error message: `secret` scrubbed first (see redact), then at
// most `max_chars` code points, control characters (newlines included) turned into spaces,
// surrounding spaces trimmed, "..." appended when cut. Scrubbing before cutting is the point:
// a cut through the middle of a key would leave most of it unrecognisable, and shown.
std::string one_line(std::string_view text, size_t max_chars = 200, std::string_view secret = {});

// Secrets shorter than this are scrubbed only where they stand as a whole token (not next to a
// letter, digit, '-' or '_'), so a one-letter key cannot scrub every "e" from a reply.
constexpr size_t kMinSecretChars = 8;

// `text` with every occurrence of `secret` replaced by "***" (no-op for an empty secret); a
// secret shorter than kMinSecretChars only where it is a whole token.
std::string redact(std::string text, std::string_view secret);

// `secret` scrubbed from a reply's text and tool calls (id, name, arguments), or from an error's message:
// an agent that echoes its API key must not get it written into results (no-op when empty).
// A reply cut by barge-in may end in the first characters of a key whose rest never arrived:
// a trailing start of the secret (4 characters or more, for secrets of kMinSecretChars or more)
// is scrubbed too.
void redact(Result<Reply>& reply, std::string_view secret);

// `url` without any user:password@ part, for messages and logs; with or without a scheme.
std::string redact_url(std::string_view url);

// The deepest nesting of JSON arrays and objects spar accepts from an agent (bodies, stream
// chunks, exec lines, tool-call arguments). nlohmann's dump() and comparisons recurse, so a
// deeper value must never become a json value inside spar.
constexpr int kMaxReplyJsonDepth = 64;

// True when `text` opens more than `max_depth` arrays/objects inside each other: the linear
// scan of base/json_depth.h, so no tree is built and memory stays constant.
bool json_too_deep(std::string_view text, int max_depth = kMaxReplyJsonDepth);

// `text` parsed as JSON, or a discarded value when it is invalid or nested deeper than
// kMaxReplyJsonDepth (then `*too_deep`, when given, is set). The one way agent replies are parsed.
json parse_json(std::string_view text, bool* too_deep = nullptr);
// "<what> nests JSON deeper than 64 levels": the one wording of that protocol error.
std::string too_deep_message(std::string_view what);

// The error of a non-2xx response, and the one place its message is shaped:
//   "HTTP <status>[ (retry after <N> s)] from <url>[: <start of body>]"
// The status and the Retry-After travel as Error::http_status and Error::retry_after_s (the
// retry layer reads those, never the message). `retry_after_s` < 0: the response had no usable
// Retry-After. `secret` is scrubbed from the body before it is cut.
Error http_error(long status, long retry_after_s, std::string_view shown_url, std::string_view body,
                 std::string_view secret = {});

// A Retry-After header value (delay-seconds or an HTTP-date) as seconds from `now` (>= 0),
// or -1 when it is neither.
long parse_retry_after(std::string_view value, std::time_t now);

// {"X-Spar-Attempt: N"} when the retry layer numbered the request, else {}.
std::vector<std::string> attempt_headers(const Request& request);

}  // namespace spar::agent::internal
