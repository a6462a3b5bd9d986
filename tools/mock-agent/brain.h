// Brain: the rule engine of spar-mock-agent, a pure function from an OpenAI Chat Completions
// request (history + tools + seed) and the knobs to the next assistant message.
//
// It is schema-driven and knows no scenario: intents come from what a real agent sees of the
// write tools (names and plain descriptions), slots from the tools' JSON-schema parameters, and
// all state is reconstructed from the visible history on every call. All randomness comes from
// roll(seed, user_turn, label), so the same request always gets the same reply.
//
// Thread-safety: decide() has no shared state and may be called from any thread.
// The behaviour rules are documented in tools/mock-agent/README.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "knobs.h"

namespace spar::mock {

using json = nlohmann::json;

struct OutToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text, as in OpenAI's function.arguments
};

struct BrainReply {
  std::string text;                   // empty when the reply is tool calls only
  std::vector<OutToolCall> tool_calls;
  std::string finish_reason;          // "stop" | "tool_calls"
};

// The next assistant message for `request` (an OpenAI Chat Completions request body).
// Never throws on odd input: malformed messages or tools are skipped.
BrainReply decide(const json& request, const Knobs& knobs);

// Deterministic uniform number in [0, 1) for one decision: seed, the user turn the decision
// belongs to, and a label naming the decision ("correct:account_id", "policy_slip", ...).
double roll(uint64_t seed, uint64_t user_turn, std::string_view label);

// A stable 64-bit hash (FNV-1a followed by a splitmix64 finaliser).
uint64_t hash64(std::string_view text, uint64_t salt = 0);

// The request's `seed` (0 when absent or not an integer) and number of user messages.
uint64_t request_seed(const json& request);
uint64_t count_user_messages(const json& request);

// Approximate token count of a text: ceil(chars / 4).
int64_t approx_tokens(std::string_view text);

}  // namespace spar::mock
