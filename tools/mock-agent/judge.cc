#include "judge.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace spar::mock {

namespace {

std::string text_of(const json& message) {
  const json& c = message.value("content", json());
  if (c.is_string()) return c.get<std::string>();
  std::string out;
  if (c.is_array()) {
    for (const auto& part : c) {
      if (part.is_object() && part.value("type", "") == "text") out += part.value("text", "");
    }
  }
  return out;
}

bool contains(const std::string& haystack, const char* needle) { return haystack.find(needle) != std::string::npos; }

}  // namespace

bool is_judge_request(const json& request) {
  const json& messages = request.value("messages", json::array());
  return messages.is_array() && !messages.empty() && messages[0].is_object() &&
         messages[0].value("role", "") == "system" && contains(text_of(messages[0]), "spar judge v1");
}

BrainReply judge(const json& request, const Knobs& knobs) {
  std::string excerpt;
  for (const auto& m : request.value("messages", json::array())) {
    if (m.is_object() && m.value("role", "") == "user") excerpt += text_of(m) + "\n";
  }
  int agent_lines = 0, lapses = 0;
  std::istringstream in(excerpt);
  for (std::string line; std::getline(in, line);) {
    if (!contains(line, "] AGENT: ")) continue;
    ++agent_lines;
    if (contains(line, "I don't have") || contains(line, "I'm afraid") || contains(line, "don't have your")) ++lapses;
  }
  double score = std::max(0.0, 1.0 - 0.25 * lapses);
  if (knobs.judge_noise > 0) {
    double noise = (roll(request_seed(request), 0, "judge_noise") * 2 - 1) * knobs.judge_noise;
    score = std::clamp(score + noise, 0.0, 1.0);
  }
  score = std::round(score * 1000) / 1000;
  std::ostringstream reason;
  reason << "The agent answered " << agent_lines - lapses << " of " << agent_lines
         << " messages without admitting a gap.";
  BrainReply reply;
  reply.text = json{{"score", score}, {"reason", reason.str()}}.dump();
  reply.finish_reason = "stop";
  return reply;
}

}  // namespace spar::mock
