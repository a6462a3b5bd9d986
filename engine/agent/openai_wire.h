// The OpenAI Chat Completions wire format: building request bodies and parsing replies.
// Pure functions over JSON, no I/O; used by the openai, http and exec adapters, and callable
// from fuzzers (every parser returns an Error for bad input and never throws).
//
// Thread-safety: all functions are reentrant.
#pragma once

#include <string>
#include <string_view>

#include "agent/types.h"
#include "base/result.h"

namespace spar::agent {

// {"model", "messages", "tools"?, "seed", "user": session_id, "stream", "stream_options"?}.
// `tools` is omitted when the request has none; with `stream`, asks for
// stream_options.include_usage so the last chunk carries token counts.
json build_chat_request(const Request& request, const std::string& model, bool stream);

// All of `request.messages` as an OpenAI `messages` array.
json to_openai_messages(const Request& request);

// The same body as dump_json(build_chat_request(...)) with `extra`'s members set on it, byte
// for byte, written straight to text: the history is most of every request, and building a
// tree of it per turn, then walking it, was a fifth of spar's CPU.
std::string chat_request_body(const Request& request, const std::string& model, bool stream,
                              const json& extra = json::object());

// dump_json(to_openai_messages(request)), written straight to text.
std::string messages_json(const Request& request);

// Appends `text` as a JSON string, exactly as dump_json(json(text)) writes it.
void append_json_string(std::string& out, std::string_view text);

// Serialises JSON for the wire. Invalid UTF-8 in strings is replaced (U+FFFD) instead of
// throwing, so text cut mid-character can never abort a run.
std::string dump_json(const json& value);

// A non-streaming response: `choices[0].message` (content, tool_calls) and `usage`.
// Errors are kind "protocol" ("no choices in reply", an `error` object, wrong types...).
// `secret` (the API key) is scrubbed from the part of the body an error message quotes
// before it is cut.
Result<Reply> parse_chat_response(const json& response, std::string_view secret = {});
// The same from the raw body text; unparsable JSON, or JSON nested deeper than
// internal::kMaxReplyJsonDepth, is a "protocol" error.
Result<Reply> parse_chat_response(std::string_view body, std::string_view secret = {});

// One OpenAI assistant message object ({"content", "tool_calls"}) into `reply`: text and
// tool calls. Tool-call `arguments` given as a JSON object instead of a string are kept as
// their JSON text. Also used for the exec adapter's reply lines.
Status parse_assistant_message(const json& message, Reply& reply);

// A "protocol" error when a tool call's `arguments` nest JSON deeper than
// internal::kMaxReplyJsonDepth: the conversation parses them, and spar never holds such a value.
Status check_tool_calls(const Reply& reply);

// `usage` {"prompt_tokens", "completion_tokens"}; absent or null fields count as 0.
Usage parse_usage(const json& usage);

// Number of UTF-8 code points in `text` (bytes that are not continuation bytes).
size_t utf8_length(std::string_view text);
// The byte length of the first `n` code points of `text` (all of it if shorter).
size_t utf8_prefix_bytes(std::string_view text, size_t n);

}  // namespace spar::agent
