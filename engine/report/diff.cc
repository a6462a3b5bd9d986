#include "report/diff.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include <fmt/format.h>

#include "base/json_util.h"
#include "report/results.h"
#include "score/cases.h"
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

namespace {

// Good outcomes out of a total, for Fisher's exact test.
struct Counts {
  double good = 0, total = 0;
};

double log_choose(double n, double k) { return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1); }

// One-sided Fisher's exact test: the chance, with the margins fixed, that NEW has as few good
// outcomes as it has or fewer.
double fisher_worse(const Counts& base, const Counts& now) {
  double total = base.total + now.total, good = base.good + now.good, p = 0;
  double lo = std::max(0.0, good - base.total);
  for (double x = lo; x <= now.good + 1e-9; x += 1) {
    p += std::exp(log_choose(now.total, x) + log_choose(base.total, good - x) - log_choose(total, good));
  }
  return std::min(1.0, p);
}

// The smallest p Fisher's test can give with these totals (BASE all good, NEW all bad).
double fisher_floor(const Counts& base, const Counts& now) {
  return std::exp(-log_choose(base.total + now.total, base.total));
}

// The counts behind a metric in one scope (overall when `whole`, else the case `id`), when it
// has any.
std::optional<Counts> counts(const json& summary, const std::string& key, const std::string& id, bool whole) {
  auto trials_of = [](const json& s) {
    return s.contains("trials") ? s.value("trials", 0.0) : s.value("n", 0.0);  // before trials existed: n
  };
  if (key.rfind("pass^", 0) == 0) {
    if (whole && key != "pass^1") return std::nullopt;
    if (id.starts_with("@")) {  // a persona: its passes out of its trials, for pass^1 only
      const json& p = member(member(summary, "per_persona"), id.substr(1));
      if (key != "pass^1" || p.value("trials", 0.0) == 0) return std::nullopt;
      return Counts{p.value("passes", 0.0), p.value("trials", 0.0)};
    }
    Counts c;
    for (const auto& [case_key, s] : member(summary, "per_scenario").items()) {
      if (!whole && case_key != id) continue;
      c.good += s.value("passes", 0.0);
      c.total += trials_of(s);
    }
    if (c.total == 0) return std::nullopt;
    return c;
  }
  if (!whole) return std::nullopt;
  if (key == "recovery") {
    // Events of one conversation are not independent (one agent, one context), so the rate is
    // tested as if each conversation were one observation: counts scaled to at most the
    // completed conversations, rounded.
    Counts c;
    for (const auto& [type, r] : member(summary, "recovery").items()) {
      c.good += r.value("recovered", 0.0);
      c.total += r.value("scored", 0.0);
    }
    if (c.total == 0) return std::nullopt;
    double n = std::min(c.total, summary.value("completed", c.total));
    if (n <= 0) return std::nullopt;
    return Counts{std::round(c.good / c.total * n), n};
  }
  if (key == "errors") {
    double n = summary.value("conversations", 0.0);
    return n > 0 ? std::optional<Counts>(Counts{n - summary.value("errors", 0.0), n}) : std::nullopt;
  }
  if (key == "violations") {
    double n = summary.value("completed", 0.0);
    double bad = member(summary, "policy").value("conversations_with_violations", 0.0);
    return n > 0 ? std::optional<Counts>(Counts{n - bad, n}) : std::nullopt;
  }
  return std::nullopt;
}

// One-sided paired sign-flip test over scenarios: the chance that flipping the sign of each
// scenario's change gives a total worsening at least as large as the observed one.
double sign_flip_worse(const std::vector<double>& worse) {
  double observed = 0;
  for (double d : worse) observed += d;
  const size_t n = worse.size();
  auto tally = [&](uint64_t mask) {
    double t = 0;
    for (size_t i = 0; i < n; ++i) t += (mask >> i & 1) ? -worse[i] : worse[i];
    return t >= observed - 1e-12;
  };
  if (n <= 16) {
    uint64_t hits = 0, all = uint64_t{1} << n;
    for (uint64_t m = 0; m < all; ++m) hits += tally(m);
    return static_cast<double>(hits) / static_cast<double>(all);
  }
  std::mt19937_64 rng(2000);  // fixed: the same runs give the same p everywhere
  const int draws = 20000;
  int hits = 0;
  for (int i = 0; i < draws; ++i) {
    double t = 0;
    for (size_t j = 0; j < n; ++j) t += (rng() & 1) ? -worse[j] : worse[j];
    hits += t >= observed - 1e-12;
  }
  return (hits + 1.0) / (draws + 1.0);
}

// (scenario, persona) of a per_scenario entry, when the summary says (spar from before cases
// did not: such an entry matches by its key alone).
std::optional<score::CaseId> case_of(const json& entry) {
  if (!member(entry, "scenario").is_string()) return std::nullopt;
  return score::case_id(entry);  // an entry holds "scenario" and "persona" as a record does
}

}  // namespace

