#include "agent/adapters.h"

namespace spar::agent {

Status check_spec_keys(const AgentSpec& spec, std::initializer_list<const char*> required,
                       std::initializer_list<const char*> optional) {
  for (const auto& [key, value] : spec.params) {
    bool known = false;
    for (const char* k : required) known = known || key == k;
    for (const char* k : optional) known = known || key == k;
    if (!known) {
      std::string expected;
      for (auto list : {required, optional}) {
        for (const char* k : list) expected += (expected.empty() ? "" : ", ") + std::string(k);
      }
      return make_error("input", "unknown key '" + key + "' for agent kind '" + spec.kind +
                                     "' (expected " + expected + ")");
    }
  }
  for (const char* k : required) {
    if (spec.get(k).empty()) {
      return make_error("input", "agent kind '" + spec.kind + "' needs " + k + "=...");
    }
  }
  return ok_status();
}

Result<bool> parse_flag(const AgentSpec& spec, const std::string& key, bool fallback) {
  auto it = spec.params.find(key);
  if (it == spec.params.end()) return fallback;
  const std::string& v = it->second;
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  return make_error("input", "bad value '" + v + "' for " + key + " (expected 1 or 0)");
}

Result<std::unique_ptr<AgentFactory>> make_agent_factory(const AgentSpec& spec,
                                                        const FactoryOptions& options) {
  if (spec.kind == "openai") return make_openai_factory(spec, options);
  if (spec.kind == "http") return make_http_factory(spec, options);
  if (spec.kind == "exec") return make_exec_factory(spec, options);
  if (spec.kind == "mock") return make_mock_factory(spec, options);
  return make_error("input", "unknown agent kind '" + spec.kind + "' (expected mock, openai, http or exec)");
}

}  // namespace spar::agent
