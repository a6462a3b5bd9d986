// Small helpers for reading JSON records without copies or dangling temporaries.
#pragma once

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

}  // namespace spar
