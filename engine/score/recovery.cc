#include "score/recovery.h"

#include "score/checkpoints.h"
#include "score/events.h"

namespace spar::score {

void score_conversation(json& record, const ScoreOptions& options) {
  score_events(record, options);
  score_checkpoints(record);
}

}  // namespace spar::score
