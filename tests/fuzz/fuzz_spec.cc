// libFuzzer target: the agent spec parser (agent/client.h parse_agent_spec) and the checks
// that follow it (keys per kind, flags, openai settings, model identity). Bad specs are "input"
// errors with one line; nothing may crash. No factory is made: that would start processes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/adapters.h"
#include "agent/cassette.h"
#include "agent/client.h"

using namespace spar::agent;

namespace spar::fuzz {

int spec(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = parse_agent_spec(text);
  if (!spec.ok()) {
    if (spec.error().kind != spar::ErrorKind::input || spec.error().message.empty()) __builtin_trap();
    return 0;
  }
  if (spec->kind != "mock" && spec->kind != "openai" && spec->kind != "http" && spec->kind != "exec") __builtin_trap();
  (void)check_spec(*spec);
  for (const auto& [key, value] : spec->params) {
    if (key.empty()) __builtin_trap();
    (void)parse_flag(*spec, key, false);
  }
  if (spec->kind == "openai" || spec->kind == "mock") {
    FactoryOptions options;
    (void)openai_config_from_spec(*spec, options, spec->kind == "mock");
  }
  (void)exchange_key(model_identity("agent", *spec), Request{});
  return 0;
}

}  // namespace spar::fuzz

#ifndef SPAR_FUZZ_NO_ENTRY
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return spar::fuzz::spec(data, size); }
#endif
