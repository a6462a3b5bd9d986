#include "report/calibrate.h"

#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "base/json_util.h"
#include "report/results.h"
#include "report/terminal.h"
#include "score/graders.h"

namespace spar::report {

namespace {

const auto str = string_member;

// conversation_key of a record read as JSON.
std::string key_of(const json& r) {
  record::Record rec;
  rec.scenario = str(r, "scenario");
  if (!str(r, "persona").empty()) rec.persona = str(r, "persona");
  rec.trial = int_member(r, "trial", 1);
  return conversation_key(rec);
}

std::string unit_of(const std::string& run_id, const std::string& conversation, const std::string& item) {
  return run_id + "|" + conversation + "|" + item;
}

std::string figure(const json& v) { return v.is_number() ? fmt::format("{:.3f}", v.get<double>()) : "-"; }

// One line of text, control characters escaped, cut at `max` bytes.
std::string line(const std::string& text, size_t max = 160) {
  std::string t = printable(text);
  if (t.size() > max) t = t.substr(0, max) + "...";
  return t;
}

}  // namespace

json calibration_of(const std::vector<json>& records, const std::vector<Label>& labels,
                    const score::CompareOptions& options) {
  auto rules = score::violated_rules(records);
  std::vector<score::Rating> graders;
  std::set<std::string> conversations;  // run_id|key
  int unscored = 0;
  for (const auto& r : records) {
    std::string run_id = str(r, "run_id"), key = key_of(r);
    conversations.insert(run_id + "|" + key);
    if (!member(r, "score").is_object()) ++unscored;
    for (auto& g : score::grader_ratings(r, rules[str(r, "scenario")])) {
      g.unit = unit_of(run_id, key, g.item);
      g.where["conversation"] = key;
      graders.push_back(std::move(g));
    }
  }
  std::vector<score::Rating> humans;
  int elsewhere = 0;
  for (const auto& l : labels) {
    if (!conversations.count(l.run_id + "|" + l.conversation)) {
      ++elsewhere;
      continue;
    }
    humans.push_back({l.reviewer, unit_of(l.run_id, l.conversation, l.item), l.item, l.label, l.rationale,
                      {{"run_id", l.run_id}, {"conversation", l.conversation}}});
  }
  json out = score::compare_with_humans(graders, humans, options);
  std::set<std::string> graded;
  for (const auto& g : graders) graded.insert(g.unit);
  std::set<std::string> ungraded;
  for (const auto& h : humans) {
    if (!graded.count(h.unit)) ungraded.insert(h.unit);
  }
  out["records"] = records.size();
  out["unscored_records"] = unscored;
  out["labels_elsewhere"] = elsewhere;
  out["ungraded_units"] = ungraded.size();
  return out;
}

Result<std::vector<Label>> labels_of_runs(const std::vector<json>& records, const std::string& db) {
  std::set<std::string> runs;
  for (const auto& r : records) runs.insert(str(r, "run_id"));
  std::vector<Label> labels;
  for (const auto& run : runs) {
    auto some = read_labels(db, run);
    if (!some.ok()) return some.error();
    labels.insert(labels.end(), some->begin(), some->end());
  }
  return labels;
}

Result<json> calibrate_dir(const std::string& dir, const std::string& db, const score::CompareOptions& options) {
  auto read = read_results((std::filesystem::path(dir) / "results.jsonl").string(), /*drop_transcripts=*/true);
  if (!read.ok()) return read.error();
  auto labels = labels_of_runs(read->records, db);
  if (!labels.ok()) return labels.error();
  return calibration_of(read->records, *labels, options);
}

std::string render_calibration(const json& c) {
  std::string out;
  const json& reviewers = member(c, "reviewers");
  std::string who;
  for (const auto& r : reviewers) who += (who.empty() ? "" : ", ") + line(r.get<std::string>(), 40);
  out += fmt::format("calibration: {} labels by {} reviewer(s) ({}) on {} items of {} records; flagged below kappa {:g}\n",
                     c.value("labels", 0), reviewers.size(), who, c.value("units_labelled", 0), c.value("records", 0),
                     c.value("threshold", 0.6));
  if (c.value("ungraded_units", 0) > 0) {
    out += fmt::format("  {} labelled items no grader decided (unscored by spar)\n", c.value("ungraded_units", 0));
  }
  if (c.value("unscored_records", 0) > 0) {
    out += fmt::format("  {} records have no score: run spar report DIR to score them\n", c.value("unscored_records", 0));
  }
  const json& graders = member(c, "graders");
  if (graders.empty()) {
    out += "no grader rated an item a person labelled\n";
    return out;
  }
  size_t width = 6;
  for (const auto& g : graders) width = std::max(width, std::min<size_t>(60, line(g.value("grader", "")).size()));
  out += fmt::format("\n{:<{}}  {:>4}  {:>5}  {:>6}  {:>6}  {:>6}\n", "grader", width, "n", "tied", "agree", "kappa", "alpha");
  for (const auto& g : graders) {
    std::string flag = g.value("flagged", false) ? "  FLAGGED: " + g.value("flag", "") : "";
    out += fmt::format("{:<{}}  {:>4}  {:>5}  {:>6}  {:>6}  {:>6}{}\n", line(g.value("grader", ""), 60), width,
                       g.value("n", 0), g.value("tied", 0), figure(g["agreement"]), figure(g["kappa"]), figure(g["alpha"]),
                       flag);
  }
  const json& people = member(c, "reviewers_agreement");
  if (!people.empty()) {
    out += "\nreviewer against reviewer\n";
    for (const auto& [kind, k] : people.items()) {
      out += fmt::format("  {}: {} items labelled by two or more, alpha {}\n", kind, k.value("units", 0), figure(k["alpha"]));
      for (const auto& p : k["pairs"]) {
        out += fmt::format("    {} / {}: n {}, agreement {}, kappa {}\n", line(p.value("a", ""), 40), line(p.value("b", ""), 40),
                           p.value("n", 0), figure(p["agreement"]), figure(p["kappa"]));
      }
    }
  }
  for (const auto& g : graders) {
    if (g.value("family", false) || g.value("n", 0) == 0) continue;  // a family's members are shown one by one
    out += fmt::format("\n{}: rows what it said, columns the people's majority\n", line(g.value("grader", ""), 60));
    const json& labels = g["confusion"]["labels"];
    std::string head = fmt::format("  {:<14}", "");
    for (const auto& l : labels) head += fmt::format("{:>14}", l.get<std::string>());
    out += head + "\n";
    for (const auto& row : labels) {
      std::string r = fmt::format("  {:<14}", row.get<std::string>());
      for (const auto& col : labels) {
        const json& cell = member(member(g["confusion"]["counts"], row.get<std::string>()), col.get<std::string>());
        r += fmt::format("{:>14}", cell.is_number() ? cell.get<int>() : 0);
      }
      out += r + "\n";
    }
    for (const auto& d : g["disagreements"]) {
      out += fmt::format("  disagree: {} {} ({}): said {}: {}\n", line(str(d, "conversation"), 80), str(d, "item"),
                         line(str(d, "run_id"), 20), str(d, "value"), line(str(d, "rationale")));
      for (const auto& h : d["humans"]) {
        out += fmt::format("      {} said {}: {}\n", line(str(h, "reviewer"), 40), str(h, "label"), line(str(h, "rationale")));
      }
    }
  }
  const json& unlabelled = member(c, "unlabelled_graders");
  if (!unlabelled.empty()) {
    std::string names;
    for (const auto& [name, n] : unlabelled.items()) names += (names.empty() ? "" : ", ") + line(name, 60);
    out += fmt::format("\nno labelled item for: {}\n", names);
  }
  return out;
}

}  // namespace spar::report
