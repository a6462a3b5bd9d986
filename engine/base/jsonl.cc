#include "base/jsonl.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/json_depth.h"

namespace spar::jsonl {

std::string to_line(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string to_line(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<std::unique_ptr<Appender>> Appender::open(const std::string& path, Mode mode) {
  int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (mode == Mode::truncate ? O_TRUNC : 0);
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return make_error(ErrorKind::input, fmt::format("{}: cannot open for writing: {}", path, std::strerror(errno)));
  return std::unique_ptr<Appender>(new Appender(fd, path));
}

Appender::~Appender() {
  if (fd_ >= 0) ::close(fd_);
}

Status Appender::append_line(std::string_view text) {
  std::string line(text);
  line += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  if (!failed_.ok()) return failed_;
  std::string_view left = line;
  while (!left.empty()) {
    ssize_t n = ::write(fd_, left.data(), left.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = make_error(ErrorKind::io, fmt::format("{}: {}", path_, n < 0 ? std::strerror(errno) : "write failed"));
      return failed_;
    }
    left.remove_prefix(static_cast<size_t>(n));
  }
  return Ok{};
}

Result<Scan> scan(std::string_view content, const std::string& name, const ReadOptions& options, const Visit& visit) {
  Scan out;
  size_t pos = 0;
  int line_no = 0;
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    bool last_unterminated = nl == std::string_view::npos;
    std::string_view line = content.substr(pos, last_unterminated ? std::string_view::npos : nl - pos);
    size_t next = last_unterminated ? content.size() : nl + 1;
    size_t start = pos;
    ++line_no;
    pos = next;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      if (!last_unterminated) out.intact_bytes = pos;
      continue;
    }
    std::string why;
    if (json_nests_deeper_than(line)) {
      // Never built into a tree: copying or printing it would recurse past the stack.
      why = fmt::format("nested deeper than {} levels", kMaxJsonDepth);
    } else {
      json value = json::parse(line, nullptr, false);
      if (value.is_discarded() || !value.is_object()) {
        if (last_unterminated) {
          out.dropped_torn_line = true;
          break;
        }
        why = "not a JSON object";
      } else if (Status st = visit(std::move(value), start, line_no); !st.ok()) {
        why = st.error().message;
      }
    }
    if (!why.empty()) {
      if (options.on_bad == OnBad::error) {
        return make_error(ErrorKind::input, fmt::format("{}:{}: {}{}", name, line_no, options.prefix, why));
      }
      spdlog::warn("{}:{}: skipped: {}", name, line_no, why);
      ++out.skipped;
    }
    out.intact_bytes = pos;
  }
  return out;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::input, fmt::format("{}: cannot read", path));
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Result<Scan> repair(const std::string& path, const ReadOptions& options, const Visit& visit) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Scan{};
  auto content = read_file(path);
  if (!content.ok()) return content.error();
  auto read = scan(*content, path, options, visit);
  if (!read.ok()) return read;
  // Cut a torn line off, and end the last intact line with its newline.
  size_t keep = read->intact_bytes;
  if (keep < content->size()) std::filesystem::resize_file(path, keep, ec);
  if (ec) return make_error(ErrorKind::io, fmt::format("{}: cannot repair: {}", path, ec.message()));
  if (keep > 0 && (*content)[keep - 1] != '\n') {
    auto appender = Appender::open(path, Appender::Mode::append);
    if (!appender.ok()) return appender.error();
    if (auto st = (*appender)->append_line(""); !st.ok()) return make_error(ErrorKind::io, fmt::format("{}: cannot repair", path));
  }
  return read;
}

}  // namespace spar::jsonl
