#include "agent/adapters.h"

#include "agent/cassette.h"
#include "agent/internal.h"
#include "agent/rate_limit.h"
#include "agent/retry.h"

namespace spar::agent {

Status check_spec_keys(const AgentSpec& spec, std::initializer_list<const char*> required,
                       std::initializer_list<const char*> optional) {
  for (const auto& [key, value] : spec.params) {
    bool known = false;
    for (const char* k : required) known = known || key == k;
    for (const char* k : optional) known = known || key == k;
    if (!known) {
      std::string expected;
      for (auto list : {required, optional}) {
        for (const char* k : list) expected += (expected.empty() ? "" : ", ") + std::string(k);
      }
      return make_error(ErrorKind::input, "unknown key '" + key + "' for agent kind '" + spec.kind +
                                     "' (expected " + expected + ")");
    }
  }
  for (const char* k : required) {
    if (spec.get(k).empty()) {
      return make_error(ErrorKind::input, "agent kind '" + spec.kind + "' needs " + k + "=...");
    }
  }
  return ok_status();
}

Result<bool> parse_flag(const AgentSpec& spec, const std::string& key, bool fallback) {
  auto it = spec.params.find(key);
  if (it == spec.params.end()) return fallback;
  const std::string& v = it->second;
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  return make_error(ErrorKind::input, "bad value '" + v + "' for " + key + " (expected 1 or 0)");
}

namespace {

Result<std::unique_ptr<AgentFactory>> make_kind_factory(const AgentSpec& spec, const FactoryOptions& options) {
  if (spec.kind == "openai") return make_openai_factory(spec, options);
  if (spec.kind == "http") return make_http_factory(spec, options);
  if (spec.kind == "exec") return make_exec_factory(spec, options);
  if (spec.kind == "mock") return make_mock_factory(spec, options);
  return make_error(ErrorKind::input, "unknown agent kind '" + spec.kind + "' (expected mock, openai, http or exec)");
}

// Wraps every client of an adapter's factory in the layers FactoryOptions asks for.
class LayeredFactory final : public AgentFactory {
 public:
  LayeredFactory(std::unique_ptr<AgentFactory> inner, const FactoryOptions& options, std::string identity)
      : inner_(std::move(inner)), options_(options), identity_(std::move(identity)) {
    if (options.rps > 0 || options.tpm > 0) limiter_ = std::make_shared<RateLimiter>(options.rps, options.tpm);
    if (options_.cassette && !options_.cassette->recording()) options_.cassette.reset();
  }

  Result<std::unique_ptr<AgentClient>> make(Loop& loop) override {
    auto made = inner_->make(loop);
    if (!made.ok()) return made.error();
    std::unique_ptr<AgentClient> client = std::move(made).value();
    if (limiter_) client = make_rate_limited_client(loop, std::move(client), limiter_);
    RetryPolicy policy;
    policy.retries = std::max(0, options_.retries);
    policy.base_s = options_.retry_base_s;
    policy.cap_s = options_.retry_cap_s;
    policy.max_retry_after_s = options_.request_timeout_s;
    client = make_retrying_client(loop, std::move(client), policy);
    if (options_.cassette) {
      client = make_recording_client(std::move(client), options_.cassette, identity_, options_.role, inner_->secret());
    }
    return client;
  }

  std::string describe() const override { return inner_->describe(); }
  std::string secret() const override { return inner_->secret(); }

 private:
  std::unique_ptr<AgentFactory> inner_;
  FactoryOptions options_;
  std::string identity_;
  std::shared_ptr<RateLimiter> limiter_;  // shared by every client: one budget per model
};

// --replay: answers from the cassette; never starts a process, opens a socket or reads a key.
class ReplayFactory final : public AgentFactory {
 public:
  ReplayFactory(std::shared_ptr<Cassette> cassette, std::string identity, std::string role, bool streaming,
                std::string spec_kind)
      : cassette_(std::move(cassette)),
        identity_(std::move(identity)),
        role_(std::move(role)),
        streaming_(streaming),
        kind_(std::move(spec_kind)) {}

  Result<std::unique_ptr<AgentClient>> make(Loop& loop) override {
    return make_replay_client(loop, cassette_, identity_, role_, streaming_);
  }
  std::string describe() const override {
    return "replay of " + kind_ + " from " + cassette_->path() + " (" + std::to_string(cassette_->size()) +
           " exchanges)";
  }

 private:
  std::shared_ptr<Cassette> cassette_;
  std::string identity_;
  std::string role_;
  bool streaming_;
  std::string kind_;
};

}  // namespace

// Mock forwards every key to the server as a knob, so only the other kinds are checked here.
Status check_spec(const AgentSpec& spec) {
  if (spec.kind == "openai") {
    return check_spec_keys(spec, {"model"}, {"base_url", "api_key_env", "stream", "temperature", "max_tokens"});
  }
  if (spec.kind == "http") return check_spec_keys(spec, {"url"}, {"body", "reply", "api_key_env"});
  if (spec.kind == "exec") return check_spec_keys(spec, {"cmd"}, {});
  return ok_status();
}

Result<std::unique_ptr<AgentFactory>> make_agent_factory(const AgentSpec& spec,
                                                        const FactoryOptions& options) {
  std::string identity = model_identity(options.role, spec);
  if (options.cassette && !options.cassette->recording()) {
    if (Status s = check_spec(spec); !s) return s.error();
    if (spec.kind != "mock" && spec.kind != "openai" && spec.kind != "http" && spec.kind != "exec") {
      return make_error(ErrorKind::input, "unknown agent kind '" + spec.kind + "' (expected mock, openai, http or exec)");
    }
    // Streaming decides how interruptions are played, so it must match the recording.
    Result<bool> streaming = spec.kind == "mock"     ? parse_flag(spec, "stream", true)
                             : spec.kind == "openai" ? parse_flag(spec, "stream", false)
                                                     : Result<bool>(false);
    if (!streaming) return streaming.error();
    return std::unique_ptr<AgentFactory>(
        std::make_unique<ReplayFactory>(options.cassette, identity, options.role, *streaming, spec.kind));
  }
  auto inner = make_kind_factory(spec, options);
  if (!inner.ok()) return inner.error();
  return std::unique_ptr<AgentFactory>(
      std::make_unique<LayeredFactory>(std::move(inner).value(), options, std::move(identity)));
}

}  // namespace spar::agent
