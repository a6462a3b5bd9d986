#include "agent/openai_wire.h"

#include "agent/internal.h"

namespace spar::agent {

namespace {

Error protocol(std::string message) { return make_error("protocol", std::move(message)); }

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

// OpenAI content is a string, null, or (for some servers) an array of {type, text} parts.
Status read_content(const json& message, std::string& out) {
  const json* content = member(message, "content");
  if (!content) return ok_status();
  if (content->is_string()) {
    out = content->get<std::string>();
    return ok_status();
  }
  if (content->is_array()) {
    for (const json& part : *content) {
      const json* text = member(part, "text");
      if (text && text->is_string()) out += text->get<std::string>();
    }
    return ok_status();
  }
  return protocol("reply message content is " + std::string(content->type_name()) +
                  ", expected a string");
}

}  // namespace

json to_openai_messages(const Request& request) {
  json messages = json::array();
  for (const Message& m : request.messages) messages.push_back(to_openai(m));
  return messages;
}

json build_chat_request(const Request& request, const std::string& model, bool stream) {
  json body = {{"model", model}, {"messages", to_openai_messages(request)}};
  if (!request.tools.empty()) {
    json tools = json::array();
    for (const ToolSpec& t : request.tools) tools.push_back(to_openai(t));
    body["tools"] = std::move(tools);
  }
  body["seed"] = request.seed;
  body["user"] = request.session_id;
  body["stream"] = stream;
  if (stream) body["stream_options"] = {{"include_usage", true}};
  return body;
}

std::string dump_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Usage parse_usage(const json& usage) {
  Usage out;
  if (const json* p = member(usage, "prompt_tokens"); p && p->is_number_integer()) {
    out.prompt_tokens = p->get<int64_t>();
  }
  if (const json* c = member(usage, "completion_tokens"); c && c->is_number_integer()) {
    out.completion_tokens = c->get<int64_t>();
  }
  return out;
}

Status parse_assistant_message(const json& message, Reply& reply) {
  if (!message.is_object()) return protocol("reply message is not a JSON object");
  if (Status s = read_content(message, reply.text); !s) return s;
  const json* calls = member(message, "tool_calls");
  if (!calls) return ok_status();
  if (!calls->is_array()) return protocol("reply tool_calls is not an array");
  for (size_t i = 0; i < calls->size(); ++i) {
    const json& call = (*calls)[i];
    const json* function = member(call, "function");
    const json* name = function ? member(*function, "name") : nullptr;
    if (!name || !name->is_string()) {
      return protocol("reply tool_calls[" + std::to_string(i) + "] has no function name");
    }
    ToolCall out;
    out.name = name->get<std::string>();
    if (const json* id = member(call, "id"); id && id->is_string()) out.id = id->get<std::string>();
    if (out.id.empty()) out.id = "call_" + std::to_string(i);
    if (const json* args = member(*function, "arguments")) {
      out.arguments = args->is_string() ? args->get<std::string>() : dump_json(*args);
    }
    reply.tool_calls.push_back(std::move(out));
  }
  return ok_status();
}

Result<Reply> parse_chat_response(const json& response) {
  try {
    if (!response.is_object()) return protocol("reply is not a JSON object");
    if (const json* error = member(response, "error")) {
      const json* msg = member(*error, "message");
      std::string text = msg && msg->is_string() ? msg->get<std::string>() : dump_json(*error);
      return protocol("agent returned an error: " + internal::one_line(text));
    }
    const json* choices = member(response, "choices");
    if (!choices || !choices->is_array() || choices->empty()) {
      return protocol("reply has no choices");
    }
    const json* message = member((*choices)[0], "message");
    if (!message) return protocol("reply choices[0] has no message");
    Reply reply;
    if (Status s = parse_assistant_message(*message, reply); !s) return s.error();
    if (const json* usage = member(response, "usage")) reply.usage = parse_usage(*usage);
    return reply;
  } catch (const std::exception& e) {  // defensive: the checks above should make this unreachable
    return protocol(std::string("malformed reply: ") + e.what());
  }
}

Result<Reply> parse_chat_response(std::string_view body) {
  json response = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (response.is_discarded()) {
    return protocol("reply is not valid JSON: " + internal::one_line(body, 80));
  }
  return parse_chat_response(response);
}

size_t utf8_length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

size_t utf8_prefix_bytes(std::string_view text, size_t n) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (seen == n) return i;
      ++seen;
    }
  }
  return text.size();
}

}  // namespace spar::agent
