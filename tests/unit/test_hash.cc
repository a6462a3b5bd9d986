// One hash (base/hash.h): the bytes of every key and seed spar derives from a hash are pinned
// here, computed on the code before the hash functions were folded into one place, so old
// cassettes and judge caches still hit and conversation seeds never move.
#include <doctest/doctest.h>

#include <string>

#include "agent/cassette.h"
#include "base/hash.h"
#include "base/seed.h"
#include "conversation/judge.h"
#include "support.h"

namespace {

spar::agent::Request sample_request() {
  spar::agent::Request r;
  r.session_id = "refund#1-abc";
  r.seed = 123456789;
  r.messages.push_back(spar::agent::Message{"system", "You are a helpful agent.", {}, "", ""});
  r.messages.push_back(spar::agent::Message{"user", "Where is my order A1?", {}, "", ""});
  return r;
}

}  // namespace

TEST_CASE("hash: conversation seeds are pinned") {
  CHECK(spar::conversation_seed(0, "refund", 0) == 1007833045944256ULL);
  CHECK(spar::conversation_seed(42, "refund", 3) == 6703421443835357ULL);
  CHECK(spar::conversation_seed(7, "", 1) == 4863027032965360ULL);
  CHECK(spar::conversation_seed(0xffffffffffffffffULL, "caf\xc3\xa9", 9) == 7171845168196721ULL);
}

TEST_CASE("hash: cassette exchange keys are pinned") {
  CHECK(spar::agent::exchange_key("openai:gpt-x", sample_request()) == "f40f7eba220ab420a4b8bf3ce542b236");
  spar::agent::Request empty;
  CHECK(spar::agent::exchange_key("", empty) == "44e07344a9de3b3ff41433bb72b94b59");
}

TEST_CASE("hash: judge cache keys are pinned") {
  CHECK(spar::conversation::judge_cache_key("openai:judge", sample_request()) == "5a5595cb7a222b8e3e63caa676e7ccd1");
  spar::agent::Request empty;
  CHECK(spar::conversation::judge_cache_key("", empty) == "08549407b5086ab7888666e4d7261370");
}

TEST_CASE("hash: the mixers and the retry jitter key are pinned") {
  // agent/retry.cc's jitter key for session "refund#1-abc" and seed 123456789.
  CHECK((spar::fnv1a("refund#1-abc") ^ spar::mix64_finalise(123456789)) == 10737290783040192770ULL);
  CHECK(spar::mix64_finalise(12345) == 17540659726606785873ULL);
  CHECK(spar::mix64(12345) == 2454886589211414944ULL);
}
