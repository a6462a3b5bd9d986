#include "agent/internal.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>

#include "agent/openai_wire.h"
#include "base/json_depth.h"

namespace spar::agent::internal {

std::string one_line(std::string_view text, size_t max_chars, std::string_view secret) {
  std::string scrubbed;
  if (!secret.empty()) {
    scrubbed = redact(std::string(text), secret);
    text = scrubbed;
  }
  size_t cut = utf8_prefix_bytes(text, max_chars);
  std::string out(text.substr(0, cut));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  size_t first = out.find_first_not_of(' ');
  out.erase(0, first == std::string::npos ? out.size() : first);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (cut < text.size()) out += "...";
  return out;
}

namespace {
bool token_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }
}  // namespace

std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  bool whole_tokens = secret.size() < kMinSecretChars;
  for (size_t at = text.find(secret); at != std::string::npos;) {
    size_t end = at + secret.size();
    if (whole_tokens && ((at > 0 && token_char(text[at - 1])) || (end < text.size() && token_char(text[end])))) {
      at = text.find(secret, at + 1);
      continue;
    }
    text.replace(at, secret.size(), "***");
    at = text.find(secret, at + 3);
  }
  return text;
}

namespace {
// `text` without a trailing start of `secret` (at least 4 characters of it), for a reply cut
// before the rest of the key arrived.
void redact_cut_tail(std::string& text, std::string_view secret) {
  if (secret.size() < kMinSecretChars) return;
  for (size_t n = std::min(text.size(), secret.size() - 1); n >= 4; --n) {
    if (std::string_view(text).substr(text.size() - n) == secret.substr(0, n)) {
      text.replace(text.size() - n, n, "***");
      return;
    }
  }
}
}  // namespace

void redact(Result<Reply>& reply, std::string_view secret) {
  if (secret.empty()) return;
  if (!reply.ok()) {
    Error e = reply.error();  // the kind, status and Retry-After stay
    e.message = redact(e.message, secret);
    reply = std::move(e);
    return;
  }
  reply->text = redact(std::move(reply->text), secret);
  if (reply->truncated) redact_cut_tail(reply->text, secret);
  for (ToolCall& c : reply->tool_calls) {
    c.id = redact(std::move(c.id), secret);
    c.name = redact(std::move(c.name), secret);
    c.arguments = redact(std::move(c.arguments), secret);
  }
}

std::string redact_url(std::string_view url) {
  size_t scheme = url.find("://");
  size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? url.npos : end - start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, start));
  out += "***@";
  out += url.substr(start + at + 1);
  return out;
}

bool json_too_deep(std::string_view text, int max_depth) {
  return json_nests_deeper_than(text, static_cast<size_t>(max_depth));
}

json parse_json(std::string_view text, bool* too_deep) {
  bool deep = json_too_deep(text);
  if (too_deep) *too_deep = deep;
  if (deep) return json(json::value_t::discarded);
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

std::string too_deep_message(std::string_view what) {
  return std::string(what) + " nests JSON deeper than " + std::to_string(kMaxReplyJsonDepth) + " levels";
}

Error http_error(long status, long retry_after_s, std::string_view shown_url, std::string_view body,
                 std::string_view secret) {
  std::string message = "HTTP " + std::to_string(status);
  if (retry_after_s >= 0) message += " (retry after " + std::to_string(retry_after_s) + " s)";
  message += " from ";
  message += shown_url;
  if (!body.empty()) message += ": " + one_line(body, 200, secret);
  Error e = make_error(ErrorKind::http, std::move(message));
  e.http_status = static_cast<int>(status);
  e.retry_after_s = static_cast<double>(retry_after_s);
  return e;
}

namespace {
// The digits at `text[at...]` as a number, or -1 when there are none.
long digits_at(std::string_view text, size_t at, size_t* end = nullptr) {
  size_t i = at;
  long value = 0;
  while (i < text.size() && i - at < 12 && std::isdigit(static_cast<unsigned char>(text[i]))) {
    value = value * 10 + (text[i] - '0');
    ++i;
  }
  if (end) *end = i;
  return i == at ? -1 : value;
}
}  // namespace


long parse_retry_after(std::string_view value, std::time_t now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) value.remove_suffix(1);
  if (value.empty()) return -1;
  size_t end = 0;
  long seconds = digits_at(value, 0, &end);
  if (seconds >= 0) return end == value.size() ? seconds : -1;
  std::string date(value);
  std::time_t when = curl_getdate(date.c_str(), nullptr);
  if (when < 0) return -1;
  return when > now ? static_cast<long>(when - now) : 0;
}

std::vector<std::string> attempt_headers(const Request& request) {
  if (request.attempt <= 0) return {};
  return {"X-Spar-Attempt: " + std::to_string(request.attempt)};
}

}  // namespace spar::agent::internal
