// Deterministic seeds: every conversation's seed derives from (run seed, scenario id, trial),
// so a trial replays identically given the same agent replies. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace spar {

// SplitMix64 finaliser: a good 64-bit mixing function.
constexpr uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// FNV-1a over bytes; stable across platforms and runs (unlike std::hash).
constexpr uint64_t fnv1a(std::string_view s, uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// The seed of one conversation. Kept within 2^53 so it survives JSON round trips as a number.
constexpr uint64_t conversation_seed(uint64_t run_seed, std::string_view scenario_id, int trial) {
  uint64_t h = mix64(run_seed ^ fnv1a(scenario_id));
  h = mix64(h ^ static_cast<uint64_t>(trial));
  return h & ((1ULL << 53) - 1);
}

}  // namespace spar
