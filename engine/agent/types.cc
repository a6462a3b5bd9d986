#include "agent/types.h"

namespace spar::agent {

json to_openai(const Message& m) {
  json out = {{"role", m.role}};
  if (m.role == "assistant" && !m.tool_calls.empty()) {
    // OpenAI sends null content alongside tool calls when the assistant said nothing.
    out["content"] = m.content.empty() ? json(nullptr) : json(m.content);
    json calls = json::array();
    for (const ToolCall& c : m.tool_calls) {
      calls.push_back({{"id", c.id},
                       {"type", "function"},
                       {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
    }
    out["tool_calls"] = std::move(calls);
  } else {
    out["content"] = m.content;
  }
  if (m.role == "tool") out["tool_call_id"] = m.tool_call_id;
  return out;
}

json to_openai(const ToolSpec& t) {
  return {{"type", "function"},
          {"function",
           {{"name", t.name},
            {"description", t.description},
            {"parameters", t.parameters.is_null() ? json::object() : t.parameters}}}};
}

}  // namespace spar::agent
