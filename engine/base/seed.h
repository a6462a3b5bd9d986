// Deterministic seeds: every conversation's seed derives from (run seed, scenario id, trial),
// so a trial replays identically given the same agent replies. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/hash.h"

namespace spar {

// The seed of one conversation. Kept within 2^53 so it survives JSON round trips as a number.
constexpr uint64_t conversation_seed(uint64_t run_seed, std::string_view scenario_id, int trial) {
  uint64_t h = mix64(run_seed ^ fnv1a(scenario_id));
  h = mix64(h ^ static_cast<uint64_t>(trial));
  return h & ((1ULL << 53) - 1);
}

}  // namespace spar
