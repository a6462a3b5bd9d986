// A count with its noun, singular or plural as English wants it: "1 scenario", "2 scenarios",
// "0 errors". Every count spar prints for people goes through it.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace spar {

inline std::string count_of(long long n, std::string_view singular, std::string_view plural = {}) {
  if (n == 1) return fmt::format("1 {}", singular);
  if (plural.empty()) return fmt::format("{} {}s", n, singular);
  return fmt::format("{} {}", n, plural);
}

}  // namespace spar
