#include "agent/sse.h"

#include <simdjson.h>

#include "agent/internal.h"
#include "agent/openai_wire.h"

namespace spar::agent {

namespace {
constexpr size_t kMaxToolCalls = 256;
constexpr size_t kRawKeep = 1u << 20;

// The common stream chunk, read with simdjson instead of an nlohmann tree: a streamed reply is
// one chunk per few words, so this runs for most bytes spar reads, and a tree per chunk was a
// quarter of spar's CPU at zero agent latency. simdjson validates the whole chunk (UTF-8,
// escapes, numbers) and reuses its buffers, so a chunk costs no allocation.
//
// It reads exactly what ChatStream::on_chunk reads: `usage`'s two counts and
// `choices[0].delta.content`. It accepts only chunks on_chunk accepts with no error and no tool
// calls, with the same result; for anything else (an `error` key, tool calls, a wrong type, a
// key it reads given twice, JSON simdjson refuses) it returns false and on_chunk's tree decides.
// Tests and the SSE fuzzer hold the two paths equal on every input.
struct CommonChunk {
  bool usage_seen = false;  // `usage` was an object: its counts replace the reply's
  Usage usage;
  std::string_view content;  // valid until the thread's next parse
};

constexpr size_t kFastMaxBytes = 64u << 10;  // bigger chunks take the tree path
// Deeper chunks take the tree path, which refuses those past internal::kMaxReplyJsonDepth: below
// the tree's limit, so that the two paths agree on every depth.
constexpr size_t kFastMaxDepth = internal::kMaxReplyJsonDepth / 2;

int64_t count_of(simdjson::dom::element value) {
  // nlohmann's is_number_integer covers signed and unsigned; anything else counts 0.
  if (int64_t i; value.get_int64().get(i) == simdjson::SUCCESS) return i;
  if (uint64_t u; value.get_uint64().get(u) == simdjson::SUCCESS) return static_cast<int64_t>(u);
  return 0;
}

bool read_common_chunk(std::string_view data, CommonChunk& out) {
  if (data.size() > kFastMaxBytes) return false;
  thread_local simdjson::dom::parser parser = [] {
    simdjson::dom::parser p;
    if (p.allocate(kFastMaxBytes, kFastMaxDepth) != simdjson::SUCCESS) {
      // parse() allocates (and reports a failure) itself
    }
    return p;
  }();
  simdjson::dom::element doc;
  if (parser.parse(data.data(), data.size(), /*realloc_if_needed=*/true).get(doc)) return false;
  simdjson::dom::object top;
  if (doc.get_object().get(top)) return false;
  simdjson::dom::element choices;
  bool have_usage = false, have_choices = false;
  for (simdjson::dom::key_value_pair field : top) {
    if (field.key == "error") return false;
    if (field.key == "usage") {
      if (have_usage) return false;
      have_usage = true;
      simdjson::dom::object usage;
      if (field.value.get_object().get(usage)) continue;  // not an object: ignored
      out.usage_seen = true;
      bool have_prompt = false, have_completion = false;
      for (simdjson::dom::key_value_pair count : usage) {
        if (count.key == "prompt_tokens") {
          if (have_prompt) return false;
          have_prompt = true;
          out.usage.prompt_tokens = count_of(count.value);
        } else if (count.key == "completion_tokens") {
          if (have_completion) return false;
          have_completion = true;
          out.usage.completion_tokens = count_of(count.value);
        }
      }
    } else if (field.key == "choices") {
      if (have_choices) return false;
      have_choices = true;
      choices = field.value;
    }
  }
  simdjson::dom::array list;
  if (!have_choices || choices.get_array().get(list) || list.size() == 0) return true;
  simdjson::dom::object choice;
  if (list.at(0).get_object().get(choice)) return false;  // the tree path reports it
  simdjson::dom::element delta;
  bool have_delta = false;
  for (simdjson::dom::key_value_pair field : choice) {
    if (field.key != "delta") continue;
    if (have_delta) return false;
    have_delta = true;
    delta = field.value;
  }
  if (!have_delta || delta.is_null()) return true;
  simdjson::dom::object delta_object;
  if (delta.get_object().get(delta_object)) return false;
  bool have_content = false, have_calls = false;
  for (simdjson::dom::key_value_pair field : delta_object) {
    if (field.key == "content") {
      if (have_content) return false;
      have_content = true;
      if (field.value.is_null()) continue;
      if (field.value.get_string().get(out.content)) return false;
    } else if (field.key == "tool_calls") {
      if (have_calls || !field.value.is_null()) return false;
      have_calls = true;
    }
  }
  return true;
}

}  // namespace

// ---- SseParser ----------------------------------------------------------------------------

namespace {
// The first CR or LF in `bytes`. (string_view::find_first_of calls memchr on the set for every
// byte, which cost more than the rest of the parser.)
size_t find_eol(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\n' || bytes[i] == '\r') return i;
  }
  return std::string_view::npos;
}
}  // namespace

