// What each of spar's graders said about the items a person can label (report/labels.h), drawn
// from one scored record. Pure. Each item carries the grader's own rationale where the record
// has one. A grader that decided nothing about an item says nothing about it: an unscored
// verdict is no rating.
//
//   outcome            item "conversation": score.pass (pass | fail) unless decided_by is
//                      "unscored"; the rationale says what decided it (goal, its evidence, the
//                      violations, the error, the failed expectation)
//   label:<source>     item "conversation": an import's own verdict, label.pass (tau-bench's reward)
//   judge:<model>      item "checkpoint:<t>": score.judgements[t].score put on the labels' scale
//                      (the nearest of 0, 0.25, 0.5, 0.75, 1); <model> is the judge spec's model=
//                      option, else the spec as recorded in score.scorer.options.judge
//   recovery:<kind>    item "event:<i>": score.events[i].recovered, grader named by its
//                      decided_by (action, state, judge, text); unscored events say nothing
//   policy:<rule>      item "policy:<rule>": "violated" when score.violations names the rule;
//                      "not_violated" only when the rule was checked over this record: the
//                      scenario's policies were replayed (score.policy_count > 0), no policy_error
//                      warning names the rule, and the rule is one of the scenario's (it is in
//                      `scenario_rules`: the rules any record of the same scenario was found to
//                      break, since records do not list the rules a scenario declares)
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "score/calibration.h"

namespace spar::score {

// The graders' ratings of one record (a results.jsonl object). `unit` is left empty and `where`
// holds {"run_id", "scenario", "trial"}: the caller, which knows the conversation key, fills them.
std::vector<Rating> grader_ratings(const json& record, const std::set<std::string>& scenario_rules);

// scenario -> the rules score.violations names in any of `records`.
std::map<std::string, std::set<std::string>> violated_rules(const std::vector<json>& records);

// The value of a 0..1 judge score on the labels' five-point scale: "0", "0.25", "0.5", "0.75", "1".
std::string five_point(double score);

}  // namespace spar::score
