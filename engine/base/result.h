// Result<T>: the one error model of the engine core. A value or an Error, never both.
// Errors carry a typed `kind` (recorded in results.jsonl as to_string(kind)) and a human message
// that is already complete (for scripts: "path:line: message"). Exceptions are used only at
// the top (the CLI) and inside Lua, where lua_error unwinds as a C++ exception.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace spar {

// What went wrong, as a typed constant. Written out (records, cassettes, logs) with
// to_string(), whose strings are the ones records have always carried.
enum class ErrorKind {
  input,        // bad user input: arguments, files, scenario paths (exit code 2)
  io,           // a write failed (a full disk)
  script,       // a scenario or persona script failed
  transport,    // connect, reset
  timeout,      // no complete reply in time
  http,         // a non-2xx status (Error::http_status)
  protocol,     // a malformed or oversized reply
  exec,         // an exec agent exited or broke its framing
  judge,        // the judge failed or answered out of shape
  replay_miss,  // --replay found no recorded reply
  internal,     // a bug in spar
};

// "input", "io", ...; the one spelling of each kind.
constexpr std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::input: return "input";
    case ErrorKind::io: return "io";
    case ErrorKind::script: return "script";
    case ErrorKind::transport: return "transport";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::http: return "http";
    case ErrorKind::protocol: return "protocol";
    case ErrorKind::exec: return "exec";
    case ErrorKind::judge: return "judge";
    case ErrorKind::replay_miss: return "replay_miss";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

// The kind spelt `text`, or nothing (reading a kind back from a cassette).
inline std::optional<ErrorKind> error_kind_from(std::string_view text) {
  for (int k = 0; k <= static_cast<int>(ErrorKind::internal); ++k) {
    if (to_string(static_cast<ErrorKind>(k)) == text) return static_cast<ErrorKind>(k);
  }
  return std::nullopt;
}

// A kind put into JSON (nlohmann finds this by argument-dependent lookup) is its string, never
// the enum's number: records keep the strings they always had.
template <class BasicJson>
void to_json(BasicJson& j, ErrorKind kind) {
  j = std::string(to_string(kind));
}

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;        // one line, ready to print
  int http_status = 0;        // the HTTP status of an http error; 0 = none
  double retry_after_s = -1;  // the response's Retry-After in seconds; negative = none
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

inline Error make_error(ErrorKind kind, std::string message) { return Error{kind, std::move(message)}; }

}  // namespace spar
