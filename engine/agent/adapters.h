// The agent adapters behind make_agent_factory, one per spec kind, plus the OpenAI client
// that the mock kind (and an LLM judge) reuse directly.
//
// Thread-safety: factories may be used from any thread (make() only reads them); every
// client is bound to the Loop it was made for, as in client.h.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>

#include "agent/client.h"

namespace spar::agent {

// Per-kind factories. REQUIRES: spec.kind matches. Spec errors are kind "input".
Result<std::unique_ptr<AgentFactory>> make_openai_factory(const AgentSpec& spec, const FactoryOptions& options);
Result<std::unique_ptr<AgentFactory>> make_http_factory(const AgentSpec& spec, const FactoryOptions& options);
Result<std::unique_ptr<AgentFactory>> make_exec_factory(const AgentSpec& spec, const FactoryOptions& options);
Result<std::unique_ptr<AgentFactory>> make_mock_factory(const AgentSpec& spec, const FactoryOptions& options);

// An OpenAI-compatible Chat Completions endpoint.
struct OpenAiConfig {
  std::string model;
  std::string base_url = "https://api.openai.com/v1";  // POSTs go to {base_url}/chat/completions
  std::string api_key;                                 // empty: no Authorization header
  bool stream = false;
  double timeout_s = 120;
  size_t max_reply_bytes = kDefaultMaxReplyBytes;  // FactoryOptions::max_reply_bytes
  json extra = json::object();  // merged into every request body (temperature, max_tokens)
};
std::unique_ptr<AgentClient> make_openai_client(Loop& loop, const OpenAiConfig& config);

// Builds an OpenAI config from `openai` spec params (model, base_url, api_key_env, stream,
// temperature, max_tokens). `stream_default` applies when the spec has no `stream`.
Result<OpenAiConfig> openai_config_from_spec(const AgentSpec& spec, const FactoryOptions& options,
                                             bool stream_default);

// "input" errors for a spec of any kind: unknown keys, missing required keys (the table of
// keys per kind lives in factory.cc).
Status check_spec(const AgentSpec& spec);

// "input" errors for a spec: a key outside required+optional, or a required key missing.
Status check_spec_keys(const AgentSpec& spec, std::initializer_list<const char*> required,
                       std::initializer_list<const char*> optional);

// "1/true/yes/on" and "0/false/no/off"; anything else is an "input" error naming `key`.
Result<bool> parse_flag(const AgentSpec& spec, const std::string& key, bool fallback);

}  // namespace spar::agent
