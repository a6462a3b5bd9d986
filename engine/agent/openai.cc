// The openai adapter: Chat Completions over HttpTransport, streaming (SSE) or not.
#include <cstdlib>
#include <memory>

#include "agent/adapters.h"
#include "agent/http_transport.h"
#include "agent/internal.h"
#include "agent/openai_wire.h"
#include "agent/sse.h"

namespace spar::agent {

namespace {

class OpenAiClient final : public AgentClient {
 public:
  OpenAiClient(Loop& loop, const OpenAiConfig& config)
      : config_(config), transport_(loop, transport_options(config)) {}

  bool streaming() const override { return config_.stream; }

  void send(Request request, Done done) override {
    std::string body = chat_request_body(request, config_.model, config_.stream, config_.extra);
    auto with_context = [this](Error e) {
      if (e.kind == ErrorKind::protocol) e.message = "bad reply from " + transport_.shown_url() + ": " + e.message;
      return e;
    };
    std::vector<std::string> headers = internal::attempt_headers(request);
    if (!config_.stream) {
      transport_.post(std::move(body), headers, nullptr,
                      [this, done = std::move(done), with_context](Result<HttpTransport::Response> r) {
                        if (!r) return done(r.error());
                        Result<Reply> reply = parse_chat_response(std::string_view(r->body), config_.api_key);
                        if (!reply) reply = with_context(reply.error());
                        if (reply) reply->latency_ms = r->latency_ms;
                        internal::redact(reply, config_.api_key);
                        done(std::move(reply));
                      });
      return;
    }
    auto stream = std::make_shared<ChatStream>(request.cut_after_chars, /*tree_only=*/false, config_.api_key);
    transport_.post(
        std::move(body), headers,
        [stream](std::string_view chunk) { return stream->feed(chunk).ok() && !stream->cut(); },
        [this, stream, done = std::move(done), with_context](Result<HttpTransport::Response> r) {
          if (!r) return done(r.error());
          Result<Reply> reply = stream->finish();
          if (!reply) reply = with_context(reply.error());
          if (reply) reply->latency_ms = r->latency_ms;
          internal::redact(reply, config_.api_key);
          done(std::move(reply));
        });
  }

 private:
  static HttpTransport::Options transport_options(const OpenAiConfig& c) {
    HttpTransport::Options o;
    o.url = c.base_url + "/chat/completions";
    if (!c.api_key.empty()) o.headers.push_back("Authorization: Bearer " + c.api_key);
    if (c.stream) o.headers.push_back("Accept: text/event-stream");
    o.timeout_s = c.timeout_s;
    o.secret = c.api_key;
    o.max_reply_bytes = c.max_reply_bytes;
    return o;
  }

  OpenAiConfig config_;
  HttpTransport transport_;
};

class OpenAiFactory final : public AgentFactory {
 public:
  OpenAiFactory(OpenAiConfig config, std::string key_source)
      : config_(std::move(config)), key_source_(std::move(key_source)) {}

  Result<std::unique_ptr<AgentClient>> make(Loop& loop) override {
    return std::unique_ptr<AgentClient>(make_openai_client(loop, config_));
  }

  std::string secret() const override { return config_.api_key; }

  std::string describe() const override {
    return "openai model=" + config_.model + " base_url=" + internal::redact_url(config_.base_url) +
           " stream=" + (config_.stream ? "on" : "off") + " api_key=" + key_source_;
  }

 private:
  OpenAiConfig config_;
  std::string key_source_;  // "$VAR" or "none": never the key itself
};

}  // namespace

std::unique_ptr<AgentClient> make_openai_client(Loop& loop, const OpenAiConfig& config) {
  return std::make_unique<OpenAiClient>(loop, config);
}

Result<OpenAiConfig> openai_config_from_spec(const AgentSpec& spec, const FactoryOptions& options,
                                             bool stream_default) {
  OpenAiConfig c;
  c.model = spec.get("model");
  c.base_url = spec.get("base_url", c.base_url);
  while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
  if (c.base_url.empty()) return make_error(ErrorKind::input, "empty base_url in agent spec");
  Result<bool> stream = parse_flag(spec, "stream", stream_default);
  if (!stream) return stream.error();
  c.stream = *stream;
  c.timeout_s = options.request_timeout_s;
  c.max_reply_bytes = options.max_reply_bytes;
  if (std::string v = spec.get("temperature"); !v.empty()) {
    char* end = nullptr;
    double t = std::strtod(v.c_str(), &end);
    if (*end != '\0') return make_error(ErrorKind::input, "bad value '" + v + "' for temperature (expected a number)");
    c.extra["temperature"] = t;
  }
  if (std::string v = spec.get("max_tokens"); !v.empty()) {
    char* end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    if (*end != '\0' || n <= 0) return make_error(ErrorKind::input, "bad value '" + v + "' for max_tokens (expected a positive integer)");
    c.extra["max_tokens"] = n;
  }
  return c;
}

Result<std::unique_ptr<AgentFactory>> make_openai_factory(const AgentSpec& spec, const FactoryOptions& options) {
  if (Status s = check_spec(spec); !s) {
    return s.error();
  }
  Result<OpenAiConfig> config = openai_config_from_spec(spec, options, /*stream_default=*/false);
  if (!config) return config.error();
  // The key comes only from the environment. A named variable must be set; the default
  // OPENAI_API_KEY is optional (local servers need no key).
  std::string var = spec.get("api_key_env");
  std::string source = "none";
  if (!var.empty()) {
    const char* key = std::getenv(var.c_str());
    if (!key || !*key) {
      return make_error(ErrorKind::input, "environment variable " + var + " (api_key_env) is not set");
    }
    config->api_key = key;
    source = "$" + var;
  } else if (const char* key = std::getenv("OPENAI_API_KEY"); key && *key) {
    config->api_key = key;
    source = "$OPENAI_API_KEY";
  }
  return std::unique_ptr<AgentFactory>(std::make_unique<OpenAiFactory>(std::move(*config), source));
}

}  // namespace spar::agent
