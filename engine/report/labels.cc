#include "report/labels.h"

#include <filesystem>

#include <fmt/format.h>

#include "report/sqlite_db.h"

namespace spar::report {

namespace {

using detail::Db;
using detail::Stmt;

bool one_of(const std::string& v, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed) {
    if (v == a) return true;
  }
  return false;
}

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string column(sqlite3_stmt* s, int i) {
  const unsigned char* t = sqlite3_column_text(s, i);
  return t ? reinterpret_cast<const char*>(t) : "";
}

}  // namespace

std::string conversation_key(const record::Record& r) {
  if (r.persona && !r.persona->empty()) return fmt::format("{}@{}#{}", r.scenario, *r.persona, r.trial);
  return fmt::format("{}#{}", r.scenario, r.trial);
}

std::optional<std::string> label_problem(const Label& l) {
  if (l.reviewer.empty()) return "a label needs a reviewer";
  if (l.run_id.empty()) return "a label needs a run_id";
  if (l.conversation.empty()) return "a label needs a conversation";
  if (l.rationale.find_first_not_of(" \t\r\n") == std::string::npos) return "a label needs a rationale";
  const std::string& it = l.item;
  auto bad_value = [&](const char* allowed) {
    return fmt::format("item '{}' takes {}, not '{}'", it, allowed, l.label);
  };
  if (it == "conversation") {
    if (!one_of(l.label, {"pass", "fail"})) return bad_value("pass or fail");
  } else if (it.rfind("event:", 0) == 0 && all_digits(it.substr(6))) {
    if (!one_of(l.label, {"recovered", "not_recovered"})) return bad_value("recovered or not_recovered");
  } else if (it.rfind("checkpoint:", 0) == 0 && all_digits(it.substr(11))) {
    if (!one_of(l.label, {"0", "0.25", "0.5", "0.75", "1"})) return bad_value("0, 0.25, 0.5, 0.75 or 1");
  } else if (it.rfind("policy:", 0) == 0 && it.size() > 7) {
    if (!one_of(l.label, {"violated", "not_violated"})) return bad_value("violated or not_violated");
  } else {
    return fmt::format("unknown item '{}' (conversation, event:<i>, checkpoint:<turn>, policy:<rule>)", it);
  }
  return std::nullopt;
}

Status add_label(const std::string& db_path, const Label& l) { return add_labels(db_path, {l}); }

Status add_labels(const std::string& db_path, const std::vector<Label>& labels) {
  for (const auto& l : labels) {
    if (auto p = label_problem(l)) return make_error(ErrorKind::input, *p);
  }
  auto d = detail::open_db(db_path, true);
  if (!d.ok()) return d.error();
  sqlite3* db = (*d)->db;
  auto failed = [&](const char* what) {
    std::string message = fmt::format("{}: cannot {}: {}", db_path, what, sqlite3_errmsg(db));
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return make_error(ErrorKind::io, message);
  };
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return failed("store the labels");
  Stmt st;
  sqlite3_prepare_v2(db,
                     "INSERT OR REPLACE INTO labels (reviewer, run_id, conversation, item, label, rationale, time) "
                     "VALUES (?,?,?,?,?,?,?)",
                     -1, &st.s, nullptr);
  std::string now = detail::now_iso();
  for (const auto& l : labels) {
    const std::string& when = l.time.empty() ? now : l.time;
    const std::string* vals[] = {&l.reviewer, &l.run_id, &l.conversation, &l.item, &l.label, &l.rationale, &when};
    sqlite3_reset(st.s);
    for (int i = 0; i < 7; ++i) sqlite3_bind_text(st.s, i + 1, vals[i]->c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st.s) != SQLITE_DONE) return failed("store the label");
  }
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return failed("store the labels");
  return Ok{};
}

Result<std::vector<Label>> read_labels(const std::string& db_path, const std::string& run_id) {
  std::vector<Label> out;
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) return out;
  auto d = detail::open_db(db_path, false);
  if (!d.ok()) return d.error();
  sqlite3* db = (*d)->db;
  Stmt st;
  sqlite3_prepare_v2(db,
                     "SELECT reviewer, run_id, conversation, item, label, rationale, time FROM labels "
                     "WHERE ?1 = '' OR run_id = ?1 ORDER BY run_id, conversation, item, reviewer",
                     -1, &st.s, nullptr);
  sqlite3_bind_text(st.s, 1, run_id.c_str(), -1, SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
    out.push_back({column(st.s, 0), column(st.s, 1), column(st.s, 2), column(st.s, 3), column(st.s, 4),
                   column(st.s, 5), column(st.s, 6)});
  }
  if (rc != SQLITE_DONE) {
    return make_error(ErrorKind::io, fmt::format("{}: cannot read the labels: {}", db_path, sqlite3_errmsg(db)));
  }
  return out;
}

json label_to_json(const Label& l) {
  return {{"reviewer", l.reviewer}, {"run_id", l.run_id}, {"conversation", l.conversation}, {"item", l.item},
          {"label", l.label},       {"rationale", l.rationale}, {"time", l.time}};
}

Result<Label> label_from_json(const json& j) {
  if (!j.is_object()) return make_error(ErrorKind::input, "a label is a JSON object");
  Label l;
  std::pair<const char*, std::string*> fields[] = {{"reviewer", &l.reviewer}, {"run_id", &l.run_id},
                                                   {"conversation", &l.conversation}, {"item", &l.item},
                                                   {"label", &l.label}, {"rationale", &l.rationale},
                                                   {"time", &l.time}};
  for (auto& [name, dst] : fields) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) continue;
    if (!it->is_string()) return make_error(ErrorKind::input, fmt::format("label field '{}' must be a string", name));
    *dst = it->get<std::string>();
  }
  for (const auto& [k, v] : j.items()) {
    bool known = false;
    for (auto& [name, dst] : fields) known = known || k == name;
    if (!known) return make_error(ErrorKind::input, fmt::format("unknown label field '{}'", k));
  }
  if (auto p = label_problem(l)) return make_error(ErrorKind::input, *p);
  return l;
}

}  // namespace spar::report
