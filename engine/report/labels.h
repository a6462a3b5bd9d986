// Human review labels (spar review, spar calibrate): what a person concluded about one item of
// one conversation, with the rationale they gave. Kept in the history database's `labels` table
// (sqlite_db.cc), one row per (reviewer, run_id, conversation, item): labelling the same item
// again replaces the reviewer's earlier label; several reviewers label the same items side by
// side. Labels are observations by people, kept apart from the records and their verdicts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "record/record.h"

namespace spar::report {

using json = nlohmann::json;

// What a label is about, inside one conversation (`item`), and the values `label` may take:
//   "conversation"      the conversation's outcome             "pass" | "fail"
//   "event:<i>"         confusion event i (0-based, as in the record's `events`) was recovered
//                                                              "recovered" | "not_recovered"
//   "checkpoint:<turn>" the window that ends at checkpoint <turn>, its quality on the judge's
//                       scale                                  "0" | "0.25" | "0.5" | "0.75" | "1"
//   "policy:<rule>"     the conversation broke the policy rule named as in score.violations[].rule
//                                                              "violated" | "not_violated"
struct Label {
  std::string reviewer;
  std::string run_id;        // the record's run_id
  std::string conversation;  // conversation_key(record)
  std::string item;
  std::string label;
  std::string rationale;  // required: never empty
  std::string time;       // when it was given, ISO 8601 UTC ("" = now, on add_label)
};

// The key of one conversation within its run: "<scenario>#<trial>", or
// "<scenario>@<persona>#<trial>" when the record names a persona.
std::string conversation_key(const record::Record& r);

// Null when the label is well formed (a known item kind, a value its kind allows, a non-empty
// reviewer, run_id, conversation and rationale); else what is wrong, for the user.
std::optional<std::string> label_problem(const Label& l);

// Adds or replaces one label. Errors: a malformed label (kind "input", label_problem's text),
// an unopenable database.
Status add_label(const std::string& db_path, const Label& l);

// Adds or replaces several labels in one transaction: all of them or, on any error (a
// malformed label is found before anything is written), none. spar review --import.
Status add_labels(const std::string& db_path, const std::vector<Label>& labels);

// Every label, ordered by run_id, conversation, item, reviewer. `run_id` "" = every run. A
// database that does not exist holds no labels (an empty list, not an error).
Result<std::vector<Label>> read_labels(const std::string& db_path, const std::string& run_id = "");

// One label as a JSON object with the struct's member names (spar review --export writes one
// per line); from_json checks label_problem. Errors name the problem, not the line: the
// caller adds `path:line`.
json label_to_json(const Label& l);
Result<Label> label_from_json(const json& j);

}  // namespace spar::report
