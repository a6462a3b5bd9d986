// Text matching used by scoring. Pure functions, case-insensitive.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace spar::score {

// `needle` occurs in `haystack` and is not glued to letters or digits on either side, so
// "4417" is found in "order 4417." but not in "44170".
bool contains_token(std::string_view haystack, std::string_view needle);

// Content words: lowercase alphanumeric words of 4+ letters (or 3+ digits), without common
// stop words, with a crude suffix stem ("refunded" -> "refund").
std::set<std::string> keywords(std::string_view text);

// `reply` addresses `message`: they share a content word.
bool addresses(std::string_view message, std::string_view reply);

// Values a message carries: tokens of min_size+ characters (3 unless told) that contain a digit ("4471", "QXR482",
// "2026-12-01"), without surrounding punctuation.
std::vector<std::string> value_tokens(std::string_view text, size_t min_size = 3);

}  // namespace spar::score
