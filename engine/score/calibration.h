// Agreement between raters (spar calibrate): observed agreement, Cohen's kappa, Krippendorff's
// alpha, confusion tables, and the comparison of spar's graders with human labels. Pure: the
// labels and the graders' items come in as plain values (report/ reads the labels, graders.h
// draws the graders' items from records). docs/calibration.md has the formulas.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "score/metrics.h"

namespace spar::score {

using json = nlohmann::json;

// Two raters' values on the units both rated: (first's, second's).
using Pairs = std::vector<std::pair<std::string, std::string>>;

// The share of pairs with equal values; nullopt without pairs.
std::optional<double> observed_agreement(const Pairs& pairs);

// Cohen's kappa (two raters, nominal): (po - pe) / (1 - pe), pe = sum over categories of the two
// raters' shares. nullopt without pairs, or when pe = 1 (both raters used one and the same
// category only: agreement by chance is certain and kappa is undefined, not NaN).
std::optional<double> cohen_kappa(const Pairs& pairs);

// {"labels": [every value either side, sorted], "counts": {"<first's>": {"<second's>": n}}}
// (only the cells that occur).
json confusion_table(const Pairs& pairs);

enum class Level { nominal, interval };

// Krippendorff's alpha over units, each the values its raters gave (a rater who did not rate it
// simply gives none; a unit with fewer than two values is not pairable and is left out):
// 1 - (n - 1) * sum_ck o_ck d_ck / sum_ck n_c n_k d_ck, from the coincidence matrix o. d is 1 for
// c != k (nominal) or (c - k)^2 (interval: every value must read as a number, else it is left
// out). nullopt when fewer than two pairable values or no expected disagreement (one value
// only).
std::optional<double> krippendorff_alpha(const std::vector<std::vector<std::string>>& units, Level level);

// ---- graders against people ----------------------------------------------------------------

// One rater's value on one unit. `unit` names the conversation and item ("<run_id>|<conversation>
// |<item>"); `item` is the item alone (its kind decides the level: checkpoint:* is interval).
struct Rating {
  std::string rater;  // a grader ("outcome", "judge:mock", "recovery:action", "policy:<rule>") or a reviewer
  std::string unit;
  std::string item;
  std::string value;
  std::string rationale;
  json where = json::object();  // {"run_id", "conversation", "scenario"?}: shown with disagreements
};

struct CompareOptions {
  double threshold = 0.6;  // a grader whose kappa is below it (or undefined) is flagged
  size_t disagreements = 5;
};

// The whole comparison, as `spar calibrate --json` writes it (docs/calibration.md): per grader
// and per grader family (the name before ':', "judge" = every judge together) the units both
// labelled, agreement and kappa against the humans' majority, alpha over the grader and every
// human, the confusion table, the flag and the worst disagreements; then reviewer against
// reviewer per item kind.
json compare_with_humans(const std::vector<Rating>& graders, const std::vector<Rating>& humans,
                         const CompareOptions& options = {});

// spar calibrate --gate: "<grader>.<stat> OP VALUE", stat one of kappa, alpha, agreement, n;
// <grader> a grader or a family ("judge" = every judge). Errors (kind "input"): the syntax, an
// unknown stat.
Result<Gate> parse_calibration_gate(const std::string& text);

// Each gate against a comparison (compare_with_humans). A grader that is not there, one with no
// item both labelled, and a figure that is undefined (kappa with one category) fail the gate,
// with a message saying which.
std::vector<GateResult> check_calibration_gates(const json& comparison, const std::vector<Gate>& gates);

}  // namespace spar::score
