#include "report/results.h"

#include <fstream>

#include <fmt/format.h>

namespace spar::report {

std::string to_line(const json& record) { return record.dump(-1, ' ', false, json::error_handler_t::replace); }

Result<std::unique_ptr<ResultsWriter>> ResultsWriter::open(const std::string& path, bool truncate) {
  std::FILE* f = std::fopen(path.c_str(), truncate ? "wb" : "ab");
  if (!f) return make_error("input", fmt::format("{}: cannot open for writing", path));
  return std::unique_ptr<ResultsWriter>(new ResultsWriter(f, path));
}

ResultsWriter::~ResultsWriter() {
  if (file_) std::fclose(file_);
}

Status ResultsWriter::append(const json& record) {
  std::string line = to_line(record);
  line += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    return make_error("io", fmt::format("{}: write failed", path_));
  }
  return Ok{};
}

Result<ReadResults> read_results(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("input", fmt::format("{}: cannot read results", path));
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ReadResults out;
  size_t pos = 0;
  int line_no = 0;
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    bool last_unterminated = nl == std::string::npos;
    std::string line = content.substr(pos, last_unterminated ? std::string::npos : nl - pos);
    pos = last_unterminated ? content.size() : nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json record = json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object()) {
      if (last_unterminated) {
        out.dropped_torn_line = true;
        break;
      }
      return make_error("input", fmt::format("{}:{}: malformed record: not a JSON object", path, line_no));
    }
    if (!record.contains("scenario") || !record["scenario"].is_string()) {
      return make_error("input", fmt::format("{}:{}: malformed record: missing \"scenario\"", path, line_no));
    }
    out.records.push_back(std::move(record));
  }
  return out;
}

}  // namespace spar::report
