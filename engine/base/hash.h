// The one hash of spar: FNV-1a over bytes and the SplitMix64 mixers, for cassette exchange
// keys (agent/cassette.cc), judge cache keys (conversation/judge.cc), retry jitter
// (agent/retry.cc) and conversation seeds (base/seed.h). Stable across platforms and runs
// (unlike std::hash); not for security. Changing any of these changes stored keys and seeds:
// tests/unit/test_hash.cc pins them.
#pragma once

#include <cstdint>
#include <string_view>

namespace spar {

// FNV-1a's offset basis, and the second basis the 128-bit keys use for their other half.
inline constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ULL;
inline constexpr uint64_t kFnvAltBasis = 0x84222325cbf29ce4ULL;

// FNV-1a over bytes, starting from `h`.
constexpr uint64_t fnv1a(std::string_view s, uint64_t h = kFnvBasis) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// SplitMix64's finaliser alone (no increment): a good 64-bit mix.
constexpr uint64_t mix64_finalise(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// One SplitMix64 step: the golden-ratio increment, then the finaliser.
constexpr uint64_t mix64(uint64_t x) { return mix64_finalise(x + 0x9e3779b97f4a7c15ULL); }

}  // namespace spar
