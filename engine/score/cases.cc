#include "score/cases.h"

#include "base/json_util.h"

namespace spar::score {

CaseId case_id(const json& record) {
  const json& s = member(record, "scenario");
  const json& p = member(record, "persona");
  return {s.is_string() ? s.get<std::string>() : std::string("?"),
          p.is_string() ? std::optional<std::string>(p.get<std::string>()) : std::nullopt};
}

std::string persona_label(const std::optional<std::string>& persona) {
  return persona ? *persona : std::string(kInlinePersona);
}

CaseKeys::CaseKeys(const std::vector<json>& records) {
  for (const auto& r : records) add(r);
}

CaseKeys::CaseKeys(const std::vector<const json*>& records) {
  for (const json* r : records) add(*r);
}

void CaseKeys::add(const json& record) {
  CaseId id = case_id(record);
  by_scenario_[id.scenario].insert(id.persona);
  personas_.insert(id.persona);
}

std::string case_key(const CaseId& id, bool several_personas) {
  return several_personas ? id.scenario + "@" + persona_label(id.persona) : id.scenario;
}

std::string CaseKeys::key(const CaseId& id) const {
  auto it = by_scenario_.find(id.scenario);
  return case_key(id, it != by_scenario_.end() && it->second.size() > 1);
}

bool shows_personas(const json& summary) {
  const json& per = member(summary, "per_persona");
  if (!per.is_object() || per.size() < 2) return false;
  int cases = int_member(summary, "cases"), scenarios = int_member(summary, "scenarios");
  return !(cases == static_cast<int>(per.size()) && cases == scenarios);
}

void annotate_cases(std::vector<json>& records) {
  CaseKeys keys(records);
  for (auto& r : records) {
    if (r.is_object()) r["case"] = keys.key(r);
  }
}

}  // namespace spar::score
