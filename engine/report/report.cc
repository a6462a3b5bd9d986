#include "report/report.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/plural.h"
#include "base/json_util.h"

#include "base/json_depth.h"
#include "report/calibrate.h"
#include "report/html.h"
#include "report/junit.h"
#include "report/terminal.h"
#include "report/results.h"
#include "report/run_json.h"
#include "score/cases.h"
#include "score/summary.h"

namespace spar::report {

Status write_file_atomic(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return make_error(ErrorKind::io, fmt::format("{}: cannot write: {}", tmp, std::strerror(errno)));
  // fwrite buffers: a full disk may show only in fclose's flush, so both are checked, and the
  // first errno is the reason given ("summary.json: No space left on device").
  int error = std::fwrite(text.data(), 1, text.size(), f) == text.size() ? 0 : errno;
  if (std::fclose(f) != 0 && error == 0) error = errno;
  if (error != 0) {
    std::remove(tmp.c_str());
    return make_error(ErrorKind::io, fmt::format("{}: {}", path, std::strerror(error)));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return make_error(ErrorKind::io, fmt::format("{}: cannot write: {}", path, ec.message()));
  return Ok{};
}

Result<score::Price> parse_price(const std::string& text) {
  score::Price price;
  bool prompt = false, completion = false;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t eq = part.find('=');
    char* end = nullptr;
    double value = eq == std::string::npos ? 0 : std::strtod(part.c_str() + eq + 1, &end);
    bool number = eq != std::string::npos && end != part.c_str() + eq + 1 && *end == '\0' && value >= 0;
    std::string key = part.substr(0, eq);
    if (!number || (key != "prompt" && key != "completion")) {
      return make_error(ErrorKind::input, fmt::format("expected prompt=USD,completion=USD per million tokens, got '{}'", text));
    }
    (key == "prompt" ? price.prompt_per_million : price.completion_per_million) = value;
    (key == "prompt" ? prompt : completion) = true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (!prompt || !completion) {
    return make_error(ErrorKind::input, fmt::format("give both prompt= and completion=, got '{}'", text));
  }
  return price;
}

namespace {

// Puts transcripts back into the records report.html shows them for: all of them up to
// `max_transcripts`, else the failed and errored conversations first, then the others, in file
// order. The rest are marked so the viewer points at their results.jsonl line: a report of
// thousands of transcripts is too big for a browser and a page nobody reads.
void embed_transcripts(std::string_view content, ReadResults& read, size_t max_transcripts) {
  std::vector<size_t> order;
  for (size_t pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < read.records.size(); ++i) {
      const json& r = read.records[i];
      bool failed = !r["error"].is_null() || !(r["score"].is_object() && r["score"].value("pass", false));
      if (failed == (pass == 0)) order.push_back(i);
    }
  }
  for (size_t n = 0; n < order.size(); ++n) {
    json& record = read.records[order[n]];
    if (n >= max_transcripts) {
      record["transcript_omitted"] = true;
      record["results_line"] = read.lines[order[n]];
      continue;
    }
    size_t start = read.offsets[order[n]];
    size_t end = content.find('\n', start);
    json whole = parse_json_bounded(content.substr(start, end == std::string_view::npos ? end : end - start));
    if (whole.is_object() && whole.contains("transcript")) record["transcript"] = std::move(whole["transcript"]);
  }
}

}  // namespace

Result<json> write_report(const std::string& dir, const ReportOptions& options) {
  namespace fs = std::filesystem;
  std::string results = (fs::path(dir) / "results.jsonl").string();
  auto content = read_text(results);
  if (!content.ok()) return content.error();
  // Records without their transcripts when there are more than report.html embeds: at 10,000
  // conversations whole records took 830 MiB. (Fewer lines than that: parse them once, whole.)
  bool slim = static_cast<size_t>(std::count(content->begin(), content->end(), '\n')) >= options.max_transcripts;
  auto read = parse_results(*content, results, /*drop_transcripts=*/slim);
  if (!read.ok()) return read.error();
  score::SummaryOptions summary_options;
  summary_options.price = options.price;
  auto run_file = read_run_file(dir);  // a folder without a readable run.json still gets its reports
  if (!summary_options.price && run_file.ok()) summary_options.price = run_file->price;
  json summary = score::summarize(read->records, summary_options);
  if (read->dropped_torn_line) summary["dropped_torn_line"] = true;
  auto st = write_file_atomic((fs::path(dir) / "summary.json").string(), summary.dump(2) + "\n");
  if (!st.ok()) return st.error();
  json run_info = run_file.ok() ? run_file->raw : json();
  json calibration;
  if (!options.labels_db.empty()) {
    auto labels = labels_of_runs(read->records, options.labels_db);
    if (!labels.ok()) {
      spdlog::warn("report.html has no calibration section: {}", printable(labels.error().message));
    } else if (!labels->empty()) {
      calibration = calibration_of(read->records, *labels);
    }
  }
  if (slim) embed_transcripts(*content, *read, options.max_transcripts);
  st = write_file_atomic((fs::path(dir) / "report.html").string(), render_html(summary, read->records, run_info, calibration));
  if (!st.ok()) return st.error();
  st = write_file_atomic((fs::path(dir) / "junit.xml").string(), render_junit(summary, read->records));
  if (!st.ok()) return st.error();
  return summary;
}

namespace {

// The per-persona block under the table (score::shows_personas): each persona's cases, counts,
// pass^1 and pass^k at its k_max (means over its cases), recovery, and violations per completed
// conversation.
void print_personas(const json& summary, std::FILE* out) {
  const json& per = member(summary, "per_persona");
  size_t width = 7;
  for (const auto& [name, p] : per.items()) width = std::max(width, name.size() + 1);
  fmt::print(out, "\n{:<{}}  {:>5}  {:>4}  {:>4}  {:>7}  {:>13}  {:>8}  {:>10}\n", "persona", width, "cases", "n", "err",
             "pass^1", "pass^k", "recovery", "viol/conv");
  for (const auto& [name, p] : per.items()) {
    const json& hat = member(p, "pass_hat_k");
    int k = int_member(p, "k_max");
    auto figure = [](const json& v) { return v.is_number() ? fmt::format("{:.3f}", v.get<double>()) : std::string("-"); };
    int n = int_member(p, "n");
    std::string violations = n > 0 ? fmt::format("{:.3f}", int_member(p, "violations") / static_cast<double>(n)) : "-";
    fmt::print(out, "{:<{}}  {:>5}  {:>4}  {:>4}  {:>7}  {:>13}  {:>8}  {:>10}\n", printable("@" + name), width,
               member(p, "cases").size(), n, int_member(p, "errors"), figure(member(hat, "1")),
               k > 0 ? fmt::format("{} (k={})", figure(member(hat, std::to_string(k))), k) : "-",
               figure(member(member(p, "recovery"), "rate")), violations);
  }
}

}  // namespace

void print_table(const json& summary, std::FILE* out) {
  int k = summary.value("k", 0);
  // A case is a scenario, or a scenario and one of the personas that played it (score/cases.h).
  const int scenarios = summary.value("scenarios", 0), cases = summary.value("cases", scenarios);
  std::string overall_label = "overall (" + count_of(scenarios, "scenario") + ")";
  if (cases != scenarios) {
    overall_label = "overall (" + count_of(cases, "case") + ", " + count_of(scenarios, "scenario") + ")";
  }
  size_t width = overall_label.size();
  for (const auto& [id, s] : summary["per_scenario"].items()) width = std::max(width, id.size());
  // Every pass^i up to 8 trials; beyond, the powers of two and k itself, so -k 100 still fits
  // a terminal (summary.json has them all).
  std::vector<int> shown;
  for (int i = 1; i <= k; i = k <= 8 ? i + 1 : i * 2) shown.push_back(i);
  if (k > 0 && shown.back() != k) shown.push_back(k);
  size_t col = std::max<size_t>(7, fmt::format("pass^{}", k).size());
  std::string header = fmt::format("{:<{}}  {:>4}  {:>4}", cases != scenarios ? "case" : "scenario", width, "n", "err");
  for (int i : shown) header += fmt::format("  {:>{}}", fmt::format("pass^{}", i), col);
  fmt::print(out, "{}\n", header);
  auto row = [&](const std::string& name, const json& s) {
    std::string line = fmt::format("{:<{}}  {:>4}  {:>4}", printable(name), width, s.value("n", 0), s.value("errors", 0));
    const json& hat = s["pass_hat_k"];
    for (int i : shown) {
      auto it = hat.find(std::to_string(i));
      line += it == hat.end() ? fmt::format("  {:>{}}", "-", col) : fmt::format("  {:>{}.3f}", it->get<double>(), col);
    }
    fmt::print(out, "{}\n", line);
  };
  for (const auto& [id, s] : summary["per_scenario"].items()) row(id, s);
  json overall = {{"n", summary.value("completed", 0)}, {"errors", summary.value("errors", 0)},
                  {"pass_hat_k", summary["pass_hat_k"]}};
  row(overall_label, overall);
  if (score::shows_personas(summary)) print_personas(summary, out);
  // What decided the confusion-event verdicts (docs/metrics.md, "Evidence").
  const json& mix = member(member(summary, "evidence"), "events");
  std::string evidence;
  for (const char* d : {"action", "state", "judge", "text", "unscored"}) {
    int n = mix.value(d, 0);
    if (n > 0 || std::string(d) == "action" || std::string(d) == "unscored") {
      evidence += fmt::format("{}{} {}", evidence.empty() ? "" : ", ", d, n);
    }
  }
  if (mix.is_object() && !mix.empty()) fmt::print(out, "evidence: {}\n", evidence);
  print_honesty(summary, shown, out);
  // r:expect{} failures: the count and the first few messages (summary.json holds them).
  if (const json& x = summary.contains("expectations") ? summary["expectations"] : json(); x.value("failed", 0) > 0) {
    fmt::print(out, "expectations: {} of {} failed\n", x.value("failed", 0), x.value("checked", 0));
    for (const auto& f : x["failures"]) {
      fmt::print(out, "  {} #{}: {}\n", printable(f.value("case", f.value("scenario", ""))), f.value("trial", 0), printable(f.value("message", "")));
    }
  }
}

}  // namespace spar::report
