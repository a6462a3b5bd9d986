// Small helpers for reading JSON records without copies or dangling temporaries.
#pragma once

#include <climits>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace spar {

// obj[key] when obj is an object that has it, else a null value (which iterates as empty).
// Unlike json::value(key, default), it returns a reference into obj, never a temporary, so
// `for (auto& [k, v] : member(obj, "x").items())` is safe.
inline const nlohmann::json& member(const nlohmann::json& obj, std::string_view key) {
  static const nlohmann::json null_value;
  if (!obj.is_object()) return null_value;
  auto it = obj.find(key);
  return it == obj.end() ? null_value : *it;
}

// obj[key] when it is a string, else "" (a record written by someone else may hold anything).
inline std::string string_member(const nlohmann::json& obj, std::string_view key) {
  const nlohmann::json& v = member(obj, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// obj[key] when it is a whole number that fits an int, else `fallback`.
inline int int_member(const nlohmann::json& obj, std::string_view key, int fallback = 0) {
  const nlohmann::json& v = member(obj, key);
  if (!v.is_number_integer()) return fallback;
  auto x = v.get<long long>();
  return x < INT_MIN || x > INT_MAX ? fallback : static_cast<int>(x);
}

}  // namespace spar
