// junit.xml: one testcase per case (a scenario, or a scenario and one of its personas:
// score/cases.h), its trials inside (properties and system-out), a failure that names which
// trials failed and why. Readable by common CI systems.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spar::report {

using json = nlohmann::json;

std::string render_junit(const json& summary, const std::vector<json>& records);

// Why one trial did not pass, in a few words: "goal not met", "critical violation: RULE",
// "error (timeout): MESSAGE".
std::string why_failed(const json& record);

}  // namespace spar::report
