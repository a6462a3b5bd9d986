// The mock agent as an LLM judge: answers spar's judge requests (their system prompt carries
// the marker "spar judge v1") with strict JSON {"score", "reason"}, deterministically.
//
// The score reads the excerpt's AGENT lines: 1, minus 0.25 for each line in which the agent
// admits it lacks something ("I don't have", "I'm afraid"), floored at 0. With the judge_noise
// knob, seeded noise of up to +/- judge_noise is added (the request's seed differs per repeat),
// so repeated judgements disagree on purpose. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "brain.h"
#include "knobs.h"

namespace spar::mock {

bool is_judge_request(const json& request);
BrainReply judge(const json& request, const Knobs& knobs);

}  // namespace spar::mock
