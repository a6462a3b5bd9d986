#include "scored.h"

#include "run/rescore.h"

namespace spar::test {

nlohmann::json scored(record::Record r, const nlohmann::json& judgements, const std::string& scenario_path) {
  run::ScoreSetup setup;
  setup.live = true;
  return run::score_one(std::move(r), judgements, setup, scenario_path);
}

}  // namespace spar::test
