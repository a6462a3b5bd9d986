#include "report/results.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "base/json_depth.h"
#include "base/jsonl.h"
#include "record/record.h"

namespace spar::report {

std::string to_line(const json& record) { return jsonl::to_line(record); }

Result<std::unique_ptr<ResultsWriter>> ResultsWriter::open(const std::string& path, bool truncate) {
  auto out = jsonl::Appender::open(path, truncate ? jsonl::Appender::Mode::truncate : jsonl::Appender::Mode::append);
  if (!out.ok()) return out.error();
  return std::unique_ptr<ResultsWriter>(new ResultsWriter(std::move(out).value()));
}

ResultsWriter::~ResultsWriter() = default;

Status ResultsWriter::append(const json& record) { return out_->append(record); }

namespace {
// The record fields that readers take for granted, when present and not null, must have their
// type: a hand-edited "status": 2 is an input error, not an abort in `spar report`.
const char* wrong_type(const json& r) {
  struct Field {
    const char* name;
    bool (json::*is)() const noexcept;
    const char* message;
  };
  static const Field fields[] = {
      {"trial", &json::is_number_integer, "\"trial\" is not an integer"},
      {"status", &json::is_string, "\"status\" is not a string"},
      {"pass", &json::is_boolean, "\"pass\" is not true or false"},
      {"persona", &json::is_string, "\"persona\" is not a string"},
      {"turns", &json::is_number, "\"turns\" is not a number"},
      {"usage", &json::is_object, "\"usage\" is not an object"},
      {"error", &json::is_object, "\"error\" is not an object"},
      {"checkpoints", &json::is_object, "\"checkpoints\" is not an object"},
      {"events", &json::is_array, "\"events\" is not an array"},
      {"violations", &json::is_array, "\"violations\" is not an array"},
      {"ended", &json::is_string, "\"ended\" is not a string"},
      {"score", &json::is_object, "\"score\" is not an object"},
      {"transcript", &json::is_array, "\"transcript\" is not an array"},
      {"probes", &json::is_array, "\"probes\" is not an array"},
  };
  for (const Field& f : fields) {
    auto it = r.find(f.name);
    if (it != r.end() && !it->is_null() && !((*it).*f.is)()) return f.message;
  }
  return nullptr;
}
}  // namespace

namespace {
const jsonl::ReadOptions kResultsRead{jsonl::OnBad::error, "malformed record: "};

// Each line as a record of `out`, checked (a bad one is an error naming its line).
jsonl::Visit collect(ReadResults& out, bool drop_transcripts) {
  return [&out, drop_transcripts](json&& record, size_t offset, int line) -> Status {
    if (!record.contains("scenario") || !record["scenario"].is_string()) {
      return make_error(ErrorKind::input, "missing \"scenario\"");
    }
    if (const char* why = wrong_type(record)) return make_error(ErrorKind::input, why);
    // Records an older spar wrote are read in today's layout (verdicts under "score").
    record = record::upgrade_v0(std::move(record));
    if (record.contains("score") && !record["score"].is_null() && !record["score"].value("pass", json()).is_boolean()) {
      return make_error(ErrorKind::input, "\"score.pass\" is not true or false");
    }
    if (drop_transcripts) record.erase("transcript");
    out.records.push_back(std::move(record));
    out.offsets.push_back(offset);
    out.lines.push_back(line);
    return Ok{};
  };
}

Result<ReadResults> finish(ReadResults out, const Result<jsonl::Scan>& scan) {
  if (!scan.ok()) return scan.error();
  out.dropped_torn_line = scan->dropped_torn_line;
  out.intact_bytes = scan->intact_bytes;
  return out;
}
}  // namespace

Result<ReadResults> parse_results(std::string_view content, const std::string& name, bool drop_transcripts) {
  ReadResults out;
  auto scan = jsonl::scan(content, name, kResultsRead, collect(out, drop_transcripts));
  return finish(std::move(out), scan);
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::input, fmt::format("{}: cannot read results", path));
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

json read_json_file(const std::string& path) {
  auto text = read_text(path);
  return text.ok() ? parse_json_bounded(*text) : json();
}

Result<ReadResults> read_results(const std::string& path, bool drop_transcripts) {
  auto content = read_text(path);
  if (!content.ok()) return content.error();
  return parse_results(*content, path, drop_transcripts);
}

Result<ReadResults> repair_results(const std::string& path) {
  if (auto content = read_text(path); !content.ok()) return content.error();  // a missing file is an error here
  ReadResults out;
  auto scan = jsonl::repair(path, kResultsRead, collect(out, false));
  return finish(std::move(out), scan);
}

Status rewrite_results(const std::string& path, const std::vector<json>& records) {
  std::string tmp = path + ".tmp";
  {
    auto w = ResultsWriter::open(tmp, true);
    if (!w.ok()) return w.error();
    for (const auto& r : records) {
      auto st = (*w)->append(r);
      if (!st.ok()) return st;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return make_error(ErrorKind::io, fmt::format("{}: cannot rewrite: {}", path, ec.message()));
  return Ok{};
}

}  // namespace spar::report
