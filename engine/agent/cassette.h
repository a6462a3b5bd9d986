// Record and replay: a cassette holds every exchange (request -> reply, or error) a run had
// with its models (the agent under test, the user model, the judge), so the run can be
// replayed later with no network, no API key and no mock process (--record FILE,
// --replay FILE).
//
// A cassette is a JSON-lines file. The first line is {"spar_cassette": 1}; each further line
// is one exchange:
//   {"key": "<32 hex>", "role": "agent", "session": "retail/refund#2-1f3a", "last": "...",
//    "reply": {"text": "...", "tool_calls": [{"id", "name", "arguments"}], "truncated": false,
//              "usage": {"prompt_tokens", "completion_tokens"}, "latency_ms": 12.5, "attempts": 1}}
//   {"key": ..., "role": ..., "session": ..., "last": ..., "error": {"kind": "http", "message": "...", "http_status"?: 429, "retry_after_s"?: 3}}
// `key` (exchange_key) is what replay matches on; `session` and `last` (the start of the
// request's last message) are for people reading the file. Headers, URLs' credentials and API
// keys are never written: replies and error messages are scrubbed of the model's key.
//
// Replay serves exchanges by key. When one key was recorded several times (a model that
// answered the same request differently), the recordings are served in order and the last
// one repeats. A request with no recording fails with kind "replay_miss".
//
// Thread-safety: a Cassette is shared by every worker of a run; all members are thread-safe.
// Recording appends and flushes one line per exchange, so a crash keeps what was recorded.
#pragma once

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "agent/client.h"
#include "base/jsonl.h"

namespace spar::agent {

class Cassette {
 public:
  // Starts a new cassette at `path` for recording (an existing file is replaced; missing
  // folders are made), or with `append` adds to an existing one (a resumed run).
  static Result<std::shared_ptr<Cassette>> create(const std::string& path, bool append = false);
  // Loads a recorded cassette for replay. Errors are kind "input", "path:line: message".
  static Result<std::shared_ptr<Cassette>> load(const std::string& path);
  // Parses cassette content (what load() reads); `name` is used in messages. A torn last line
  // (a crash mid-write) is ignored. Pure apart from the result; used by the fuzzer.
  static Result<std::shared_ptr<Cassette>> parse(std::string_view content, const std::string& name);

  ~Cassette();
  Cassette(const Cassette&) = delete;
  Cassette& operator=(const Cassette&) = delete;

  bool recording() const { return file_ != nullptr; }
  const std::string& path() const { return path_; }

  // Appends one exchange (recording only). `secret` is scrubbed from every written string.
  void record(const std::string& key, const std::string& role, const Request& request,
              const Result<Reply>& outcome, std::string_view secret);

  // The recorded outcome for `key` (replay), or nothing (counted as a miss).
  std::optional<Result<Reply>> find(const std::string& key);

  size_t size() const;                               // exchanges held (replay)
  size_t misses() const { return misses_.load(); }  // failed find() calls

 private:
  struct Entry {
    std::vector<Result<Reply>> outcomes;
    size_t next = 0;
  };
  explicit Cassette(std::string path) : path_(std::move(path)) {}

  std::string path_;
  static jsonl::Visit reader(Cassette& c, bool& header);

  std::unique_ptr<jsonl::Appender> file_;  // recording
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // replay
  size_t count_ = 0;
  std::atomic<size_t> misses_{0};
};

// Opens the cassette named by options.record or options.replay (at most one may be set) into
// options.cassette, once per run, before the run's factories are made. Errors are "input".
Status open_cassette(FactoryOptions& options);

// What identifies a model in exchange keys: the role and the spec's kind and parameters,
// except where it lives and how it is authenticated (base_url, api_key_env), so a cassette
// recorded against one server replays in CI against none.
std::string model_identity(const std::string& role, const AgentSpec& spec);

// The key of an exchange: a 128-bit hex digest of the model identity and the request's
// meaning (messages, tools, seed, barge-in cut). Not the session id, not the attempt number,
// not any header.
std::string exchange_key(const std::string& identity, const Request& request);

// Client decorators. The recording client records what `inner` answered (after retries); the
// replay client answers from the cassette only (replies are delivered through `loop`, never
// inside send()).
std::unique_ptr<AgentClient> make_recording_client(std::unique_ptr<AgentClient> inner,
                                                   std::shared_ptr<Cassette> cassette, std::string identity,
                                                   std::string role, std::string secret);
std::unique_ptr<AgentClient> make_replay_client(Loop& loop, std::shared_ptr<Cassette> cassette,
                                                std::string identity, std::string role, bool streaming);

}  // namespace spar::agent
