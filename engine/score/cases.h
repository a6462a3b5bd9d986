// The case of a conversation: the task its trials are trials of (docs/metrics.md, "Cases").
//
// A scenario played by one persona is one case, named by the scenario id ("retail/x"). A
// scenario played by several personas among the records considered is one case per persona,
// named "scenario@persona" ("retail/x@waffler"): each persona's trials are a task of their own,
// so pass^k never pools two personas' trials as if they were trials of one task. A record whose
// persona is null (an inline persona) plays as kInlinePersona. This is the only place the key
// is derived (docs/architecture.md); summary, report, JUnit, gates, diff and history use it.
// Pure: no I/O.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace spar::score {

using json = nlohmann::json;

// How a null persona (an inline persona{} in the scenario) is named in case keys and per_persona.
inline constexpr std::string_view kInlinePersona = "(inline)";

// What identifies a case across runs: the scenario id and the persona's name (nullopt: inline).
struct CaseId {
  std::string scenario;
  std::optional<std::string> persona;
  auto operator<=>(const CaseId&) const = default;
};

// A record's (scenario, persona): scenario "?" when it has none, as summarize() counts it.
CaseId case_id(const json& record);

// The persona's name as shown: the name, or kInlinePersona.
std::string persona_label(const std::optional<std::string>& persona);

// The key of the case `id`, given whether its scenario is played by several personas: the
// scenario id, or "scenario@persona". (For a caller that knows that from elsewhere, e.g. a plan.)
std::string case_key(const CaseId& id, bool several_personas);

// The case keys of one set of records.
class CaseKeys {
 public:
  CaseKeys() = default;
  explicit CaseKeys(const std::vector<json>& records);
  explicit CaseKeys(const std::vector<const json*>& records);

  std::string key(const CaseId& id) const;
  std::string key(const json& record) const { return key(case_id(record)); }
  // How many distinct personas play, over every scenario (an inline persona counts as one).
  size_t personas() const { return personas_.size(); }

 private:
  void add(const json& record);
  std::map<std::string, std::set<std::optional<std::string>>> by_scenario_;
  std::set<std::optional<std::string>> personas_;
};

// Whether a summary's reports show the personas (the console's per-persona block, report.html's
// persona x scenario matrix): more than one persona plays, and not each persona its own
// scenario alone (that matrix would be the case table again).
bool shows_personas(const json& summary);

// Gives each record its case key as "case" (report.html reads it there).
void annotate_cases(std::vector<json>& records);

}  // namespace spar::score
