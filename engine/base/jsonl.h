// JSON Lines files: results.jsonl, agent cassettes and the judge cache. One appender and one
// reader, so every such file survives a crash the same way.
//
// Writing: each line goes out with write(2) on an O_APPEND descriptor (no user-space buffer),
// before append() returns. The first failed write ("path: No space left on device", kind "io")
// is final: every later append returns it and writes nothing, so a full disk or a crash leaves
// at most one torn last line.
//
// Reading: a last line without a newline that does not parse is a torn write: it is dropped and
// reported (Scan::dropped_torn_line), and repair() cuts it off the file before appending. Any
// other bad line (not a JSON object, nested deeper than kMaxJsonDepth, or refused by the
// caller's visitor) is, per file kind:
//   OnBad::error  an "input" error "path:line: <prefix><why>" (results, cassettes: a record
//                 must never be silently lost or replayed wrongly);
//   OnBad::skip   a warning "path:line: skipped: <why>" on the log, and reading goes on (the
//                 judge cache: a lost entry costs one judge call again, never the run).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace spar::jsonl {

using json = nlohmann::json;

// One serialised line (no trailing newline); invalid UTF-8 is replaced, never fatal.
std::string to_line(const json& value);
std::string to_line(const nlohmann::ordered_json& value);

// Appends lines to a file. Thread-safe: append() may be called from any thread.
class Appender {
 public:
  enum class Mode { truncate, append };
  // Opens (creating) the file; an "input" error "path: cannot open for writing: ..." otherwise.
  static Result<std::unique_ptr<Appender>> open(const std::string& path, Mode mode);
  ~Appender();
  Appender(const Appender&) = delete;
  Appender& operator=(const Appender&) = delete;
  // Writes `line` (no newline in it) and a newline with write(2) before returning (see above).
  Status append_line(std::string_view line);
  Status append(const json& value) { return append_line(to_line(value)); }
  const std::string& path() const { return path_; }

 private:
  Appender(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  std::mutex mu_;
  int fd_;
  std::string path_;
  Status failed_ = Ok{};
};

enum class OnBad { error, skip };

struct ReadOptions {
  OnBad on_bad = OnBad::error;
  std::string prefix;  // before the reason in an error: "malformed record: "
};

struct Scan {
  bool dropped_torn_line = false;  // a last line without a newline that did not parse
  size_t intact_bytes = 0;         // where the intact lines end (a torn tail starts here)
  int skipped = 0;                 // bad lines skipped (OnBad::skip)
};

// Called for each intact JSON object with where its line starts and its number (1-based). An
// error it returns (its message is the reason) is handled as a bad line.
using Visit = std::function<Status(json&& value, size_t offset, int line)>;

// Reads JSONL content; `name` is the path used in messages. Pure apart from the log (skip).
Result<Scan> scan(std::string_view content, const std::string& name, const ReadOptions& options, const Visit& visit);

// A whole file's bytes; "input" error "path: cannot read" otherwise.
Result<std::string> read_file(const std::string& path);

// Prepares a file for appending after a crash: scans it, cuts a torn last line off and ends the
// file with a newline. A missing file is an empty one.
Result<Scan> repair(const std::string& path, const ReadOptions& options, const Visit& visit);

}  // namespace spar::jsonl
