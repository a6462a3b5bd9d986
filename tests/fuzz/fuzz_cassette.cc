// libFuzzer target: the --replay cassette reader (agent/cassette.h Cassette::parse). A cassette
// is a file users commit and edit; a bad one must be an input error "path:line: message", a
// good one must serve what it holds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/cassette.h"

using namespace spar::agent;

namespace spar::fuzz {

int cassette(const uint8_t* data, size_t size) {
  std::string_view content(reinterpret_cast<const char*>(data), size);
  auto cassette = Cassette::parse(content, "fuzz.jsonl");
  if (!cassette.ok()) {
    if (cassette.error().kind != spar::ErrorKind::input) __builtin_trap();
    return 0;
  }
  // Look every key up twice (replays in order, then the last repeats).
  bool header = false;
  for (size_t pos = 0; pos < content.size();) {
    size_t eol = content.find('\n', pos);
    std::string_view line = content.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
    json j = json::parse(line, nullptr, false);
    bool blank = line.find_first_not_of(" \t\r") == std::string_view::npos;
    if (!blank && !header) {
      header = true;
    } else if (j.is_object() && j.contains("key") && j["key"].is_string()) {
      for (int i = 0; i < 2; ++i) {
        if (!(*cassette)->find(j["key"].get<std::string>())) __builtin_trap();
      }
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  return 0;
}

}  // namespace spar::fuzz

#ifndef SPAR_FUZZ_NO_ENTRY
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return spar::fuzz::cassette(data, size); }
#endif