Status SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
  if (!error_.empty()) return make_error(ErrorKind::protocol, error_);
  if (at_start_ && !bytes.empty()) {
    // Skip a UTF-8 BOM, which may itself arrive split across chunks.
    static constexpr std::string_view kBom = "\xEF\xBB\xBF";
    line_ += bytes;
    if (line_.size() < kBom.size() && kBom.substr(0, line_.size()) == line_) return ok_status();
    std::string head = std::move(line_);
    line_.clear();
    at_start_ = false;
    std::string_view rest = head;
    if (rest.substr(0, kBom.size()) == kBom) rest.remove_prefix(kBom.size());
    return feed(rest, out);
  }
  while (!bytes.empty()) {
    if (skip_lf_) {
      skip_lf_ = false;
      if (bytes.front() == '\n') {
        bytes.remove_prefix(1);
        continue;
      }
    }
    size_t eol = find_eol(bytes);
    if (eol == std::string_view::npos) {
      if (line_.size() + bytes.size() > max_line_) {
        error_ = "event stream line longer than " + std::to_string(max_line_) + " bytes";
        return make_error(ErrorKind::protocol, error_);
      }
      line_ += bytes;
      break;
    }
    if (bytes[eol] == '\r') skip_lf_ = true;
    if (line_.empty()) {
      on_line(bytes.substr(0, eol), out);
    } else {
      line_ += bytes.substr(0, eol);
      on_line(line_, out);
      line_.clear();
    }
    bytes.remove_prefix(eol + 1);
  }
  return ok_status();
}

Status SseParser::finish(std::vector<SseEvent>& out) {
  if (!error_.empty()) return make_error(ErrorKind::protocol, error_);
  if (!line_.empty()) {
    std::string last = std::move(line_);
    line_.clear();
    on_line(last, out);
  }
  dispatch(out);
  return ok_status();
}

void SseParser::on_line(std::string_view line, std::vector<SseEvent>& out) {
  if (line.empty()) {
    dispatch(out);
    return;
  }
  if (line.front() == ':') return;  // comment (keep-alive)
  size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) data_ += '\n';
    data_ += value;
    has_data_ = true;
  } else if (field == "event") {
    type_ = value;
  }
  // `id`, `retry` and unknown fields are ignored.
}

void SseParser::dispatch(std::vector<SseEvent>& out) {
  if (has_data_) out.push_back(SseEvent{std::move(type_), std::move(data_)});
  has_data_ = false;
  data_.clear();
  type_.clear();
}

// ---- ChatStream ---------------------------------------------------------------------------

Status ChatStream::feed(std::string_view bytes) {
  if (!error_.empty()) return make_error(ErrorKind::protocol, error_);
  if (cut_ || bytes.empty()) return ok_status();
  if (chunks_ == 0 && raw_.size() < kRawKeep) raw_.append(bytes.substr(0, kRawKeep - raw_.size()));
  events_.clear();
  Status fed = sse_.feed(bytes, events_);
  for (const SseEvent& e : events_) {
    if (Status s = on_event(e); !s) {
      error_ = s.error().message;
      return s;
    }
    if (cut_) break;
  }
  if (!fed) error_ = fed.error().message;
  return fed;
}

Status ChatStream::on_event(const SseEvent& event) {
  if (done_) return ok_status();  // anything after [DONE] is ignored
  ++chunks_;
  raw_.clear();
  if (event.data == "[DONE]") {
    done_ = true;
    return ok_status();
  }
  if (CommonChunk common; !tree_only_ && read_common_chunk(event.data, common)) {
    if (common.usage_seen) reply_.usage = common.usage;
    if (!common.content.empty()) append_text(common.content);
    return ok_status();
  }
  bool too_deep = false;
  json chunk = internal::parse_json(event.data, &too_deep);
  if (too_deep) return make_error(ErrorKind::protocol, internal::too_deep_message("stream chunk"));
  if (chunk.is_discarded()) {
    return make_error(ErrorKind::protocol, "malformed stream chunk: " + internal::one_line(event.data, 80, secret_));
  }
  try {
    return on_chunk(chunk);
  } catch (const std::exception& e) {  // defensive: on_chunk checks every type it reads
    return make_error(ErrorKind::protocol, std::string("malformed stream chunk: ") + e.what());
  }
}

