// Result<T>: the one error model of the engine core. A value or an Error, never both.
// Errors carry a machine-readable `kind` (recorded in results.jsonl) and a human message
// that is already complete (for scripts: "path:line: message"). Exceptions are used only at
// the top (the CLI) and inside Lua, where lua_error unwinds as a C++ exception.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace spar {

struct Error {
  std::string kind;     // e.g. "script", "input", "transport", "timeout", "http", "protocol"
  std::string message;  // one line, ready to print
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

inline Error make_error(std::string kind, std::string message) {
  return Error{std::move(kind), std::move(message)};
}

}  // namespace spar
