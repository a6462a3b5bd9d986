#include "report/history.h"

#include "report/sqlite_db.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "base/json_util.h"
#include "score/metrics.h"

namespace spar::report {

namespace {

using detail::Db;
using detail::now_iso;
using detail::open_db;
using detail::Stmt;

// The metrics kept for one scope of a summary.
std::vector<std::string> metric_keys(const json& scope, bool overall) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : member(scope, "pass_hat_k").items()) keys.push_back("pass^" + k);
  for (const auto& [k, v] : member(scope, "pass_at_k").items()) keys.push_back("pass@" + k);
  for (const auto& [t, w] : member(scope, "checkpoints").items()) {
    for (const char* d : {"quality", "policy", "recovery", "retention", "progress", "judge"}) {
      keys.push_back(std::string(d) + "@" + t);
    }
  }
  keys.insert(keys.end(), {"aptitude", "unreliability", "errors"});
  if (overall) keys.insert(keys.end(), {"recovery", "violations", "cost", "latency.p50", "latency.p95"});
  return keys;
}


}  // namespace

Status record_history(const std::string& db_path, const std::string& out_dir, const json& run_info,
                      const json& summary) {
  auto d = open_db(db_path, true);
  if (!d.ok()) return d.error();
  sqlite3* db = (*d)->db;
  sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  Stmt run;
  sqlite3_prepare_v2(db,
                     "INSERT INTO runs (recorded_at, out_dir, agent, seed, trials, conversations, completed, errors, "
                     "summary) VALUES (?,?,?,?,?,?,?,?,?)",
                     -1, &run.s, nullptr);
  std::string when = now_iso(), agent = run_info.is_object() ? run_info.value("agent", "") : "";
  std::string text = summary.dump(-1, ' ', false, json::error_handler_t::replace);
  sqlite3_bind_text(run.s, 1, when.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(run.s, 2, out_dir.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(run.s, 3, agent.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(run.s, 4, run_info.is_object() ? run_info.value("seed", int64_t{0}) : 0);
  sqlite3_bind_int(run.s, 5, run_info.is_object() ? run_info.value("trials", 0) : summary.value("k", 0));
  sqlite3_bind_int(run.s, 6, summary.value("conversations", 0));
  sqlite3_bind_int(run.s, 7, summary.value("completed", 0));
  sqlite3_bind_int(run.s, 8, summary.value("errors", 0));
  sqlite3_bind_text(run.s, 9, text.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(run.s) != SQLITE_DONE) {
    std::string msg = sqlite3_errmsg(db);
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return make_error(ErrorKind::io, fmt::format("{}: cannot record the run: {}", db_path, msg));
  }
  sqlite3_int64 run_id = sqlite3_last_insert_rowid(db);

  Stmt m;
  sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO metrics (run_id, scenario, metric, value) VALUES (?,?,?,?)", -1, &m.s,
                     nullptr);
  auto put = [&](const std::string& scenario, const std::string& key) {
    auto v = score::metric(summary, key, scenario);
    if (!v.ok() || !*v) return;
    sqlite3_reset(m.s);
    sqlite3_bind_int64(m.s, 1, run_id);
    sqlite3_bind_text(m.s, 2, scenario.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(m.s, 3, key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(m.s, 4, **v);
    sqlite3_step(m.s);
  };
  for (const auto& key : metric_keys(summary, true)) put("", key);
  for (const auto& [id, s] : member(summary, "per_scenario").items()) {
    for (const auto& key : metric_keys(s, false)) put(id, key);
  }
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return make_error(ErrorKind::io, fmt::format("{}: cannot record the run: {}", db_path, sqlite3_errmsg(db)));
  }
  return Ok{};
}

Result<std::string> history_table(const std::string& db_path, const HistoryQuery& q) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(db_path, ec)) {
    return make_error(ErrorKind::input, fmt::format("{}: no run history yet (spar run records each run there)", db_path));
  }
  auto d = open_db(db_path, false);
  if (!d.ok()) return d.error();
  sqlite3* db = (*d)->db;

  // The most recent runs, oldest first.
  struct Row {
    int64_t id;
    std::string when, agent;
    int conversations, errors;
    std::map<std::string, double> values;
  };
  std::vector<Row> rows;
  Stmt runs;
  sqlite3_prepare_v2(db,
                     "SELECT id, recorded_at, agent, conversations, errors FROM "
                     "(SELECT * FROM runs ORDER BY id DESC LIMIT ?) ORDER BY id",
                     -1, &runs.s, nullptr);
  sqlite3_bind_int(runs.s, 1, q.last);
  while (sqlite3_step(runs.s) == SQLITE_ROW) {
    auto text = [&](int c) {
      auto p = sqlite3_column_text(runs.s, c);
      return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
    };
    rows.push_back({sqlite3_column_int64(runs.s, 0), text(1), text(2), sqlite3_column_int(runs.s, 3),
                    sqlite3_column_int(runs.s, 4), {}});
  }
  if (rows.empty()) return make_error(ErrorKind::input, fmt::format("{}: no runs recorded", db_path));

  Stmt vals;
  sqlite3_prepare_v2(db, "SELECT metric, value FROM metrics WHERE run_id = ? AND scenario = ?", -1, &vals.s, nullptr);
  std::map<std::string, int> seen;  // metric -> runs that have it
  for (auto& r : rows) {
    sqlite3_reset(vals.s);
    sqlite3_bind_int64(vals.s, 1, r.id);
    sqlite3_bind_text(vals.s, 2, q.scenario.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(vals.s) == SQLITE_ROW) {
      std::string key = reinterpret_cast<const char*>(sqlite3_column_text(vals.s, 0));
      r.values[key] = sqlite3_column_double(vals.s, 1);
      ++seen[key];
    }
  }

  std::vector<std::string> cols = q.metrics;
  if (cols.empty()) {
    int kmax = 0, last_cp = 0;
    for (const auto& [key, n] : seen) {
      if (key.rfind("pass^", 0) == 0) kmax = std::max(kmax, std::atoi(key.c_str() + 5));
      if (key.rfind("quality@", 0) == 0) last_cp = std::max(last_cp, std::atoi(key.c_str() + 8));
    }
    cols.push_back("pass^1");
    if (kmax > 1) cols.push_back(fmt::format("pass^{}", kmax));
    if (last_cp) cols.push_back(fmt::format("quality@{}", last_cp));
    if (q.scenario.empty()) cols.insert(cols.end(), {"recovery", "violations"});
  }

  std::string out = fmt::format("{}{}\n", q.scenario.empty() ? "overall" : q.scenario,
                                fmt::format(" — last {} runs in {}", rows.size(), db_path));
  std::string header = fmt::format("{:>4}  {:<20}  {:>5}  {:>4}", "run", "recorded", "conv", "err");
  for (const auto& c : cols) header += fmt::format("  {:>11}", c);
  out += header + "\n";
  for (const auto& r : rows) {
    std::string line = fmt::format("{:>4}  {:<20}  {:>5}  {:>4}", r.id, r.when, r.conversations, r.errors);
    for (const auto& c : cols) {
      auto it = r.values.find(c);
      line += it == r.values.end() ? fmt::format("  {:>11}", "-") : fmt::format("  {:>11.3f}", it->second);
    }
    out += line + "\n";
  }
  // The trend: the last run against the first shown.
  std::string trend = "trend";
  for (const auto& c : cols) {
    auto a = rows.front().values.find(c), b = rows.back().values.find(c);
    if (a == rows.front().values.end() || b == rows.back().values.end()) continue;
    double delta = b->second - a->second;
    bool better = score::higher_is_better(c) ? delta > 1e-9 : delta < -1e-9;
    bool worse = score::higher_is_better(c) ? delta < -1e-9 : delta > 1e-9;
    trend += fmt::format("  {} {:+.3f}{}", c, delta, better ? " (better)" : worse ? " (worse)" : "");
  }
  out += trend + "\n";
  return out;
}

}  // namespace spar::report
