// The http adapter: a generic JSON webhook. The request body comes from a template with
// {{session_id}}, {{message}}, {{seed}} and {{messages}} placeholders; the reply text is read
// at a JSON pointer in the response.
#include <fstream>
#include <sstream>

#include "agent/adapters.h"
#include "agent/http_transport.h"
#include "agent/internal.h"
#include "agent/openai_wire.h"

namespace spar::agent {

namespace {

constexpr const char* kDefaultBody = R"({"session_id": "{{session_id}}", "message": "{{message}}"})";

// A body template split once into literal text and placeholders.
struct BodyTemplate {
  enum class Slot { kNone, kSessionId, kMessage, kSeed, kMessages };
  struct Part {
    std::string literal;
    Slot slot = Slot::kNone;
  };
  std::vector<Part> parts;

  static Result<BodyTemplate> parse(const std::string& text, const std::string& where) {
    BodyTemplate t;
    size_t pos = 0;
    while (true) {
      size_t open = text.find("{{", pos);
      if (open == std::string::npos) {
        t.parts.push_back({text.substr(pos), Slot::kNone});
        return t;
      }
      size_t close = text.find("}}", open + 2);
      if (close == std::string::npos) {
        return make_error(ErrorKind::input, where + ": unterminated placeholder '{{'");
      }
      std::string name = text.substr(open + 2, close - open - 2);
      Slot slot = name == "session_id" ? Slot::kSessionId
                  : name == "message"  ? Slot::kMessage
                  : name == "seed"     ? Slot::kSeed
                  : name == "messages" ? Slot::kMessages
                                       : Slot::kNone;
      if (slot == Slot::kNone) {
        return make_error(ErrorKind::input, where + ": unknown placeholder {{" + name +
                                       "}} (expected session_id, message, seed or messages)");
      }
      t.parts.push_back({text.substr(pos, open - pos), slot});
      pos = close + 2;
    }
  }

  std::string render(const Request& r) const {
    std::string out;
    for (const Part& p : parts) {
      out += p.literal;
      switch (p.slot) {
        case Slot::kNone: break;
        case Slot::kSessionId: out += escaped(r.session_id); break;
        case Slot::kMessage: out += escaped(latest_user_message(r)); break;
        case Slot::kSeed: out += std::to_string(r.seed); break;
        case Slot::kMessages: out += messages_json(r); break;
      }
    }
    return out;
  }

  // The JSON string literal for `s` without its quotes.
  static std::string escaped(const std::string& s) {
    std::string quoted = dump_json(json(s));
    return quoted.substr(1, quoted.size() - 2);
  }

  static std::string latest_user_message(const Request& r) {
    for (auto it = r.messages.rbegin(); it != r.messages.rend(); ++it) {
      if (it->role == "user") return it->content;
    }
    return "";
  }
};

struct HttpConfig {
  std::string url;
  BodyTemplate body;
  json::json_pointer reply;
  std::string reply_text;  // the pointer as given, for messages
  std::string api_key;
  double timeout_s = 120;
  size_t max_reply_bytes = kDefaultMaxReplyBytes;
};

class HttpClient final : public AgentClient {
 public:
  HttpClient(Loop& loop, const HttpConfig& config) : config_(config), transport_(loop, options(config)) {}

  bool streaming() const override { return false; }

  void send(Request request, Done done) override {
    transport_.post(config_.body.render(request), internal::attempt_headers(request), nullptr,
                    [this, done = std::move(done)](Result<HttpTransport::Response> r) {
                      if (!r) return done(r.error());
                      Result<Reply> reply = parse(r->body);
                      if (reply) reply->latency_ms = r->latency_ms;
                      internal::redact(reply, config_.api_key);
                      done(std::move(reply));
                    });
  }

 private:
  static HttpTransport::Options options(const HttpConfig& c) {
    HttpTransport::Options o;
    o.url = c.url;
    if (!c.api_key.empty()) o.headers.push_back("Authorization: Bearer " + c.api_key);
    o.timeout_s = c.timeout_s;
    o.secret = c.api_key;
    o.max_reply_bytes = c.max_reply_bytes;
    return o;
  }

