#include "report/history.h"

#include "base/plural.h"
#include "report/sqlite_db.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "base/json_util.h"
#include "base/near.h"
#include "score/metrics.h"

namespace spar::report {

namespace {

using detail::Db;
using detail::now_iso;
using detail::open_db;
using detail::Stmt;

// The metrics kept for one scope of a summary.
enum class Scope { overall, of_case, persona };
std::vector<std::string> metric_keys(const json& scope, Scope kind) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : member(scope, "pass_hat_k").items()) keys.push_back("pass^" + k);
  for (const auto& [k, v] : member(scope, "pass_at_k").items()) keys.push_back("pass@" + k);
  if (kind == Scope::persona) {
    keys.insert(keys.end(), {"recovery", "violations", "errors"});
    return keys;
  }
  const bool overall = kind == Scope::overall;
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
                     "summary, run_uid, agent_spec) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
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
  std::string run_uid = run_info.is_object() ? run_info.value("run_id", "") : "";
  const json& args = member(run_info, "args");
  std::string spec = args.is_object() && args.value("agent", json()).is_string() ? args["agent"].get<std::string>() : "";
  sqlite3_bind_text(run.s, 10, run_uid.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(run.s, 11, spec.c_str(), -1, SQLITE_TRANSIENT);
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
  // Scopes as gates name them (score/metrics.h): "", each case key, "@persona".
  for (const auto& key : metric_keys(summary, Scope::overall)) put("", key);
  for (const auto& [id, s] : member(summary, "per_scenario").items()) {
    for (const auto& key : metric_keys(s, Scope::of_case)) put(id, key);
  }
  for (const auto& [name, p] : member(summary, "per_persona").items()) {
    for (const auto& key : metric_keys(p, Scope::persona)) put("@" + name, key);
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

  auto text = [](sqlite3_stmt* st, int c) {
    auto p = sqlite3_column_text(st, c);
    return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
  };

  // A scenario no run recorded is a mistake (a misspelt name), not a table of dashes.
  if (!q.scenario.empty()) {
    Stmt known;
    sqlite3_prepare_v2(db, "SELECT DISTINCT scenario FROM metrics WHERE scenario != '' ORDER BY scenario", -1,
                       &known.s, nullptr);
    std::vector<std::string> names;
    while (sqlite3_step(known.s) == SQLITE_ROW) names.push_back(text(known.s, 0));
    if (std::find(names.begin(), names.end(), q.scenario) == names.end()) {
      // A scenario played by several personas was recorded as one case each.
      std::vector<std::string> cases;
      for (const auto& n : names) {
        if (n.starts_with(q.scenario + "@")) cases.push_back(n);
      }
      std::vector<std::string> near = cases.empty() ? near_names(q.scenario, names) : cases;
      const auto& shown = near.empty() ? names : near;
      std::string list;
      for (size_t i = 0; i < shown.size() && i < 8; ++i) list += (i ? ", " : "") + shown[i];
      if (shown.size() > 8) list += fmt::format(", ... ({} in all)", shown.size());
      return make_error(ErrorKind::input,
                        fmt::format("{}: no run recorded scenario '{}'{}{}", db_path, q.scenario,
                                    near.empty()     ? (names.empty() ? "" : "; recorded: ")
                                    : cases.empty() ? "; did you mean: "
                                                    : "; it was played by several personas, recorded as: ",
                                    list));
    }
  }

  // The most recent runs, oldest first.
  struct Row {
    int64_t id;
    std::string when, agent, out_dir, run_uid;
    int conversations, errors;
    std::map<std::string, double> values;
  };
  std::vector<Row> rows;
  Stmt runs;
  sqlite3_prepare_v2(db,
                     "SELECT id, recorded_at, COALESCE(NULLIF(agent_spec, ''), agent), out_dir, run_uid, conversations, "
                     "errors FROM (SELECT * FROM runs ORDER BY id DESC LIMIT ?) ORDER BY id",
                     -1, &runs.s, nullptr);
  sqlite3_bind_int(runs.s, 1, q.last);
  while (sqlite3_step(runs.s) == SQLITE_ROW) {
    rows.push_back({sqlite3_column_int64(runs.s, 0), text(runs.s, 1), text(runs.s, 2), text(runs.s, 3),
                    text(runs.s, 4), sqlite3_column_int(runs.s, 5), sqlite3_column_int(runs.s, 6), {}});
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
  for (const auto& m : q.metrics) {
    if (!seen.count(m)) {
      return make_error(ErrorKind::input, fmt::format("{}: none of the last {} recorded {}{}", db_path,
                                                      count_of(rows.size(), "run"), m,
                                                      q.scenario.empty() ? "" : " for " + q.scenario));
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
                                fmt::format(" — last {} in {}", count_of(rows.size(), "run"), db_path));
  // Which agent and folder each run used, and its run id (run.json), so a row leads back to its
  // run; the variable-width columns go last.
  size_t agent_w = 5;
  for (const auto& r : rows) agent_w = std::max(agent_w, std::min<size_t>(r.agent.size(), 40));
  std::string header = fmt::format("{:>4}  {:<20}  {:<16}  {:>5}  {:>4}", "run", "recorded", "run id", "conv", "err");
  for (const auto& c : cols) header += fmt::format("  {:>11}", c);
  header += fmt::format("  {:<{}}  {}", "agent", agent_w, "folder");
  out += header + "\n";
  for (const auto& r : rows) {
    std::string line = fmt::format("{:>4}  {:<20}  {:<16}  {:>5}  {:>4}", r.id, r.when, r.run_uid.empty() ? "-" : r.run_uid,
                                   r.conversations, r.errors);
    for (const auto& c : cols) {
      auto it = r.values.find(c);
      line += it == r.values.end() ? fmt::format("  {:>11}", "-") : fmt::format("  {:>11.3f}", it->second);
    }
    std::string agent = r.agent.size() > 40 ? r.agent.substr(0, 39) + "~" : r.agent;
    line += fmt::format("  {:<{}}  {}", agent.empty() ? "-" : agent, agent_w, r.out_dir.empty() ? "-" : r.out_dir);
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
