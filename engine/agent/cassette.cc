#include "agent/cassette.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "agent/internal.h"
#include "agent/openai_wire.h"
#include "base/hash.h"
#include "base/json_depth.h"
#include "base/jsonl.h"

namespace spar::agent {

namespace {

constexpr int kVersion = 1;

// A cassette recorded before Error carried http_status and retry_after_s kept them only in the
// message, "HTTP <status>[ (retry after <N> s)] from ...": read back from there, so an old
// cassette replays its HTTP errors (and the retries they caused) as they were recorded.
long digits_at(std::string_view text, size_t at, size_t* end) {
  size_t i = at;
  long value = 0;
  while (i < text.size() && i - at < 12 && std::isdigit(static_cast<unsigned char>(text[i]))) {
    value = value * 10 + (text[i] - '0');
    ++i;
  }
  *end = i;
  return i == at ? -1 : value;
}

void recover_http_fields(Error& error) {
  std::string_view m = error.message;
  size_t end = 0;
  if (m.substr(0, 5) != "HTTP ") return;
  long status = digits_at(m, 5, &end);
  if (end != 8 || (end < m.size() && m[end] != ' ')) return;
  error.http_status = static_cast<int>(status);
  constexpr std::string_view kMark = " (retry after ";
  if (m.substr(8, kMark.size()) != kMark) return;
  long seconds = digits_at(m, 8 + kMark.size(), &end);
  if (seconds >= 0 && m.substr(end, 3) == " s)") error.retry_after_s = static_cast<double>(seconds);
}
using ordered_json = nlohmann::ordered_json;  // fields in the documented order, for readers

ordered_json reply_to_json(const Reply& r, std::string_view secret) {
  ordered_json calls = ordered_json::array();
  for (const ToolCall& c : r.tool_calls) {
    calls.push_back({{"id", internal::redact(c.id, secret)},
                     {"name", internal::redact(c.name, secret)},
                     {"arguments", internal::redact(c.arguments, secret)}});
  }
  return ordered_json{
      {"text", internal::redact(r.text, secret)},
      {"tool_calls", std::move(calls)},
      {"truncated", r.truncated},
      {"usage", ordered_json{{"prompt_tokens", r.usage.prompt_tokens}, {"completion_tokens", r.usage.completion_tokens}}},
      {"latency_ms", r.latency_ms},
      {"attempts", r.attempts}};
}

// A string member, "" when absent; false when present with another type.
bool get_string(const json& j, const char* key, std::string& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

Result<Reply> reply_from_json(const json& j) {
  auto bad = [](const std::string& why) { return make_error(ErrorKind::input, why); };
  if (!j.is_object()) return bad("\"reply\" is not an object");
  Reply r;
  if (!get_string(j, "text", r.text)) return bad("\"reply.text\" is not a string");
  if (auto it = j.find("tool_calls"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return bad("\"reply.tool_calls\" is not an array");
    for (const json& c : *it) {
      ToolCall call;
      if (!c.is_object() || !get_string(c, "id", call.id) || !get_string(c, "name", call.name) ||
          !get_string(c, "arguments", call.arguments)) {
        return bad("a tool call is not {\"id\", \"name\", \"arguments\"} strings");
      }
      r.tool_calls.push_back(std::move(call));
    }
  }
  if (auto it = j.find("truncated"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) return bad("\"reply.truncated\" is not a boolean");
    r.truncated = it->get<bool>();
  }
  if (auto it = j.find("usage"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return bad("\"reply.usage\" is not an object");
    r.usage = parse_usage(*it);
  }
  if (auto it = j.find("latency_ms"); it != j.end() && it->is_number()) r.latency_ms = it->get<double>();
  if (auto it = j.find("attempts"); it != j.end() && it->is_number_integer()) {
    int64_t n = it->get<int64_t>();
    r.attempts = n >= 1 && n <= 1000000 ? static_cast<int>(n) : 1;
  }
  return r;
}

// "scenario S, trial N" from a conversation's session id "S#N-SEED[/role]", else the id.
std::string describe_session(const std::string& session) {
  size_t hash = session.rfind('#');
  if (hash != std::string::npos) {
    size_t dash = session.find('-', hash);
    std::string trial = session.substr(hash + 1, dash == std::string::npos ? std::string::npos : dash - hash - 1);
    if (!trial.empty() && trial.find_first_not_of("0123456789") == std::string::npos) {
      return "scenario " + session.substr(0, hash) + ", trial " + trial;
    }
  }
  return "session '" + session + "'";
}

}  // namespace

Cassette::~Cassette() = default;

// Each exchange line of a cassette into `c`; the first line must be the header.
jsonl::Visit Cassette::reader(Cassette& c, bool& header) {
  return [&c, &header](json&& j, size_t, int) -> Status {
    auto bad = [](std::string why) -> Status { return make_error(ErrorKind::input, std::move(why)); };
    if (!header) {
      auto v = j.find("spar_cassette");
      if (v == j.end()) return bad("not a spar cassette (expected {\"spar_cassette\": 1} on the first line)");
      if (!v->is_number_integer() || v->get<int64_t>() != kVersion) {
        return bad(fmt::format("unsupported cassette version {} (this spar reads version {})", v->dump(), kVersion));
      }
      header = true;
      return Ok{};
    }
    auto key = j.find("key");
    if (key == j.end() || !key->is_string() || key->get_ref<const std::string&>().empty()) {
      return bad("exchange without a \"key\"");
    }
    std::optional<Result<Reply>> outcome;
    if (auto e = j.find("error"); e != j.end() && !e->is_null()) {
      Error error;
      std::string kind;
      if (!e->is_object() || !get_string(*e, "kind", kind) || !get_string(*e, "message", error.message) ||
          kind.empty()) {
        return bad("\"error\" is not {\"kind\", \"message\"} strings");
      }
      auto typed = error_kind_from(kind);
      if (!typed) return bad(fmt::format("unknown error kind \"{}\"", kind));
      error.kind = *typed;
      if (auto st = e->find("http_status"); st != e->end() && st->is_number_integer()) error.http_status = st->get<int>();
      if (auto ra = e->find("retry_after_s"); ra != e->end() && ra->is_number()) error.retry_after_s = ra->get<double>();
      if (error.kind == ErrorKind::http && !e->contains("http_status")) recover_http_fields(error);  // recorded before the fields
      outcome.emplace(std::move(error));
    } else if (auto r = j.find("reply"); r != j.end()) {
      Result<Reply> reply = reply_from_json(*r);
      if (!reply.ok()) return bad(reply.error().message);
      outcome.emplace(std::move(reply));
    } else {
      return bad("exchange with neither \"reply\" nor \"error\"");
    }
    c.entries_[key->get<std::string>()].outcomes.push_back(std::move(*outcome));
    ++c.count_;
    return Ok{};
  };
}

Result<std::shared_ptr<Cassette>> Cassette::create(const std::string& path, bool append) {
  std::error_code ec;
  if (auto parent = std::filesystem::path(path).parent_path(); !parent.empty()) {
    std::filesystem::create_directories(parent, ec);  // a failure shows when the file is opened below
  }
  std::shared_ptr<Cassette> c(new Cassette(path));
  bool header = false;
  if (append) {
    // Keep it, if it is a cassette; a torn last line (a crash mid-write) is cut off first.
    auto read = jsonl::repair(path, {}, reader(*c, header));
    if (!read.ok()) return read.error();
    c->entries_.clear();  // recording: nothing is replayed
    c->count_ = 0;
  }
  auto file = jsonl::Appender::open(path, header ? jsonl::Appender::Mode::append : jsonl::Appender::Mode::truncate);
  if (!file.ok()) return make_error(ErrorKind::input, fmt::format("{}: cannot write the cassette: {}", path, std::strerror(errno)));
  c->file_ = std::move(file).value();
  if (!header) {
    if (auto st = c->file_->append_line(fmt::format("{{\"spar_cassette\":{}}}", kVersion)); !st.ok()) return st.error();
  }
  return c;
}

Result<std::shared_ptr<Cassette>> Cassette::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::input, fmt::format("{}: cannot read the cassette: {}", path, std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

Result<std::shared_ptr<Cassette>> Cassette::parse(std::string_view content, const std::string& name) {
  std::shared_ptr<Cassette> c(new Cassette(name));
  bool header = false;
  auto read = jsonl::scan(content, name, {}, reader(*c, header));  // a torn last line is dropped
  if (!read.ok()) return read.error();
  if (!header) return make_error(ErrorKind::input, fmt::format("{}: empty cassette (nothing was recorded)", name));
  return c;
}

void Cassette::record(const std::string& key, const std::string& role, const Request& request,
                      const Result<Reply>& outcome, std::string_view secret) {
  if (!file_) return;
  ordered_json line = {{"key", key}, {"role", role}, {"session", request.session_id}};
  if (!request.messages.empty()) line["last"] = internal::one_line(request.messages.back().content, 80, secret);
  if (outcome.ok()) {
    line["reply"] = reply_to_json(outcome.value(), secret);
  } else {
    const Error& e = outcome.error();
    line["error"] = ordered_json{{"kind", to_string(e.kind)}, {"message", internal::redact(e.message, secret)}};
    if (e.http_status) line["error"]["http_status"] = e.http_status;
    if (e.retry_after_s >= 0) line["error"]["retry_after_s"] = e.retry_after_s;
  }
  (void)file_->append_line(jsonl::to_line(line));  // write(2) of one whole line; the first failure is final
}

std::optional<Result<Reply>> Cassette::find(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    ++misses_;
    return std::nullopt;
  }
  Entry& e = it->second;
  const Result<Reply>& out = e.outcomes[std::min(e.next, e.outcomes.size() - 1)];
  if (e.next < e.outcomes.size()) ++e.next;
  return out;
}

size_t Cassette::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}

Status open_cassette(FactoryOptions& options) {
  if (!options.record.empty() && !options.replay.empty()) {
    return make_error(ErrorKind::input, "--record and --replay cannot be used together");
  }
  if (!options.record.empty()) {
    auto c = Cassette::create(options.record, options.record_append);
    if (!c.ok()) return c.error();
    options.cassette = std::move(c).value();
  } else if (!options.replay.empty()) {
    auto c = Cassette::load(options.replay);
    if (!c.ok()) return c.error();
    options.cassette = std::move(c).value();
  }
  return ok_status();
}

std::string model_identity(const std::string& role, const AgentSpec& spec) {
  std::string out = role + "\n" + spec.kind;
  for (const auto& [key, value] : spec.params) {  // sorted by key
    if (key == "base_url" || key == "api_key_env") continue;
    out += "\n" + key + "=" + value;
  }
  return out;
}

std::string exchange_key(const std::string& identity, const Request& request) {
  json tools = json::array();
  for (const ToolSpec& t : request.tools) tools.push_back(to_openai(t));
  json meaning = {{"model", identity},
                  {"seed", request.seed},
                  {"cut", request.cut_after_chars},
                  {"messages", to_openai_messages(request)},
                  {"tools", std::move(tools)}};
  std::string text = dump_json(meaning);
  uint64_t a = mix64_finalise(fnv1a(text));
  uint64_t b = mix64_finalise(fnv1a(text, kFnvAltBasis) ^ text.size());
  return fmt::format("{:016x}{:016x}", a, b);
}

namespace {

class RecordingClient final : public AgentClient {
 public:
  RecordingClient(std::unique_ptr<AgentClient> inner, std::shared_ptr<Cassette> cassette, std::string identity,
                  std::string role, std::string secret)
      : inner_(std::move(inner)),
        cassette_(std::move(cassette)),
        identity_(std::move(identity)),
        role_(std::move(role)),
        secret_(std::move(secret)) {}

  bool streaming() const override { return inner_->streaming(); }

  void send(Request request, Done done) override {
    auto key = exchange_key(identity_, request);
    // Only what the record needs is kept: the session and the last message.
    Request note;
    note.session_id = request.session_id;
    if (!request.messages.empty()) note.messages.push_back(request.messages.back());
    inner_->send(std::move(request), [this, key = std::move(key), note = std::move(note),
                                      done = std::move(done)](Result<Reply> reply) {
      cassette_->record(key, role_, note, reply, secret_);
      done(std::move(reply));
    });
  }

 private:
  std::unique_ptr<AgentClient> inner_;
  std::shared_ptr<Cassette> cassette_;
  std::string identity_;
  std::string role_;
  std::string secret_;
};

class ReplayClient final : public AgentClient {
 public:
  ReplayClient(Loop& loop, std::shared_ptr<Cassette> cassette, std::string identity, std::string role,
               bool streaming)
      : loop_(loop),
        cassette_(std::move(cassette)),
        identity_(std::move(identity)),
        role_(std::move(role)),
        streaming_(streaming) {}

  ~ReplayClient() override { *alive_ = false; }

  bool streaming() const override { return streaming_; }

  void send(Request request, Done done) override {
    std::string key = exchange_key(identity_, request);
    std::optional<Result<Reply>> found = cassette_->find(key);
    Result<Reply> out = found ? std::move(*found)
                              : Result<Reply>(make_error(
                                    ErrorKind::replay_miss,
                                    fmt::format("no recorded {} reply for {} (request {}) in {}: the scenario, "
                                                "persona, seed or {} spec changed since it was recorded; record "
                                                "it again with --record",
                                                role_, describe_session(request.session_id), key.substr(0, 12),
                                                cassette_->path(), role_)));
    std::weak_ptr<bool> alive = alive_;
    loop_.post([alive, done = std::move(done), out = std::move(out)]() mutable {
      if (!alive.expired()) done(std::move(out));
    });
  }

 private:
  Loop& loop_;
  std::shared_ptr<Cassette> cassette_;
  std::string identity_;
  std::string role_;
  bool streaming_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<AgentClient> make_recording_client(std::unique_ptr<AgentClient> inner,
                                                   std::shared_ptr<Cassette> cassette, std::string identity,
                                                   std::string role, std::string secret) {
  return std::make_unique<RecordingClient>(std::move(inner), std::move(cassette), std::move(identity),
                                           std::move(role), std::move(secret));
}

std::unique_ptr<AgentClient> make_replay_client(Loop& loop, std::shared_ptr<Cassette> cassette,
                                                std::string identity, std::string role, bool streaming) {
  return std::make_unique<ReplayClient>(loop, std::move(cassette), std::move(identity), std::move(role),
                                        streaming);
}

}  // namespace spar::agent
