#include "report/report.h"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "report/results.h"
#include "score/summary.h"

namespace spar::report {

Status write_file_atomic(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return make_error("io", fmt::format("{}: cannot write", tmp));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = (std::fclose(f) == 0) && ok;
  std::error_code ec;
  if (ok) std::filesystem::rename(tmp, path, ec);
  if (!ok || ec) return make_error("io", fmt::format("{}: cannot write", path));
  return Ok{};
}

Result<json> write_report(const std::string& dir) {
  std::string results = (std::filesystem::path(dir) / "results.jsonl").string();
  auto read = read_results(results);
  if (!read.ok()) return read.error();
  json summary = score::summarize(read->records);
  if (read->dropped_torn_line) summary["dropped_torn_line"] = true;
  auto st = write_file_atomic((std::filesystem::path(dir) / "summary.json").string(), summary.dump(2) + "\n");
  if (!st.ok()) return st.error();
  return summary;
}

void print_table(const json& summary, std::FILE* out) {
  int k = summary.value("k", 0);
  std::string overall_label = fmt::format("overall ({} scenarios)", summary.value("scenarios", 0));
  size_t width = overall_label.size();
  for (const auto& [id, s] : summary["per_scenario"].items()) width = std::max(width, id.size());
  std::string header = fmt::format("{:<{}}  {:>4}  {:>4}", "scenario", width, "n", "err");
  for (int i = 1; i <= k; ++i) header += fmt::format("  {:>7}", fmt::format("pass^{}", i));
  fmt::print(out, "{}\n", header);
  auto row = [&](const std::string& name, const json& s) {
    std::string line = fmt::format("{:<{}}  {:>4}  {:>4}", name, width, s.value("n", 0), s.value("errors", 0));
    const json& hat = s["pass_hat_k"];
    for (int i = 1; i <= k; ++i) {
      auto it = hat.find(std::to_string(i));
      line += it == hat.end() ? fmt::format("  {:>7}", "-") : fmt::format("  {:>7.3f}", it->get<double>());
    }
    fmt::print(out, "{}\n", line);
  };
  for (const auto& [id, s] : summary["per_scenario"].items()) row(id, s);
  json overall = {{"n", summary.value("completed", 0)}, {"errors", summary.value("errors", 0)},
                  {"pass_hat_k", summary["pass_hat_k"]}};
  row(overall_label, overall);
}

}  // namespace spar::report
