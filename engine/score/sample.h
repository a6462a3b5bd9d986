// spar review --sample: which conversations are most worth a person's time. Pure: no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spar::score {

using json = nlohmann::json;

struct ReviewPick {
  size_t index = 0;                  // into the records given
  int weight = 0;                    // the sum of the reasons' weights; 0 = a random pick
  std::vector<std::string> reasons;  // why, for the person (never empty)
};

// Up to `n` records (results.jsonl lines, v1 records with their "score"), most worth reviewing
// first. Each record earns weight for what makes a human label informative:
//   5  graders disagree: score.pass against an import's label.pass
//   4  the conversation failed (score.pass false, no error)
//   3  per checkpoint window whose judge was flaky (score.judgements[t].flaky)
//   3  per window where the judge and the code dimensions differ by 0.5 or more
//      (score.checkpoints[t].judge against the mean of policy, recovery, retention, steps)
//   2  verdicts decided by `text` evidence (events, probes, violations with decided_by "text")
//   1  an infrastructure error (agent_error, script_error)
// Higher weight first; ties, and the records with no reason at all (picked at random to fill
// `n`), are ordered by a hash of (seed, index): the same records and seed give the same picks.
std::vector<ReviewPick> sample_for_review(const std::vector<json>& records, size_t n, uint64_t seed);

}  // namespace spar::score
