// libFuzzer target: the results.jsonl reader (report/results.h parse_results) and what
// `spar report` does next with the records (score/summary.h summarize). `spar report` must work
// on any results.jsonl whose records parse -- hand-edited, truncated or from an older spar --
// so neither may crash; malformed lines are input errors.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "report/results.h"
#include "score/summary.h"

namespace spar::fuzz {

int results(const uint8_t* data, size_t size) {
  std::string_view content(reinterpret_cast<const char*>(data), size);
  auto read = spar::report::parse_results(content, "fuzz/results.jsonl");
  if (!read.ok()) {
    if (read.error().kind != spar::ErrorKind::input) __builtin_trap();
    return 0;
  }
  if (read->intact_bytes > size) __builtin_trap();
  (void)spar::score::summarize(read->records);
  return 0;
}

}  // namespace spar::fuzz

#ifndef SPAR_FUZZ_NO_ENTRY
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return spar::fuzz::results(data, size); }
#endif