CaseMatch match_cases(const json& base, const json& now) {
  CaseMatch m;
  const json& b = member(base, "per_scenario");
  const json& n = member(now, "per_scenario");
  std::map<score::CaseId, std::string> base_by_id;
  for (const auto& [id, s] : b.items()) {
    if (auto c = case_of(s)) base_by_id[*c] = id;
  }
  std::set<std::string> taken;
  std::vector<std::string> unmatched;
  for (const auto& [id, s] : n.items()) {
    auto c = case_of(s);
    auto it = c ? base_by_id.find(*c) : base_by_id.end();
    if (it != base_by_id.end()) {
      m.shared.emplace_back(it->second, id);
      taken.insert(it->second);
    } else {
      unmatched.push_back(id);
    }
  }
  // An entry without (scenario, persona) on either side matches the same key on the other.
  for (const auto& id : unmatched) {
    bool same_key = b.contains(id) && !taken.count(id) && (!case_of(b[id]) || !case_of(n[id]));
    if (same_key) {
      m.shared.emplace_back(id, id);
      taken.insert(id);
    } else {
      m.added.push_back(id);
    }
  }
  for (const auto& [id, s] : b.items()) {
    if (!taken.count(id)) m.removed.push_back(id);
  }
  std::sort(m.shared.begin(), m.shared.end(), [](const auto& x, const auto& y) { return x.second < y.second; });
  std::sort(m.added.begin(), m.added.end());
  return m;
}

