// results.jsonl: one JSON record per finished conversation, appended and flushed as each
// finishes, so a partial run never loses finished results.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/jsonl.h"
#include "base/result.h"

namespace spar::report {

using json = nlohmann::json;

// Appends records to a results file. Thread-safe: append() may be called from any thread.
class ResultsWriter {
 public:
  // truncate=true starts a fresh file; false appends (resume).
  static Result<std::unique_ptr<ResultsWriter>> open(const std::string& path, bool truncate);
  ~ResultsWriter();
  // Writes one line with write(2) (no user-space buffer) before returning. The first failed
  // write ("path: No space left on device", kind "io") is final: every later append returns
  // it and writes nothing, so a full disk leaves at most one torn last line, which resume cuts.
  Status append(const json& record);

 private:
  explicit ResultsWriter(std::unique_ptr<jsonl::Appender> out) : out_(std::move(out)) {}
  std::unique_ptr<jsonl::Appender> out_;
};

struct ReadResults {
  std::vector<json> records;
  std::vector<size_t> offsets;     // where each record's line starts in the content
  std::vector<int> lines;          // each record's line number (1-based)
  bool dropped_torn_line = false;  // a last line without a newline that did not parse
  size_t intact_bytes = 0;         // where the intact records end (a torn tail starts here)
};

// Parses results.jsonl content; `name` is the path used in messages. A torn last line (a crash
// mid-write) is dropped and reported; any other malformed line is an input error
// "path:line: malformed record: ...". Records without schema_version (an older spar's) are
// upgraded to today's layout (record::upgrade_v0). With `drop_transcripts`, each record's "transcript" is
// erased as it is read: transcripts are most of a record's memory, and summaries, JUnit and
// diffs do not read them. Pure.
Result<ReadResults> parse_results(std::string_view content, const std::string& name,
                                  bool drop_transcripts = false);

// Reads and parses a results file.
Result<ReadResults> read_results(const std::string& path, bool drop_transcripts = false);

// A whole file's bytes ("input" error naming the path if it cannot be read).
Result<std::string> read_text(const std::string& path);

// A JSON file spar wrote (run.json, summary.json): null when it cannot be read, a discarded
// value when it is not JSON or nests deeper than base/json_depth.h allows.
json read_json_file(const std::string& path);

// Prepares a results file for appending after a crash: reads it, cuts a torn last line off,
// and ends the file with a newline. Returns the intact records.
Result<ReadResults> repair_results(const std::string& path);

// Rewrites a results file (atomically) with exactly these records.
Status rewrite_results(const std::string& path, const std::vector<json>& records);

// One serialised line (no trailing newline); invalid UTF-8 is replaced, never fatal.
std::string to_line(const json& record);

}  // namespace spar::report
