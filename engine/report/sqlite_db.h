// The history database's connection, statements and schema, shared by history.cc (runs and
// their metrics) and labels.cc (human review labels). Internal to report/: the only files in
// spar that touch SQLite include this header.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "base/result.h"

namespace spar::report::detail {

struct Db {
  sqlite3* db = nullptr;
  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() {
    if (db) sqlite3_close(db);
  }
};

struct Stmt {
  sqlite3_stmt* s = nullptr;
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() {
    if (s) sqlite3_finalize(s);
  }
};

// Opens (and with `create`, creates, with its parent folder) the database and applies the
// schema, which only adds what is missing. Errors: kind "input", naming the path.
Result<std::unique_ptr<Db>> open_db(const std::string& path, bool create);

// Now, UTC, as 2026-12-02T01:50:00Z.
std::string now_iso();

}  // namespace spar::report::detail
