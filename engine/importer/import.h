// Conversations from outside: `spar import` reads transcripts that spar did not play (OpenAI
// Chat Completions JSON lines, a plain {"role","content"} list, tau-bench trajectories) and
// turns each into a record v1 of observations only (docs/record.md): source.kind "import",
// ended "imported", no verdicts. Pure except read_conversations / import_files, which read the
// input files and write OUT/results.jsonl. Not thread-safe to share; call from one thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace spar::importer {

using json = nlohmann::json;

enum class ImportFormat { openai, messages, tau_bench };

// "openai" | "messages" | "tau-bench"; an "input" error for anything else.
Result<ImportFormat> parse_import_format(std::string_view name);
const char* format_name(ImportFormat format);

// The most bytes of one JSON document an import reads: one JSONL line (a conversation), or a
// whole `messages` or tau-bench file. Bigger is an input error naming the place.
constexpr size_t kMaxImportDocumentBytes = size_t{64} << 20;

// One conversation as the source holds it, before it becomes a record.
struct SourceConversation {
  std::string file;      // the path given
  int position = 0;      // the JSONL line (1-based), or the element index of a JSON array (0-based)
  std::string id;        // the conversation's id in the source
  json messages;         // OpenAI-style messages, as read
  json tools;            // the source's tool declarations (OpenAI `tools` list), or null
  json metadata;         // the source's own metadata, verbatim, or null
  std::string model;     // the model the source names, or ""
  json label;            // tau-bench: {"source","reward","pass"}; else null
  json gold_actions;     // tau-bench info.task.actions: [{"name","kwargs"}], or null
  int trial = 0;         // tau-bench: trial + 1; else 0 (numbered per scenario on import)
  std::string task;      // tau-bench: the task id as text; else ""

  // "path:position: " for messages about this conversation.
  std::string where() const;
};

struct ImportOptions {
  ImportFormat format = ImportFormat::openai;
  std::string scenario_id;        // --scenario-id: every conversation's scenario (trials 1..n)
  std::string domain = "airline"; // --domain: tau-bench's domain in scenario ids
  std::string run_id;             // the import's own random id, in every record (the CLI draws it)
};

// Reads every conversation of one file in order and hands each to `each`; stops at the first
// error (the callback's, or a conversation that cannot be read: "path:line: message", kind
// "input"). A file with no conversation is an error.
Status read_conversations(const std::string& path, const ImportOptions& options,
                          const std::function<Status(SourceConversation)>& each);

// The transcript of OpenAI-style messages in record form (docs/record.md): one entry per
// message, turns counted by user messages, tool calls as {"id","name","arguments": text}.
// `turns` and `tool_calls` receive the counts. An "input" error names the message
// ("messages[3]: unknown role 'bot'").
Result<json> transcript_of(const json& messages, int* turns = nullptr, int* tool_calls = nullptr,
                           int* assistant_messages = nullptr);

// "path:line: message" for a problem of one conversation; in a messages file the place is the
// index of the message that `message` names ("messages[3]: ...").
std::string locate(const SourceConversation& c, const ImportOptions& options, const std::string& message);

// The scenario id a conversation is imported under (before --scenario-id).
std::string default_scenario_id(const SourceConversation& c, const ImportOptions& options);

// The record v1 of one conversation as its `trial`. Pure.
Result<json> to_record(const SourceConversation& c, const ImportOptions& options, int trial);

struct ImportOutcome {
  size_t records = 0;
  std::string results_path;
};

// Imports every file into OUT/results.jsonl (replacing it; nothing is written when any
// conversation cannot be read): trials are tau-bench's (trial + 1), else numbered 1..n per
// scenario in input order. A repeated (scenario, trial) is an input error.
Result<ImportOutcome> import_files(const std::vector<std::string>& files, const ImportOptions& options,
                                   const std::string& out_dir);

}  // namespace spar::importer
