#include "report/diff.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "base/json_util.h"
#include "report/results.h"
#include "score/metrics.h"
#include "score/summary.h"

namespace spar::report {

namespace fs = std::filesystem;

Result<json> load_summary(const std::string& path) {
  std::error_code ec;
  fs::path p(path);
  fs::path summary = fs::is_directory(p, ec) ? p / "summary.json" : p;
  if (fs::is_regular_file(summary, ec)) {
    json s = read_json_file(summary.string());
    if (s.is_discarded() || !s.is_object()) return make_error(ErrorKind::input, fmt::format("{}: not a summary", summary.string()));
    return s;
  }
  if (fs::is_directory(p, ec)) {
    auto read = read_results((p / "results.jsonl").string(), /*drop_transcripts=*/true);
    if (!read.ok()) return read.error();
    return score::summarize(read->records);
  }
  return make_error(ErrorKind::input, fmt::format("{}: no such run folder or summary", path));
}

Result<Diff> diff_summaries(const json& base, const json& now, const DiffOptions& options) {
  Diff d;
  int k = std::min(base.value("k", 0), now.value("k", 0));
  std::vector<std::string> overall = {"pass^1"};
  if (k > 1) overall.push_back(fmt::format("pass^{}", k));
  std::vector<int> cps;
  for (const auto& [key, v] : member(now, "checkpoints").items()) cps.push_back(std::atoi(key.c_str()));
  std::sort(cps.begin(), cps.end());
  for (int c : cps) overall.push_back(fmt::format("quality@{}", c));
  for (const char* m : {"recovery", "violations", "errors"}) overall.push_back(m);

  auto compare = [&](const std::string& scope, const std::string& key) {
    auto b = score::metric(base, key, scope == "overall" ? "" : scope);
    auto n = score::metric(now, key, scope == "overall" ? "" : scope);
    DiffRow row{scope, key, b.ok() ? *b : std::nullopt, n.ok() ? *n : std::nullopt, false};
    if (row.base && row.now) {
      double worse = score::higher_is_better(key) ? *row.base - *row.now : *row.now - *row.base;
      if (worse > options.max_drop + 1e-9) {
        row.regression = true;
        d.regressions.push_back(fmt::format("{} {}: {:.3f} -> {:.3f} (worse by {:.3f}, more than --max-drop {:g})",
                                            scope, key, *row.base, *row.now, worse, options.max_drop));
      }
    }
    d.rows.push_back(row);
  };
  for (const auto& m : overall) compare("overall", m);

  std::set<std::string> in_base, in_now;
  for (const auto& [id, s] : member(base, "per_scenario").items()) in_base.insert(id);
  for (const auto& [id, s] : member(now, "per_scenario").items()) in_now.insert(id);
  std::string last_quality = cps.empty() ? "" : fmt::format("quality@{}", cps.back());
  for (const auto& id : in_now) {
    if (!in_base.count(id)) {
      d.added.push_back(id);
      continue;
    }
    compare(id, "pass^1");
    if (k > 1) compare(id, fmt::format("pass^{}", k));
    if (!last_quality.empty()) compare(id, last_quality);
  }
  for (const auto& id : in_base) {
    if (!in_now.count(id)) d.removed.push_back(id);
  }

  auto bound = [&](const Bound& b, bool is_min) -> Status {
    auto v = score::metric(now, b.key);
    if (!v.ok()) return v.error();
    if (!*v) {
      d.regressions.push_back(fmt::format("overall {}: not measured (needs {} {:g})", b.key, is_min ? ">=" : "<=", b.value));
    } else if (is_min ? **v < b.value - 1e-9 : **v > b.value + 1e-9) {
      d.regressions.push_back(fmt::format("overall {}: {:.3f}, needs {} {:g}", b.key, **v, is_min ? ">=" : "<=", b.value));
    }
    return Ok{};
  };
  for (const auto& b : options.mins) {
    if (auto st = bound(b, true); !st.ok()) return st.error();
  }
  for (const auto& b : options.maxes) {
    if (auto st = bound(b, false); !st.ok()) return st.error();
  }
  return d;
}

std::string render_diff(const Diff& d, const std::string& format, const DiffOptions& options) {
  auto num = [](const std::optional<double>& v) { return v ? fmt::format("{:.3f}", *v) : std::string("-"); };
  auto delta = [](const DiffRow& r) {
    return r.base && r.now ? fmt::format("{:+.3f}", *r.now - *r.base) : std::string("-");
  };
  std::string out;
  bool md = format == "markdown";
  size_t width = 8;
  for (const auto& r : d.rows) width = std::max(width, r.scope.size());
  if (md) {
    out += "| scope | metric | base | new | change | |\n|---|---|---:|---:|---:|---|\n";
  } else {
    out += fmt::format("{:<{}}  {:<12} {:>8} {:>8} {:>8}\n", "scope", width, "metric", "base", "new", "change");
  }
  for (const auto& r : d.rows) {
    if (md) {
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", r.scope, r.metric, num(r.base), num(r.now), delta(r),
                         r.regression ? "**regression**" : "");
    } else {
      out += fmt::format("{:<{}}  {:<12} {:>8} {:>8} {:>8}{}\n", r.scope, width, r.metric, num(r.base), num(r.now),
                         delta(r), r.regression ? "  REGRESSION" : "");
    }
  }
  out += "\n";
  for (const auto& id : d.added) out += fmt::format("{}new scenario: {}\n", md ? "- " : "", id);
  for (const auto& id : d.removed) out += fmt::format("{}removed scenario: {}\n", md ? "- " : "", id);
  if (d.regressions.empty()) {
    out += fmt::format("{}no regression (--max-drop {:g})\n", md ? "**" : "", options.max_drop);
    if (md) out.insert(out.size() - 1, "**");
  } else {
    out += fmt::format("{}{} regression{}:{}\n", md ? "**" : "", d.regressions.size(), d.regressions.size() == 1 ? "" : "s",
                       md ? "**" : "");
    for (const auto& r : d.regressions) out += fmt::format("{}{}\n", md ? "- " : "  ", r);
  }
  return out;
}

}  // namespace spar::report
