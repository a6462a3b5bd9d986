// The optional LLM judge: at each checkpoint, an OpenAI-compatible model scores the window of
// turns since the previous checkpoint against the scenario's rubric and answers in strict JSON.
// The judge is I/O: the conversation calls it through an AgentClient (from agent/) and stores
// the judgement in the record; score/ only reads recorded judgements.
#pragma once

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/client.h"
#include "base/jsonl.h"
#include "base/result.h"

namespace spar::conversation {

using json = nlohmann::json;

// Judge replies keyed by a content hash of the judge's identity and the request, so a rerun
// (or a repeat of the same window) never pays twice. Optionally persisted as JSON lines.
// Thread-safe: shared by every worker of a run.
class JudgeCache {
 public:
  // path "": in memory only. An existing file is loaded; new entries are appended.
  static Result<std::unique_ptr<JudgeCache>> open(const std::string& path);
  // The --judge-cache file `path`, or by default judge-cache.jsonl beside the output folder
  // `out_dir` (spar run's --out, spar score's output folder); its folder is created.
  static Result<std::unique_ptr<JudgeCache>> open_for_run(std::string path, const std::string& out_dir);
  ~JudgeCache();
  std::optional<std::string> get(const std::string& key);
  void put(const std::string& key, const std::string& reply);

 private:
  JudgeCache() = default;
  std::mutex mu_;
  std::map<std::string, std::string> entries_;
  std::unique_ptr<jsonl::Appender> file_;
};

// What a conversation needs to judge its windows. Not owned by the conversation.
struct Judge {
  agent::AgentClient* client = nullptr;  // bound to the conversation's loop
  JudgeCache* cache = nullptr;
  std::string identity;                   // the --judge spec: part of the cache key
  int repeats = 1;                        // judgements per window (--judge-repeats)
  double flaky_spread = 0.2;              // max - min above this flags the window as flaky
};

// The request for one window (turns from_turn..to_turn of the transcript) and one repeat.
agent::Request build_judge_request(const std::string& rubric, const json& transcript, int from_turn, int to_turn,
                                   uint64_t seed, int repeat, const std::string& session_id);

// The cache key: a 128-bit hex digest of the judge's identity and the request.
std::string judge_cache_key(const std::string& identity, const agent::Request& request);

// Parses the judge's strict-JSON answer {"score": 0..1, "reason": "..."}; code fences around
// it are tolerated. Errors are kind "judge".
Result<json> parse_judgement(const std::string& text);

// The rubric's fingerprint, kept in each judgement ("rubric": 8 hex digits of its FNV-1a hash)
// so spar calibrate can tell the judge's rubrics apart (score/graders: judge:<model>@<rubric>).
std::string rubric_fingerprint(const std::string& rubric);

// Combines the repeats of one window: {"score" (mean of valid scores, or null), "scores",
// "reasons", "agreement" (1 - spread), "flaky", "cached", "errors"}; judge_window adds "rubric".
json combine_judgements(const std::vector<Result<json>>& repeats, int cached, double flaky_spread);

// Judges the window of `transcript` that ends at checkpoint turn `checkpoint` (it starts after
// the previous turn of `checkpoint_turns`): `judge.repeats` requests, each answered from the
// cache when it can be, the rest sent concurrently through judge.client; answers that parse
// are cached. `done(judgement, sent)` runs once on the client's loop (at once when every repeat
// was cached) with combine_judgements' result, the number of requests sent and the tokens their replies
// reported. A failed
// request is an error inside the judgement, never a failure of the caller. The one path for a
// live conversation and for `spar score --judge`.
void judge_window(const Judge& judge, const std::string& rubric, const json& transcript, const json& checkpoint_turns,
                  int checkpoint, uint64_t seed, const std::string& session_id,
                  std::function<void(json judgement, int sent, agent::Usage tokens)> done);

}  // namespace spar::conversation