Status ChatStream::on_chunk(const json& chunk) {
  if (!chunk.is_object()) return make_error(ErrorKind::protocol, "stream chunk is not a JSON object");
  if (auto err = chunk.find("error"); err != chunk.end() && !err->is_null()) {
    std::string text = err->is_object() && err->contains("message") && (*err)["message"].is_string()
                           ? (*err)["message"].get<std::string>()
                           : dump_json(*err);
    return make_error(ErrorKind::protocol, "agent stream error: " + internal::one_line(text, 200, secret_));
  }
  if (auto usage = chunk.find("usage"); usage != chunk.end() && usage->is_object()) {
    reply_.usage = parse_usage(*usage);
  }
  auto choices = chunk.find("choices");
  if (choices == chunk.end() || !choices->is_array() || choices->empty()) return ok_status();
  const json& choice = (*choices)[0];
  if (!choice.is_object()) return make_error(ErrorKind::protocol, "stream choice is not a JSON object");
  auto delta = choice.find("delta");
  if (delta == choice.end() || delta->is_null()) return ok_status();
  if (!delta->is_object()) return make_error(ErrorKind::protocol, "stream delta is not a JSON object");

  if (auto content = delta->find("content"); content != delta->end() && !content->is_null()) {
    if (!content->is_string()) return make_error(ErrorKind::protocol, "stream delta content is not a string");
    append_text(content->get_ref<const std::string&>());
    if (cut_) return ok_status();
  }
  auto calls = delta->find("tool_calls");
  if (calls == delta->end() || calls->is_null()) return ok_status();
  if (!calls->is_array()) return make_error(ErrorKind::protocol, "stream delta tool_calls is not an array");
  for (size_t i = 0; i < calls->size(); ++i) {
    const json& d = (*calls)[i];
    if (!d.is_object()) return make_error(ErrorKind::protocol, "stream tool_call delta is not a JSON object");
    int64_t index = static_cast<int64_t>(i);
    if (auto ix = d.find("index"); ix != d.end() && ix->is_number_integer()) index = ix->get<int64_t>();
    if (!calls_.count(index) && calls_.size() >= kMaxToolCalls) {
      return make_error(ErrorKind::protocol, "too many tool calls in stream");
    }
    ToolCall& call = calls_[index];
    if (auto id = d.find("id"); id != d.end() && id->is_string() && !id->get_ref<const std::string&>().empty()) {
      call.id = id->get<std::string>();
    }
    auto fn = d.find("function");
    if (fn == d.end() || fn->is_null()) continue;
    if (!fn->is_object()) return make_error(ErrorKind::protocol, "stream tool_call function is not a JSON object");
    if (auto name = fn->find("name"); name != fn->end() && name->is_string()) {
      call.name += name->get_ref<const std::string&>();
    }
    if (auto args = fn->find("arguments"); args != fn->end() && !args->is_null()) {
      call.arguments += args->is_string() ? args->get<std::string>() : dump_json(*args);
    }
  }
  return ok_status();
}

void ChatStream::append_text(std::string_view delta) {
  size_t n = utf8_length(delta);
  if (cut_after_ >= 0 && text_chars_ + n > static_cast<size_t>(cut_after_)) {
    size_t keep = static_cast<size_t>(cut_after_) - text_chars_;
    reply_.text.append(delta.substr(0, utf8_prefix_bytes(delta, keep)));
    text_chars_ += keep;
    reply_.truncated = true;
    cut_ = true;
    return;
  }
  reply_.text.append(delta);
  text_chars_ += n;
}

Result<Reply> ChatStream::finish() {
  if (!error_.empty()) return make_error(ErrorKind::protocol, error_);
  if (!cut_ && !done_) {
    events_.clear();
    if (Status s = sse_.finish(events_); !s) return s.error();
    for (const SseEvent& e : events_) {
      if (Status s = on_event(e); !s) return s.error();
    }
  }
  if (cut_) {
    Reply reply = std::move(reply_);
    reply.tool_calls.clear();  // an interrupted reply carries no actions
    return reply;
  }
  if (chunks_ == 0 && !raw_.empty()) {
    // No event at all: perhaps a server that ignored `stream: true` and sent plain JSON.
    bool too_deep = false;
    json body = internal::parse_json(raw_, &too_deep);
    if (too_deep) return make_error(ErrorKind::protocol, internal::too_deep_message("reply"));
    if (!body.is_discarded() && body.is_object()) return parse_chat_response(body, secret_);
  }
  if (!done_) {
    return make_error(ErrorKind::protocol, chunks_ == 0 ? "empty event stream (expected data: lines)"
                                               : "event stream ended without [DONE]");
  }
  Reply reply = std::move(reply_);
  int i = 0;
  for (auto& [index, call] : calls_) {
    if (call.name.empty()) return make_error(ErrorKind::protocol, "stream tool call without a function name");
    if (call.id.empty()) call.id = "call_" + std::to_string(i);
    reply.tool_calls.push_back(std::move(call));
    ++i;
  }
  if (Status s = check_tool_calls(reply); !s) return s.error();
  return reply;
}

}  // namespace spar::agent
