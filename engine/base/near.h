// "Did you mean": the known names closest to a misspelt one, by edit distance (Levenshtein:
// insertions, deletions and substitutions of bytes), for error messages.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace spar {

inline size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

// The names within a third of `word`'s length (at least 2) of it, closest first, at most `limit`.
inline std::vector<std::string> near_names(std::string_view word, const std::vector<std::string>& names,
                                           size_t limit = 3) {
  size_t bound = std::max<size_t>(2, word.size() / 3);
  std::vector<std::pair<size_t, std::string>> scored;
  for (const auto& n : names) {
    size_t d = edit_distance(word, n);
    if (d <= bound && n != word) scored.emplace_back(d, n);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < limit; ++i) out.push_back(scored[i].second);
  return out;
}

}  // namespace spar
