#include "report/terminal.h"

#include <fmt/format.h>

namespace spar::report {

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {  // a C1 control in UTF-8
      out += fmt::format("\\u{:04x}", next);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void print_honesty(const nlohmann::json& summary, const std::vector<int>& shown, std::FILE* out) {
  auto line = [&](const char* table, const std::string& label, bool with_interval) {
    auto it = summary.find(table);
    if (it == summary.end() || !it->is_object() || it->empty()) return;
    const nlohmann::json ci = summary.value(std::string(table) + "_ci95", nlohmann::json::object());
    std::string text;
    for (int k : shown) {
      std::string key = std::to_string(k);
      if (!it->contains(key)) continue;
      text += fmt::format("  pass^{} {:.3f}", k, (*it)[key].get<double>());
      if (with_interval && ci.contains(key) && ci[key].is_array()) {
        text += fmt::format(" [{:.3f}, {:.3f}]", ci[key][0].get<double>(), ci[key][1].get<double>());
      }
    }
    if (!text.empty()) fmt::print(out, "{}:{}\n", label, text);
  };
  line("pass_hat_k", "overall with 95% interval", true);
  if (summary.value("errors", 0) > 0) {
    line("pass_hat_k_excluding_errors", "excluding errors (errors count as failures above)", false);
  }
  int k = summary.value("k", 0), k_max = summary.value("k_max", k);
  if (k_max < k) {
    fmt::print(out, "overall pass^k stops at k = {}: the fewest trials any case has (k_max)\n", k_max);
  }
}

}  // namespace spar::report
