// A conversation's record with its verdicts, as a live run writes it (run/rescore.h).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "record/record.h"

namespace spar::test {

nlohmann::json scored(record::Record r, const nlohmann::json& judgements, const std::string& scenario_path);

}  // namespace spar::test
