#include "report/results.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "base/json_depth.h"
#include "record/record.h"

namespace spar::report {

std::string to_line(const json& record) { return record.dump(-1, ' ', false, json::error_handler_t::replace); }

Result<std::unique_ptr<ResultsWriter>> ResultsWriter::open(const std::string& path, bool truncate) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
  if (fd < 0) return make_error("input", fmt::format("{}: cannot open for writing: {}", path, std::strerror(errno)));
  return std::unique_ptr<ResultsWriter>(new ResultsWriter(fd, path));
}

ResultsWriter::~ResultsWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status ResultsWriter::append(const json& record) {
  std::string line = to_line(record);
  line += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  if (!failed_.ok()) return failed_;
  std::string_view left = line;
  while (!left.empty()) {
    ssize_t n = ::write(fd_, left.data(), left.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = make_error("io", fmt::format("{}: {}", path_, n < 0 ? std::strerror(errno) : "write failed"));
      return failed_;
    }
    left.remove_prefix(static_cast<size_t>(n));
  }
  return Ok{};
}

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

Result<ReadResults> parse_results(std::string_view content, const std::string& name, bool drop_transcripts) {
  ReadResults out;
  size_t pos = 0;
  int line_no = 0;
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    bool last_unterminated = nl == std::string_view::npos;
    std::string_view line = content.substr(pos, last_unterminated ? std::string_view::npos : nl - pos);
    size_t next = last_unterminated ? content.size() : nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      pos = next;
      if (!last_unterminated) out.intact_bytes = pos;
      continue;
    }
    if (json_nests_deeper_than(line)) {
      // Never built into a tree: copying or printing it would recurse past the stack.
      return make_error("input", fmt::format("{}:{}: malformed record: nested deeper than {} levels", name, line_no,
                                             kMaxJsonDepth));
    }
    json record = json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object()) {
      if (last_unterminated) {
        out.dropped_torn_line = true;
        break;
      }
      return make_error("input", fmt::format("{}:{}: malformed record: not a JSON object", name, line_no));
    }
    if (!record.contains("scenario") || !record["scenario"].is_string()) {
      return make_error("input", fmt::format("{}:{}: malformed record: missing \"scenario\"", name, line_no));
    }
    if (const char* why = wrong_type(record)) {
      return make_error("input", fmt::format("{}:{}: malformed record: {}", name, line_no, why));
    }
    // Records an older spar wrote are read in today's layout (verdicts under "score").
    record = record::upgrade_v0(std::move(record));
    if (record.contains("score") && !record["score"].is_null() && !record["score"].value("pass", json()).is_boolean()) {
      return make_error("input", fmt::format("{}:{}: malformed record: \"score.pass\" is not true or false", name, line_no));
    }
    if (drop_transcripts) record.erase("transcript");
    out.records.push_back(std::move(record));
    out.offsets.push_back(pos);
    out.lines.push_back(line_no);
    pos = next;
    out.intact_bytes = pos;
  }
  return out;
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("input", fmt::format("{}: cannot read results", path));
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
  auto content = read_text(path);
  if (!content.ok()) return content.error();
  auto read = parse_results(*content, path);
  if (!read.ok()) return read;
  // Cut a torn line off, and end the last intact record with its newline.
  std::error_code ec;
  size_t keep = read->intact_bytes;
  if (keep < content->size()) std::filesystem::resize_file(path, keep, ec);
  if (ec) return make_error("io", fmt::format("{}: cannot repair: {}", path, ec.message()));
  if (keep > 0 && (*content)[keep - 1] != '\n') {
    std::FILE* f = std::fopen(path.c_str(), "ab");
    if (!f || std::fputc('\n', f) == EOF || std::fclose(f) != 0) {
      return make_error("io", fmt::format("{}: cannot repair", path));
    }
  }
  return read;
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
  if (ec) return make_error("io", fmt::format("{}: cannot rewrite: {}", path, ec.message()));
  return Ok{};
}

}  // namespace spar::report
