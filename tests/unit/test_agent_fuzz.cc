// The fuzz harnesses (tests/fuzz) run in the unit suite over their committed seed corpora and
// over every input that ever crashed one of them (tests/fuzz/corpus/<target>/crash-*), so the
// normal build -- gcc, no libFuzzer -- keeps them honest. A harness signals a broken promise
// with __builtin_trap(), which fails this binary loudly.
#define SPAR_FUZZ_NO_ENTRY
#include "../fuzz/fuzz_cassette.cc"
#include "../fuzz/fuzz_response.cc"
#include "../fuzz/fuzz_results.cc"
#include "../fuzz/fuzz_spec.cc"
#include "../fuzz/fuzz_sse.cc"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace {

namespace fs = std::filesystem;

// Feeds every file of tests/fuzz/corpus/<target>/ to `harness`; returns how many.
int replay_corpus(const std::string& target, const std::function<int(const uint8_t*, size_t)>& harness) {
  fs::path dir = fs::path(SPAR_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / target;
  int n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string data = ss.str();
    INFO("input: " << entry.path().string());
    CHECK(harness(reinterpret_cast<const uint8_t*>(data.data()), data.size()) == 0);
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("fuzz corpora: every seed and past crash input passes its harness") {
  CHECK(replay_corpus("sse", spar::fuzz::sse) >= 5);
  CHECK(replay_corpus("response", spar::fuzz::response) >= 5);
  CHECK(replay_corpus("results", spar::fuzz::results) >= 3);
  CHECK(replay_corpus("spec", spar::fuzz::spec) >= 5);
  CHECK(replay_corpus("cassette", spar::fuzz::cassette) >= 3);
}

// Found by fuzz_results: a record whose "status" is a number made `spar report` abort with an
// uncaught nlohmann::json type_error inside score::summarize. The reader now rejects it.
TEST_CASE("fuzz regression: results.jsonl with a field of the wrong type is an input error, not an abort") {
  std::string content =
      "{\"scenario\": \"a\", \"trial\": 1, \"status\":  2, \"|tatus\": \"completgd\", \"pass\": false}\n"
      "{\"scenario\": \"b\", \"trial(\": 2, \"l\": 0, \"statass\": true}\n";
  auto read = spar::report::parse_results(content, "runs/x/results.jsonl");
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().kind == spar::ErrorKind::input);
  CHECK(read.error().message == "runs/x/results.jsonl:1: malformed record: \"status\" is not a string");
  for (const char* bad : {R"({"scenario": "a", "trial": "1"})", R"({"scenario": "a", "pass": 1})",
                          R"({"scenario": "a", "usage": []})", R"({"scenario": "a", "events": {}})"}) {
    CHECK_FALSE(spar::report::parse_results(std::string(bad) + "\n", "r").ok());
  }
  // Nulls and the documented minimal record are fine.
  auto ok = spar::report::parse_results(
      "{\"scenario\": \"a\", \"trial\": 1, \"status\": \"completed\", \"pass\": true, \"error\": null}\n", "r");
  REQUIRE(ok.ok());
  CHECK(ok->records.size() == 1);
}
