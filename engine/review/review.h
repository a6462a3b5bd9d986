// spar review: the human grader's page. A local HTTP server (127.0.0.1 only) over a run's or an
// import's records: one self-contained page (assets/review.html, with report.html's transcript
// view spliced in) and the JSON API behind it. Labels go to the history database through
// report/labels.h; the server keeps no state of its own.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace spar::review {

using json = nlohmann::json;

// One conversation offered for review.
struct Conversation {
  json record;                                 // as in results.jsonl, with its "score"
  std::string key;                             // report::conversation_key
  std::string run_id;
  std::vector<std::string> declared_policies;  // the scenario file's rule names, when it was found
  std::string policy_note;                     // why they are missing ("" when found)
  std::string reason;                          // why --sample picked it ("" without --sample)
};

struct Options {
  std::string db;        // the history database holding the labels
  std::string reviewer;  // who labels through this server
  std::string host = "127.0.0.1";
  int port = 0;          // 0: any free port
};

// What a person can label in one conversation, in the page's order: the conversation, each
// confusion event, each checkpoint window the conversation reached, each policy rule (the
// scenario's declared rules, then any rule flagged that the scenario no longer declares). Each is
// {"item", "kind", "title", "turn"?, "spar": {"label", "decided_by", "detail"?}}: spar's own
// verdict ("label" null when spar has none).
json review_items(const Conversation& c);

// Serves until `stop` turns true (checked between requests and every 100 ms) and returns; calls
// on_listen(port) once it listens. Errors: the address cannot be bound.
Status serve(const std::vector<Conversation>& conversations, const Options& options,
             const std::function<void(int)>& on_listen, const std::atomic<bool>& stop);

}  // namespace spar::review
