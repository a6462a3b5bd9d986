// Plain data exchanged with an agent under test, in the shape of OpenAI Chat Completions.
// No I/O here; every adapter converts to and from its own wire format.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spar::agent {

using json = nlohmann::json;

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // the raw JSON text the agent produced; may be malformed
};

struct Message {
  std::string role;  // "system" | "user" | "assistant" | "tool"
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant messages only
  std::string tool_call_id;          // tool messages only
  std::string name;                  // tool messages: the tool's name
};

struct ToolSpec {
  std::string name;
  std::string description;
  json parameters = json::object();  // JSON Schema of the arguments
};

struct Request {
  std::string session_id;         // stable for one conversation
  uint64_t seed = 0;              // the conversation's seed; sent as OpenAI's `seed`
  std::vector<Message> messages;  // system prompt first, then the history
  std::vector<ToolSpec> tools;
  // Barge-in: with a streaming agent, stop reading the reply after this many characters of
  // text and return what arrived with `truncated = true`. Negative: read the whole reply.
  int cut_after_chars = -1;
  // Which attempt this is (1, 2, ...), set by the retry layer (agent/retry.h) and sent as the
  // `X-Spar-Attempt` header by HTTP adapters. 0: not set, no header. Not part of the request's
  // meaning: record/replay keys ignore it.
  int attempt = 0;
};

struct Usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
};

struct Reply {
  std::string text;
  std::vector<ToolCall> tool_calls;
  bool truncated = false;  // cut by barge-in
  Usage usage;
  double latency_ms = 0;   // from sending the request to the last byte used (last attempt)
  int attempts = 1;        // requests made to get this reply (> 1 after retries)
};

// Error kinds an adapter reports (Error::kind, base/result.h): transport (connect, reset),
// timeout, http (non-2xx status, with Error::http_status and Error::retry_after_s), protocol
// (malformed JSON or SSE), input (bad spec), exec, replay_miss (--replay found no recorded
// reply for the request).

// Message <-> OpenAI JSON, shared by the adapters and the mock agent.
json to_openai(const Message& m);
json to_openai(const ToolSpec& t);

}  // namespace spar::agent
