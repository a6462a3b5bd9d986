#include "agent/openai_wire.h"

#include <array>
#include <cstdint>

#include "agent/internal.h"

namespace spar::agent {

namespace {

Error protocol(std::string message) { return make_error(ErrorKind::protocol, std::move(message)); }

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

namespace {

// Everything of the request body but the messages.
json chat_request_head(const Request& request, const std::string& model, bool stream) {
  json body = {{"model", model}};
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

}  // namespace

json build_chat_request(const Request& request, const std::string& model, bool stream) {
  json body = chat_request_head(request, model, stream);
  body["messages"] = to_openai_messages(request);
  return body;
}

std::string dump_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

void append_json_string(std::string& out, std::string_view text) {
  // Plain ASCII with the common escapes is written here in runs; anything rarer (other
  // control characters, any byte >= 0x80, which needs UTF-8 checking) goes through
  // nlohmann's serializer so the bytes stay identical to dump_json's.
  // kClass: 0 copy as is, 1 a short escape, 2 hand over to nlohmann.
  static constexpr auto kClass = [] {
    std::array<uint8_t, 256> c{};
    for (int i = 0; i < 0x20; ++i) c[i] = 2;
    for (int i = 0x80; i < 0x100; ++i) c[i] = 2;
    c['"'] = c['\\'] = c['\n'] = c['\r'] = c['\t'] = 1;
    return c;
  }();
  size_t start = out.size();
  out += '"';
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    uint8_t cls = kClass[static_cast<unsigned char>(text[i])];
    if (cls == 0) continue;
    if (cls == 2) {
      out.resize(start);
      out += dump_json(json(std::string(text)));
      return;
    }
    out.append(text.data() + run, i - run);
    out += '\\';
    switch (text[i]) {
      case '\n': out += 'n'; break;
      case '\r': out += 'r'; break;
      case '\t': out += 't'; break;
      default: out += text[i]; break;  // '"' and '\\'
    }
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

namespace {

void append_message(std::string& out, const Message& m) {
  if (m.role == "assistant" && !m.tool_calls.empty()) {
    out += dump_json(to_openai(m));  // rare: tool calls keep the general path
    return;
  }
  // to_openai(m) with its keys in the order nlohmann's sorted objects write them.
  out += "{\"content\":";
  append_json_string(out, m.content);
  out += ",\"role\":";
  append_json_string(out, m.role);
  if (m.role == "tool") {
    out += ",\"tool_call_id\":";
    append_json_string(out, m.tool_call_id);
  }
  out += '}';
}

void append_messages(std::string& out, const Request& request) {
  out += '[';
  for (size_t i = 0; i < request.messages.size(); ++i) {
    if (i) out += ',';
    append_message(out, request.messages[i]);
  }
  out += ']';
}

}  // namespace

std::string messages_json(const Request& request) {
  std::string out;
  append_messages(out, request);
  return out;
}

std::string chat_request_body(const Request& request, const std::string& model, bool stream,
                              const json& extra) {
  // Everything but the messages as a (small) tree, then its members written in key order
  // with the messages put in their sorted place.
  json head = chat_request_head(request, model, stream);
  for (auto& [key, value] : extra.items()) head[key] = value;
  if (head.contains("messages")) {  // `extra` replaced them: the general path
    return dump_json(head);
  }
  std::string out;
  size_t history = 0;
  for (const Message& m : request.messages) history += m.content.size() + 32;
  out.reserve(history + 256);
  out += '{';
  bool wrote_messages = false;
  bool first = true;
  auto separate = [&] {
    if (!first) out += ',';
    first = false;
  };
  auto write_messages = [&] {
    separate();
    out += "\"messages\":";
    append_messages(out, request);
    wrote_messages = true;
  };
  for (auto it = head.begin(); it != head.end(); ++it) {
    if (!wrote_messages && it.key() > "messages") write_messages();
    separate();
    append_json_string(out, it.key());
    out += ':';
    out += dump_json(it.value());
  }
  if (!wrote_messages) write_messages();
  out += '}';
  return out;
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
  return check_tool_calls(reply);
}

Status check_tool_calls(const Reply& reply) {
  for (const ToolCall& call : reply.tool_calls) {
    if (internal::json_too_deep(call.arguments)) {
      return protocol(internal::too_deep_message("the arguments of tool call '" + internal::one_line(call.name, 80) + "'"));
    }
  }
  return ok_status();
}

Result<Reply> parse_chat_response(const json& response, std::string_view secret) {
  try {
    if (!response.is_object()) return protocol("reply is not a JSON object");
    if (const json* error = member(response, "error")) {
      const json* msg = member(*error, "message");
      std::string text = msg && msg->is_string() ? msg->get<std::string>() : dump_json(*error);
      return protocol("agent returned an error: " + internal::one_line(text, 200, secret));
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

Result<Reply> parse_chat_response(std::string_view body, std::string_view secret) {
  bool too_deep = false;
  json response = internal::parse_json(body, &too_deep);
  if (too_deep) return protocol(internal::too_deep_message("reply"));
  if (response.is_discarded()) {
    return protocol("reply is not valid JSON: " + internal::one_line(body, 80, secret));
  }
  return parse_chat_response(response, secret);
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
