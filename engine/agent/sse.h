// Server-Sent Events and the OpenAI streaming format, as pure incremental parsers.
//
// SseParser turns arbitrary byte chunks into events (the WHATWG EventSource rules: lines end
// in CRLF, LF or CR, even when split across chunks; `data:` lines of one event join with
// "\n"; lines starting with ':' are comments; a blank line ends an event). ChatStream sits on
// top and accumulates an OpenAI `chat.completion.chunk` stream into a Reply, including the
// barge-in cut. Neither does I/O; both report malformed input as an Error and never crash,
// whatever the bytes.
//
// Thread-safety: an instance is used by one thread at a time; no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "agent/types.h"
#include "base/result.h"

namespace spar::agent {

struct SseEvent {
  std::string type;  // the `event:` field; empty for the default "message"
  std::string data;  // `data:` lines joined with "\n"
};

class SseParser {
 public:
  // A line longer than `max_line_bytes` is an error (a garbage stream must not eat memory).
  explicit SseParser(size_t max_line_bytes = 16u << 20) : max_line_(max_line_bytes) {}

  // Consumes `bytes` and appends every event completed by them to `out` (events without
  // any data line are not reported). After an error, every later call returns it again.
  Status feed(std::string_view bytes, std::vector<SseEvent>& out);

  // End of input: a final line without its terminator and an event without its blank line
  // still count (lenient towards servers that close right after the last data line).
  Status finish(std::vector<SseEvent>& out);

 private:
  void on_line(std::string_view line, std::vector<SseEvent>& out);
  void dispatch(std::vector<SseEvent>& out);

  size_t max_line_;
  std::string line_;       // a partial line carried over from the previous chunk
  bool skip_lf_ = false;   // the previous chunk ended in CR: a leading LF belongs to it
  bool at_start_ = true;   // a UTF-8 BOM is skipped at the very start
  bool has_data_ = false;
  std::string data_;
  std::string type_;
  std::string error_;
};

// A chunk nesting JSON deeper than internal::kMaxReplyJsonDepth, or tool-call arguments that do
// once joined, is a "protocol" error.
//
// Accumulates an OpenAI streaming reply: `choices[0].delta.content` text, `delta.tool_calls`
// merged by `index` (id and name taken when present, `arguments` concatenated), `usage` from
// the final chunk (stream_options.include_usage), and the `[DONE]` sentinel.
//
// Barge-in: with cut_after_chars = N >= 0, once the text exceeds N characters (UTF-8 code
// points) the stream is cut: the reply keeps exactly the first N characters, has
// truncated = true and no tool calls, and cut() turns true so the caller stops reading.
class ChatStream {
 public:
  // `tree_only` turns off the SAX fast path for common chunks and parses every chunk into a
  // JSON tree: the reference the fast path must match (tests and the SSE fuzzer compare them).
  // `secret` (the API key) is scrubbed from what an error message quotes before it is cut.
  explicit ChatStream(int cut_after_chars = -1, bool tree_only = false, std::string secret = {})
      : cut_after_(cut_after_chars), tree_only_(tree_only), secret_(std::move(secret)) {}

  // Consumes raw body bytes. An Error (kind "protocol") means the stream is unusable;
  // later calls return it again.
  Status feed(std::string_view bytes);

  bool cut() const { return cut_; }         // barge-in reached: stop reading
  bool finished() const { return done_; }  // [DONE] seen

  // End of the body: the reply, or a "protocol" error (malformed chunk, an `error` object,
  // or no [DONE] unless cut). A body that holds one plain JSON completion instead of an
  // event stream (a server ignoring `stream: true`) is accepted too.
  Result<Reply> finish();

 private:
  Status on_event(const SseEvent& event);
  Status on_chunk(const json& chunk);
  void append_text(std::string_view delta);

  int cut_after_;
  bool tree_only_ = false;
  std::string secret_;
  SseParser sse_;
  std::vector<SseEvent> events_;
  Reply reply_;
  size_t text_chars_ = 0;
  std::map<int64_t, ToolCall> calls_;
  bool cut_ = false;
  bool done_ = false;
  size_t chunks_ = 0;
  std::string raw_;  // the body's start while no event has been seen (for the JSON fallback)
  std::string error_;
};

}  // namespace spar::agent
