#include "report/sqlite_db.h"

#include <ctime>
#include <filesystem>

#include <fmt/format.h>

namespace spar::report::detail {

namespace {

const char* kSchema =
    "CREATE TABLE IF NOT EXISTS runs ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT, recorded_at TEXT NOT NULL, out_dir TEXT, agent TEXT,"
    "  seed INTEGER, trials INTEGER, conversations INTEGER, completed INTEGER, errors INTEGER,"
    "  summary TEXT NOT NULL, run_uid TEXT, agent_spec TEXT);"
    "CREATE TABLE IF NOT EXISTS metrics ("
    "  run_id INTEGER NOT NULL REFERENCES runs(id), scenario TEXT NOT NULL, metric TEXT NOT NULL, value REAL,"
    "  PRIMARY KEY (run_id, scenario, metric));"
    // One human label per reviewer and item; labelling an item again replaces it (labels.h).
    "CREATE TABLE IF NOT EXISTS labels ("
    "  reviewer TEXT NOT NULL, run_id TEXT NOT NULL, conversation TEXT NOT NULL, item TEXT NOT NULL,"
    "  label TEXT NOT NULL, rationale TEXT NOT NULL, time TEXT NOT NULL,"
    "  PRIMARY KEY (reviewer, run_id, conversation, item));";

// Columns added to `runs` after its first release, for databases an older spar created:
// run_uid is run.json's run_id, agent_spec the --agent as given.
const char* kAddedRunColumns[] = {"run_uid", "agent_spec"};

bool has_column(sqlite3* db, const char* table, const char* name) {
  Stmt st;
  sqlite3_prepare_v2(db, fmt::format("PRAGMA table_info({})", table).c_str(), -1, &st.s, nullptr);
  while (sqlite3_step(st.s) == SQLITE_ROW) {
    const unsigned char* col = sqlite3_column_text(st.s, 1);
    if (col && std::string(reinterpret_cast<const char*>(col)) == name) return true;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<Db>> open_db(const std::string& path, bool create) {
  if (create) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  auto d = std::make_unique<Db>();
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &d->db, flags, nullptr) != SQLITE_OK) {
    return make_error(ErrorKind::input, fmt::format("{}: cannot open the history database: {}", path,
                                                    d->db ? sqlite3_errmsg(d->db) : "out of memory"));
  }
  sqlite3_busy_timeout(d->db, 10000);
  char* err = nullptr;
  if (sqlite3_exec(d->db, kSchema, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "?";
    sqlite3_free(err);
    return make_error(ErrorKind::input, fmt::format("{}: {}", path, msg));
  }
  for (const char* col : kAddedRunColumns) {
    if (has_column(d->db, "runs", col)) continue;
    std::string alter = fmt::format("ALTER TABLE runs ADD COLUMN {} TEXT", col);
    if (sqlite3_exec(d->db, alter.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      return make_error(ErrorKind::input, fmt::format("{}: cannot add column {}: {}", path, col, sqlite3_errmsg(d->db)));
    }
  }
  return d;
}

std::string now_iso() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace spar::report::detail
