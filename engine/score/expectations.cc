#include "score/expectations.h"

#include <fmt/format.h>

#include "base/expect.h"

namespace spar::score {

std::string agent_text_of_turn(const json& transcript, int turn) {
  std::string out;
  for (const auto& e : transcript) {
    if (e.value("turn", -1) != turn || e.value("role", std::string()) != "assistant") continue;
    std::string content = e.value("content", std::string());
    if (content.empty()) continue;
    if (!out.empty()) out += '\n';
    out += content;
  }
  return out;
}

json agent_calls_of_turn(const json& transcript, int turn) {
  json out = json::array();
  for (const auto& e : transcript) {
    if (e.value("turn", -1) != turn || e.value("role", std::string()) != "assistant") continue;
    auto calls = e.find("tool_calls");
    if (calls == e.end() || !calls->is_array()) continue;
    for (const auto& c : *calls) {
      out.push_back({{"name", c.value("name", std::string())}, {"arguments", c.value("arguments", std::string())}});
    }
  }
  return out;
}

json score_expectations(const json& transcript, const json& expectations) {
  json out = json::array();
  if (!expectations.is_array()) return out;
  for (const auto& x : expectations) {
    int turn = x.is_object() ? x.value("turn", 0) : 0;
    ExpectOutcome o = x.is_object() ? expect_check(x, agent_text_of_turn(transcript, turn), agent_calls_of_turn(transcript, turn))
                                    : ExpectOutcome{false, "expected an expectation object"};
    std::string at = x.is_object() && x.contains("line") && x["line"].is_string()
                         ? fmt::format("turn {} ({})", turn, x["line"].get<std::string>())
                         : fmt::format("turn {}", turn);
    out.push_back({{"met", o.met}, {"message", at + ": " + o.message}});
  }
  return out;
}

json expectation_counts(const std::vector<const json*>& records, const CaseKeys& keys) {
  int checked = 0, failed = 0;
  json failures = json::array();
  for (const json* r : records) {
    auto sc = r->find("score");
    if (sc == r->end() || !sc->is_object()) continue;
    auto x = sc->find("expectations");
    if (x == sc->end() || !x->is_array()) continue;
    for (const auto& v : *x) {
      ++checked;
      if (!v.is_object() || v.value("met", false)) continue;
      ++failed;
      if (failures.size() < kListedFailures) {
        failures.push_back({{"scenario", r->value("scenario", std::string("?"))},
                            {"case", keys.key(*r)},
                            {"trial", r->value("trial", 0)},
                            {"message", v.value("message", std::string())}});
      }
    }
  }
  return {{"checked", checked}, {"failed", failed}, {"failures", std::move(failures)}};
}

}  // namespace spar::score
