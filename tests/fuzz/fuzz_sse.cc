// libFuzzer target: the SSE parser and the OpenAI stream accumulator (agent/sse.h) on arbitrary
// bytes split into arbitrary chunks. Both promise to report malformed input as an Error and
// never crash, whatever the bytes; the barge-in cut must keep at most N characters; and the
// SAX fast path for common chunks must agree with the JSON-tree path on every input.
//
// Input layout: byte 0 picks the barge-in cut (0xff: none, else 0..254 characters); byte 1
// seeds the chunk sizes; the rest is the response body.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "agent/openai_wire.h"
#include "agent/sse.h"

using namespace spar::agent;

namespace spar::fuzz {

int sse(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  int cut = data[0] == 0xff ? -1 : data[0];
  uint32_t chunking = data[1];
  std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);

  // The same bytes in chunks of 1..16 bytes (a different split for each seed) must give the
  // same events as in one piece: the parser carries partial lines across chunks.
  SseParser whole, pieces;
  std::vector<SseEvent> a, b;
  auto sa = whole.feed(body, a);
  bool ok_pieces = true;
  for (size_t at = 0; at < body.size();) {
    chunking = chunking * 1103515245u + 12345u;
    size_t n = 1 + (chunking >> 16) % 16;
    ok_pieces = pieces.feed(body.substr(at, n), b).ok() && ok_pieces;
    at += n;
  }
  if (sa.ok()) (void)whole.finish(a);
  if (ok_pieces) (void)pieces.finish(b);
  if (sa.ok() && ok_pieces) {
    if (a.size() != b.size()) __builtin_trap();
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].data != b[i].data || a[i].type != b[i].type) __builtin_trap();
    }
  }

  // The SAX fast path for common chunks must give exactly what the JSON-tree path gives.
  ChatStream stream(cut), reference(cut, /*tree_only=*/true);
  auto run = [&](ChatStream& s, uint32_t seed) {
    for (size_t at = 0; at < body.size() && !s.cut();) {
      seed = seed * 1103515245u + 12345u;
      size_t n = 1 + (seed >> 16) % 64;
      if (!s.feed(body.substr(at, n)).ok()) break;
      at += n;
    }
    return s.finish();
  };
  auto reply = run(stream, chunking);
  auto expected = run(reference, chunking);
  if (reply.ok() != expected.ok()) __builtin_trap();
  if (!reply.ok() && reply.error().message != expected.error().message) __builtin_trap();
  if (reply.ok()) {
    if (reply->text != expected->text || reply->truncated != expected->truncated ||
        reply->usage.prompt_tokens != expected->usage.prompt_tokens ||
        reply->usage.completion_tokens != expected->usage.completion_tokens ||
        reply->tool_calls.size() != expected->tool_calls.size()) {
      __builtin_trap();
    }
    if (cut >= 0 && utf8_length(reply->text) > static_cast<size_t>(cut)) __builtin_trap();
    if (reply->truncated && !reply->tool_calls.empty()) __builtin_trap();
    (void)dump_json(json(reply->text));
  }
  return 0;
}

}  // namespace spar::fuzz

#ifndef SPAR_FUZZ_NO_ENTRY
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return spar::fuzz::sse(data, size); }
#endif