Result<Diff> diff_summaries(const json& base, const json& now, const DiffOptions& options) {
  Diff d;
  // The largest k both runs report overall (k_max; a summary from before it: k).
  int k = std::min(base.value("k_max", base.value("k", 0)), now.value("k_max", now.value("k", 0)));
  std::vector<std::string> overall = {"pass^1"};
  if (k > 1) overall.push_back(fmt::format("pass^{}", k));
  std::vector<int> cps;
  for (const auto& [key, v] : member(now, "checkpoints").items()) cps.push_back(std::atoi(key.c_str()));
  std::sort(cps.begin(), cps.end());
  for (int c : cps) overall.push_back(fmt::format("quality@{}", c));
  for (const char* m : {"recovery", "violations", "errors"}) overall.push_back(m);

  // The cases both runs played, matched by (scenario, persona): BASE's key, NEW's key.
  const CaseMatch match = match_cases(base, now);
  d.added = match.added;
  d.removed = match.removed;
  for (const auto& [b, n] : match.shared) {
    if (b != n) d.matched.push_back(fmt::format("{} -> {}", b, n));
  }
  // scope: the row's name; in_base, in_now: the case's key in each ("" overall).
  auto compare = [&](const std::string& scope, const std::string& in_base, const std::string& in_now,
                     const std::string& key) {
    const bool whole = scope == "overall";
    auto b = score::metric(base, key, in_base);
    auto n = score::metric(now, key, in_now);
    DiffRow row{scope, key, b.ok() ? *b : std::nullopt, n.ok() ? *n : std::nullopt};
    if (row.base && row.now) {
      const bool higher = score::higher_is_better(key);
      double worse = higher ? *row.base - *row.now : *row.now - *row.base;
      // The noise test that fits the metric (diff.h).
      auto cb = counts(base, key, in_base, whole), cn = counts(now, key, in_now, whole);
      if (cb && cn) {
        row.test = "fisher";
        row.p = fisher_worse(*cb, *cn);
        row.can_tell = fisher_floor(*cb, *cn) <= kNoiseAlpha + 1e-9;
      } else if (whole) {
        row.test = "sign-flip";
        std::vector<double> per;
        for (const auto& [id_base, id_now] : match.shared) {
          auto x = score::metric(base, key, id_base), y = score::metric(now, key, id_now);
          if (x.ok() && y.ok() && *x && *y) per.push_back(higher ? **x - **y : **y - **x);
        }
        row.p = per.empty() ? 1.0 : sign_flip_worse(per);
        row.can_tell = per.size() >= 5;  // 2^-5 < 0.05: fewer scenarios can never tell
      } else {
        row.test = "intervals";
        auto lo = higher ? score::metric(base, key + ".lo", in_base) : score::metric(now, key + ".lo", in_now);
        auto hi = higher ? score::metric(now, key + ".hi", in_now) : score::metric(base, key + ".hi", in_base);
        // A bootstrap interval of a handful of trials is only their spread: at least
        // kMinIntervalTrials conversations a side.
        auto n_of = [&](const json& summary, const std::string& id) {
          return member(member(member(member(member(summary, "per_scenario"), id), "checkpoints"),
                               key.substr(key.find('@') + 1)), key.substr(0, key.find('@'))).value("n", 0);
        };
        auto nb = n_of(base, in_base), nn = n_of(now, in_now);
        row.can_tell = lo.ok() && hi.ok() && *lo && *hi && nb >= kMinIntervalTrials && nn >= kMinIntervalTrials;
        row.p = row.can_tell && **hi < **lo ? 0.0 : 1.0;  // intervals apart, or not
      }
      if (worse > options.max_drop + 1e-9) {
        if (!row.can_tell) {
          row.note = "k too small to tell";
          d.untold.push_back(fmt::format("{} {}: {:.3f} -> {:.3f} (worse by {:.3f}, but {} cannot tell with so few {})",
                                         scope, key, *row.base, *row.now, worse, row.test,
                                         row.test == "sign-flip" ? "scenarios" : "trials"));
        } else if (*row.p <= kNoiseAlpha + 1e-9) {
          row.regression = true;
          d.regressions.push_back(fmt::format("{} {}: {:.3f} -> {:.3f} (worse by {:.3f}, more than --max-drop {:g}; {})",
                                              scope, key, *row.base, *row.now, worse, options.max_drop,
                                              row.test == "intervals" ? std::string("95% intervals apart")
                                                                      : fmt::format("{} p = {:.3g}", row.test, *row.p)));
        } else {
          row.note = "within noise";
        }
      }
    }
    d.rows.push_back(row);
  };
  for (const auto& m : overall) compare("overall", "", "", m);

  std::string last_quality = cps.empty() ? "" : fmt::format("quality@{}", cps.back());
  for (const auto& [id_base, id_now] : match.shared) {
    compare(id_now, id_base, id_now, "pass^1");
    if (k > 1) compare(id_now, id_base, id_now, fmt::format("pass^{}", k));
    if (!last_quality.empty()) compare(id_now, id_base, id_now, last_quality);
  }
  // Each persona both runs report per persona: its pass^1 (Fisher on its passes out of trials).
  for (const auto& [name, p] : member(now, "per_persona").items()) {
    if (member(base, "per_persona").contains(name)) compare("@" + name, "@" + name, "@" + name, "pass^1");
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
  auto test = [&](const DiffRow& r) {
    if (r.test.empty() || !r.base || !r.now) return std::string();
    if (r.test == "intervals") return std::string(r.p && *r.p == 0 ? "intervals apart" : "intervals overlap");
    return fmt::format("{} p={:.3g}", r.test, r.p.value_or(1.0));
  };
  auto flag = [&](const DiffRow& r) {
    if (r.regression) return std::string(md ? "**regression**" : "REGRESSION");
    return r.note;
  };
  size_t test_width = 4;
  for (const auto& r : d.rows) test_width = std::max(test_width, test(r).size());
  if (md) {
    out += "| scope | metric | base | new | change | noise test | |\n|---|---|---:|---:|---:|---|---|\n";
  } else {
    out += fmt::format("{:<{}}  {:<12} {:>8} {:>8} {:>8}  {:<{}}\n", "scope", width, "metric", "base", "new", "change",
                       "noise test", test_width);
  }
  for (const auto& r : d.rows) {
    if (md) {
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", r.scope, r.metric, num(r.base), num(r.now), delta(r),
                         test(r), flag(r));
    } else {
      std::string f = flag(r);
      out += fmt::format("{:<{}}  {:<12} {:>8} {:>8} {:>8}  {:<{}}{}", r.scope, width, r.metric, num(r.base), num(r.now),
                         delta(r), test(r), test_width, f.empty() ? "" : "  " + f);
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out += "\n";
    }
  }
  out += "\n";
  for (const auto& pair : d.matched) out += fmt::format("{}same scenario and persona: {}\n", md ? "- " : "", pair);
  for (const auto& id : d.added) out += fmt::format("{}new case: {}\n", md ? "- " : "", id);
  for (const auto& id : d.removed) out += fmt::format("{}removed case: {}\n", md ? "- " : "", id);
  if (!d.untold.empty()) {
    out += fmt::format("{}{} change{} too small to tell from run-to-run noise (k too small to tell):\n", md ? "" : "",
                       d.untold.size(), d.untold.size() == 1 ? "" : "s");
    for (const auto& r : d.untold) out += fmt::format("{}{}\n", md ? "- " : "  ", r);
  }
  if (d.regressions.empty()) {
    out += fmt::format("{}no regression (--max-drop {:g}, noise tests at p <= {:g})\n", md ? "**" : "", options.max_drop,
                       kNoiseAlpha);
    if (md) out.insert(out.size() - 1, "**");
  } else {
    out += fmt::format("{}{} regression{}:{}\n", md ? "**" : "", d.regressions.size(), d.regressions.size() == 1 ? "" : "s",
                       md ? "**" : "");
    for (const auto& r : d.regressions) out += fmt::format("{}{}\n", md ? "- " : "  ", r);
  }
  return out;
}

}  // namespace spar::report
