#include "score/text.h"

#include <algorithm>
#include <cctype>

namespace spar::score {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

const std::set<std::string>& stop_words() {
  static const std::set<std::string> words = {
      "about", "after", "again", "also", "been", "being", "could", "does", "doing", "done", "from", "have",
      "having", "here", "just", "know", "like", "make", "more", "much", "need", "okay", "only", "please",
      "really", "should", "some", "sorry", "sure", "thank", "thanks", "that", "their", "them", "then", "there",
      "these", "they", "this", "those", "want", "well", "were", "what", "when", "where", "which", "while",
      "will", "with", "would", "your", "yours", "actually", "anyway", "wait", "right", "still", "into",
      "can't", "don't", "it's", "i'm", "you're", "that's", "happy", "help", "hello"};
  return words;
}

std::string stem(std::string w) {
  for (std::string_view suffix : {"ing", "ed", "es", "s"}) {
    if (w.size() > suffix.size() + 3 && w.compare(w.size() - suffix.size(), suffix.size(), suffix) == 0) {
      w.resize(w.size() - suffix.size());
      break;
    }
  }
  return w;
}

}  // namespace

bool contains_token(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return false;
  std::string h = lower(haystack), n = lower(needle);
  for (size_t pos = h.find(n); pos != std::string::npos; pos = h.find(n, pos + 1)) {
    bool left = pos == 0 || !alnum(h[pos - 1]) || !alnum(n.front());
    size_t end = pos + n.size();
    bool right = end >= h.size() || !alnum(h[end]) || !alnum(n.back());
    if (left && right) return true;
  }
  return false;
}

std::set<std::string> keywords(std::string_view text) {
  std::set<std::string> out;
  std::string t = lower(text);
  size_t i = 0;
  while (i < t.size()) {
    if (!alnum(t[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < t.size() && (alnum(t[j]) || t[j] == '\'')) ++j;
    std::string w = t.substr(i, j - i);
    i = j;
    bool digits = std::all_of(w.begin(), w.end(), [](unsigned char c) { return std::isdigit(c); });
    if (digits ? w.size() >= 3 : (w.size() >= 4 && !stop_words().count(w))) out.insert(digits ? w : stem(w));
  }
  return out;
}

bool addresses(std::string_view message, std::string_view reply) {
  auto a = keywords(message), b = keywords(reply);
  return std::any_of(a.begin(), a.end(), [&](const std::string& w) { return b.count(w) > 0; });
}

std::vector<std::string> value_tokens(std::string_view text, size_t min_size) {
  std::vector<std::string> out;
  auto part = [](char c) { return alnum(c) || c == '@' || c == '.' || c == '-' || c == '_' || c == '/'; };
  size_t i = 0;
  while (i < text.size()) {
    if (!part(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && part(text[j])) ++j;
    std::string_view tok = text.substr(i, j - i);
    i = j;
    while (!tok.empty() && !alnum(tok.back())) tok.remove_suffix(1);
    while (!tok.empty() && !alnum(tok.front())) tok.remove_prefix(1);
    bool digit = std::any_of(tok.begin(), tok.end(), [](unsigned char c) { return std::isdigit(c); });
    if (digit && tok.size() >= min_size) out.emplace_back(tok);
  }
  return out;
}

}  // namespace spar::score
