// AgentClient: the one interface in front of every agent under test. Adapters (openai, http,
// exec) implement it over libcurl or a subprocess; FakeAgent implements it in memory for tests.
//
// Thread-safety: a client is bound to one Loop and used from that loop's thread only.
// send() never calls `done` before it returns; `done` runs exactly once, from the loop.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "agent/loop.h"
#include "agent/types.h"
#include "base/result.h"

namespace spar::agent {

using Done = std::function<void(Result<Reply>)>;

class AgentClient {
 public:
  virtual ~AgentClient() = default;
  virtual void send(Request request, Done done) = 0;
  // True when replies stream, so barge-in can cut them (Request::cut_after_chars).
  virtual bool streaming() const = 0;
};

// KIND[:key=value,key=value...] as given to --agent, --user-model and --judge.
struct AgentSpec {
  std::string kind;  // "mock" | "openai" | "http" | "exec"
  std::map<std::string, std::string> params;
  std::string get(const std::string& key, const std::string& fallback = "") const;
};

// Errors are kind "input" with one clear line, e.g. "unknown agent kind 'foo' (expected mock,
// openai, http or exec)".
Result<AgentSpec> parse_agent_spec(std::string_view text);

// `text` with the credentials of every URL in it (`scheme://user:password@host`, and the
// values of `url=` and `base_url=` without a scheme, `user:password@host/v1`) replaced by
// `***`, for files spar writes (run.json). API keys never appear in a spec: they come from the
// environment.
std::string redact_agent_spec(std::string_view text);

// The mock agent's knobs (spar-mock-agent's own table, tools/mock-agent/knobs.h), one line each
// ("  policy_slip=0  probability of ..."), for `spar run --help`.
std::string mock_knobs_help();

class Cassette;  // agent/cassette.h

constexpr size_t kDefaultMaxReplyBytes = 16u << 20;

struct FactoryOptions {
  double request_timeout_s = 120;  // --request-timeout: per attempt
  // --max-reply-bytes: the most spar reads of one reply, streamed or not (an HTTP body, an
  // event stream, an exec agent's line); past it the reply is a "protocol" error and the
  // transfer is aborted at once.
  size_t max_reply_bytes = kDefaultMaxReplyBytes;
  std::string mock_binary;  // path to spar-mock-agent; empty: next to the running executable
  // Retries (agent/retry.h): attempts after the first for transient failures (--retries).
  int retries = 2;
  double retry_base_s = 0.5;  // backoff base and cap (full jitter)
  double retry_cap_s = 30;
  // Rate limits (agent/rate_limit.h) for this model, shared by every client the factory
  // makes: requests per second (--rps) and tokens per minute (--tpm). 0: no limit.
  double rps = 0;
  double tpm = 0;
  // Record/replay (agent/cassette.h): the --record or --replay file. open_cassette() opens it
  // into `cassette` once per run; with a replay cassette, factories answer from it only.
  std::string record;
  std::string replay;
  bool record_append = false;  // keep an existing recording and add to it (a resumed run)
  std::shared_ptr<Cassette> cassette;
  // Which model the factory serves: "agent", "user" (--user-model) or "judge". Part of the
  // record/replay key, and named in replay-miss messages.
  std::string role = "agent";
  // Conversations the run keeps in flight (--concurrency): the mock adapter gives the server
  // it spawns a thread for each, so none waits for a free one. 0: unknown.
  int concurrency = 0;
};

// AgentFactory: validated once per run, then makes one client per worker loop. For `mock` it
// owns the spawned spar-mock-agent process, which it stops when destroyed.
// make() may be called from any thread.
class AgentFactory {
 public:
  virtual ~AgentFactory() = default;
  virtual Result<std::unique_ptr<AgentClient>> make(Loop& loop) = 0;
  virtual std::string describe() const = 0;  // for logs; never contains secrets
  // The API key this factory's clients send, so decorators can scrub it from what they write
  // (the cassette). Empty when there is none. Never log it.
  virtual std::string secret() const { return ""; }
};

// The factory for `spec`. Its clients come wrapped, outermost first, in: recording (when
// options.cassette records), retries (options.retries), rate limits (options.rps/tpm). With a
// replay cassette the factory answers from it alone: no process, no socket, no key needed.
Result<std::unique_ptr<AgentFactory>> make_agent_factory(const AgentSpec& spec,
                                                        const FactoryOptions& options);

}  // namespace spar::agent
