// libFuzzer target: the agent-response parsers (agent/openai_wire.h) -- a Chat Completions
// body, an exec agent's reply line, and `usage` -- on arbitrary bytes. They promise to return
// an Error for bad input and never throw; whatever they accept must serialise back to JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/openai_wire.h"

using namespace spar::agent;

namespace spar::fuzz {

int response(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto reply = parse_chat_response(body);
  if (reply.ok()) {
    // What was accepted goes back into a request as history: it must serialise.
    Request next;
    next.messages.push_back({"assistant", reply->text, reply->tool_calls, "", ""});
    (void)dump_json(build_chat_request(next, "m", true));
  }
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) {
    Reply r;
    (void)parse_assistant_message(j, r);
    (void)parse_usage(j);
    if (j.is_object() && j.contains("usage")) (void)parse_usage(j["usage"]);
  }
  (void)utf8_prefix_bytes(body, size % 7);
  return 0;
}

}  // namespace spar::fuzz

#ifndef SPAR_FUZZ_NO_ENTRY
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return spar::fuzz::response(data, size); }
#endif
