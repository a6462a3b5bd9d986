// How deeply JSON text nests, measured before any tree is built. nlohmann's parser is
// iterative, but copying, comparing and dump() of a tree recurse once per level: a record or
// an agent's tool-call arguments nested 200,000 deep would overflow the stack.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace spar {

// The nesting limit of JSON spar reads from files and agents (Lua tables stop at 64).
constexpr size_t kMaxJsonDepth = 512;

// True when the arrays and objects in `text` nest more than `max_depth` levels deep (brackets
// inside strings do not count). A linear scan; the text need not be valid JSON.
inline bool json_nests_deeper_than(std::string_view text, size_t max_depth = kMaxJsonDepth) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// json::parse without exceptions, refusing text nested past `max_depth`: a discarded value
// (is_discarded()) for both.
inline nlohmann::json parse_json_bounded(std::string_view text, size_t max_depth = kMaxJsonDepth) {
  if (json_nests_deeper_than(text, max_depth)) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace spar