  Result<Reply> parse(const std::string& body) const {
    std::string from = "bad reply from " + transport_.shown_url() + ": ";
    bool too_deep = false;
    json j = internal::parse_json(body, &too_deep);
    if (too_deep) return make_error(ErrorKind::protocol, from + internal::too_deep_message("reply"));
    if (j.is_discarded()) return make_error(ErrorKind::protocol, from + "not valid JSON: " + internal::one_line(body, 80, config_.api_key));
    try {
      if (!j.contains(config_.reply)) {
        return make_error(ErrorKind::protocol, from + "no value at " + config_.reply_text + " in " + internal::one_line(body, 120, config_.api_key));
      }
      const json& v = j.at(config_.reply);
      Reply reply;
      reply.text = v.is_string() ? v.get<std::string>() : v.is_null() ? "" : dump_json(v);
      return reply;
    } catch (const std::exception&) {  // e.g. /a/b through a string
      return make_error(ErrorKind::protocol, from + "no value at " + config_.reply_text + " in " + internal::one_line(body, 120, config_.api_key));
    }
  }

  HttpConfig config_;
  HttpTransport transport_;
};

class HttpFactory final : public AgentFactory {
 public:
  explicit HttpFactory(HttpConfig config, std::string body_source)
      : config_(std::move(config)), body_source_(std::move(body_source)) {}
  Result<std::unique_ptr<AgentClient>> make(Loop& loop) override {
    return std::unique_ptr<AgentClient>(std::make_unique<HttpClient>(loop, config_));
  }
  std::string secret() const override { return config_.api_key; }
  std::string describe() const override {
    return "http url=" + internal::redact_url(config_.url) + " body=" + body_source_ + " reply=" + config_.reply_text;
  }

 private:
  HttpConfig config_;
  std::string body_source_;
};

}  // namespace

Result<std::unique_ptr<AgentFactory>> make_http_factory(const AgentSpec& spec, const FactoryOptions& options) {
  if (Status s = check_spec(spec); !s) return s.error();
  HttpConfig c;
  c.url = spec.get("url");
  c.timeout_s = options.request_timeout_s;
  c.max_reply_bytes = options.max_reply_bytes;

  std::string body = spec.get("body");
  std::string text = kDefaultBody;
  std::string source = "default";
  if (!body.empty()) {
    if (body[0] != '@') return make_error(ErrorKind::input, "bad value '" + body + "' for body (expected @path/to/template.json)");
    source = body.substr(1);
    std::ifstream in(source, std::ios::binary);
    if (!in) return make_error(ErrorKind::input, "cannot read body template " + source);
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  Result<BodyTemplate> tpl = BodyTemplate::parse(text, source == "default" ? "default body" : source);
  if (!tpl) return tpl.error();
  c.body = std::move(*tpl);
  // Fail early on a template that cannot produce JSON.
  Request probe;
  probe.messages.push_back(Message{"user", "probe \"quoted\"\n", {}, "", ""});
  std::string sample = c.body.render(probe);
  if (json::parse(sample, nullptr, false).is_discarded()) {
    return make_error(ErrorKind::input, source + ": body template is not valid JSON once placeholders are filled in");
  }

  c.reply_text = spec.get("reply", "/reply");
  try {
    c.reply = json::json_pointer(c.reply_text);
  } catch (const std::exception&) {
    return make_error(ErrorKind::input, "bad value '" + c.reply_text + "' for reply (expected a JSON pointer such as /reply)");
  }
  if (std::string var = spec.get("api_key_env"); !var.empty()) {
    const char* key = std::getenv(var.c_str());
    if (!key || !*key) return make_error(ErrorKind::input, "environment variable " + var + " (api_key_env) is not set");
    c.api_key = key;
  }
  return std::unique_ptr<AgentFactory>(std::make_unique<HttpFactory>(std::move(c), source));
}

}  // namespace spar::agent
