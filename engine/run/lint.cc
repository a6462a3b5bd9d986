#include "run/lint.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "agent/fake.h"
#include "conversation/conversation.h"
#include "run/rescore.h"
#include "run/discover.h"

namespace spar::run {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// The scenario's facts as words an agent would repeat back (top-level strings and numbers), so
// the stand-in's questions and proposals name them as a real agent would.
std::string fact_words(const json& facts) {
  std::string out;
  if (!facts.is_object()) return out;
  for (const auto& [key, value] : facts.items()) {
    if (!value.is_string() && !value.is_number()) continue;
    std::string v = value.is_string() ? value.get<std::string>() : value.dump();
    if (v.empty() || v.size() > 80) continue;
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

// Arguments of the declared type for every property of a tool's schema; a string is the fact
// of the same name when there is one (order_id: facts.order_id), else the first string fact.
std::string arguments_for(const json& schema, const json& facts, const std::string& a_fact) {
  json args = json::object();
  if (schema.is_object() && schema.contains("properties") && schema["properties"].is_object()) {
    for (const auto& [name, p] : schema["properties"].items()) {
      std::string type = p.is_object() && p.contains("type") && p["type"].is_string() ? p["type"].get<std::string>() : "string";
      if (type == "integer" || type == "number") args[name] = 1;
      else if (type == "boolean") args[name] = true;
      else if (type == "array") args[name] = json::array();
      else if (type == "object") args[name] = json::object();
      else if (type == "null") args[name] = nullptr;
      else if (facts.is_object() && facts.contains(name) && facts[name].is_string()) args[name] = facts[name];
      else args[name] = a_fact.empty() ? "1" : a_fact;
    }
  }
  return args.dump();
}

// The scripted stand-in agent of the dry run: every kind of turn in turn, so every branch a
// persona takes on the agent's reply gets its chance: a question, a proposal asking to go
// ahead, a round of tool calls (each declared tool in turn) and its report, a refusal, and a
// confirmation.
agent::FakeAgent::Responder stand_in(const json& facts) {
  std::string words = fact_words(facts);
  std::string first;
  if (facts.is_object()) {
    for (const auto& [k, v] : facts.items()) {
      if (v.is_string() && first.empty()) first = v.get<std::string>();
    }
  }
  // The questions name the facts' keys in turn ("your order id?"), as an agent asks for them.
  std::vector<std::string> asks;
  if (facts.is_object()) {
    for (const auto& [k, v] : facts.items()) {
      if (!v.is_string() && !v.is_number()) continue;
      std::string words_of_key = k;
      std::replace(words_of_key.begin(), words_of_key.end(), '_', ' ');
      asks.push_back(words_of_key);
    }
  }
  if (asks.empty()) asks.push_back("order number and your name");
  auto tool_round = std::make_shared<size_t>(0);
  auto question = std::make_shared<size_t>(0);
  return [words, first, facts, asks, tool_round, question](const agent::Request& req) -> Result<agent::Reply> {
    agent::Reply r;
    int user_turns = 0;
    for (const auto& m : req.messages) user_turns += m.role == "user";
    const bool after_tools = !req.messages.empty() && req.messages.back().role == "tool";
    const std::string named = words.empty() ? "that" : words;
    if (after_tools) {
      r.text = fmt::format("Done: I have made the change for {}. Is there anything else?", named);
      return r;
    }
    switch (user_turns % 5) {
      case 1: r.text = fmt::format("Could you tell me your {}, please?", asks[(*question)++ % asks.size()]); break;
      case 2: r.text = fmt::format("I can do that for {}. Shall I go ahead?", named); break;
      case 3:
        if (!req.tools.empty()) {
          const auto& tool = req.tools[(*tool_round)++ % req.tools.size()];
          r.text = "Let me do that now.";
          r.tool_calls.push_back({fmt::format("lint_{}", *tool_round), tool.name, arguments_for(tool.parameters, facts, first)});
        } else {
          r.text = fmt::format("Done: I have taken care of {}. Anything else?", named);
        }
        break;
      case 4: r.text = "I'm sorry, I can't do that: it is against our policy."; break;
      default: r.text = fmt::format("Yes, that's right: {}. Anything else I can help with?", named); break;
    }
    return r;
  };
}

struct DryRun {
  std::vector<std::string> problems;
  std::string note;  // "path: dry run: N of M turns (ended ...)"
};

// Plays the scenario once, to its max_turns, against the stand-in, and returns the script
// errors the persona, a tool, a policy or the goal raised.
DryRun dry_run(const std::string& path, const json& facts, int max_turns, const persona::Options& options) {
  agent::Loop loop;
  agent::FakeAgent agent(loop, stand_in(facts));
  json record;
  conversation::Options conv_options;
  conv_options.persona = options;
  ScoreSetup setup;
  setup.persona = options;
  setup.live = true;
  conversation::Plan plan{path, "lint", 1, 1};
  plan.persona = options.persona;
  conversation::Conversation conv(plan, conv_options, agent, [&](record::Record r, json judgements) {
    record = score_one(std::move(r), judgements, setup, path);
  });
  loop.post([&] { conv.start(); });
  loop.run();
  DryRun out;
  if (record["error"].is_object()) out.problems.push_back(record["error"].value("message", "dry run failed"));
  out.note = fmt::format("{}: dry run{}: {} of {} turns against the stand-in agent (ended: {})", path,
                         options.persona.empty() ? "" : " with " + options.persona, record.value("turns", 0), max_turns,
                         record.value("ended", std::string("?")));
  return out;
}

// A line that holds nothing a line hook could see run on its own: `end`, `else`, closing
// brackets, commas (the compiler places a function's final return on its `end`).
bool closing_line(const std::string& line) {
  std::string rest = line;
  if (auto c = rest.find("--"); c != std::string::npos) rest.resize(c);
  std::string word;
  for (char ch : rest) {
    if (std::isalpha(static_cast<unsigned char>(ch))) {
      word += ch;
      continue;
    }
    if (!word.empty() && word != "end" && word != "else") return false;
    word.clear();
    if (!std::isspace(static_cast<unsigned char>(ch)) && ch != '}' && ch != ')' && ch != ',' && ch != ';') return false;
  }
  return word.empty() || word == "end" || word == "else";
}

// "path:LINE: warning: ..." per file with lines that have code the dry runs never ran.
std::vector<std::string> unreached(const persona::Coverage& coverage) {
  std::vector<std::string> out;
  for (const auto& [path, lines] : coverage.lines) {
    std::ifstream in(path);
    std::vector<std::string> text;
    for (std::string l; std::getline(in, l);) text.push_back(l);
    const auto found = coverage.reached.find(path);
    static const std::set<int> none;
    const std::set<int>& reached = found == coverage.reached.end() ? none : found->second;
    std::vector<std::pair<int, int>> ranges;
    int missed = 0;
    for (int l : lines) {
      if (reached.count(l)) continue;
      if (l >= 1 && static_cast<size_t>(l) <= text.size() && closing_line(text[static_cast<size_t>(l) - 1])) continue;
      ++missed;
      // Ranges over the lines with code: no line that ran lies between two unreached ones.
      if (!ranges.empty()) {
        auto between = reached.upper_bound(ranges.back().second);
        if (between == reached.end() || *between > l) {
          ranges.back().second = l;
          continue;
        }
      }
      ranges.emplace_back(l, l);
    }
    if (ranges.empty()) continue;
    std::string list;
    for (const auto& [a, b] : ranges) list += (list.empty() ? "" : ", ") + (a == b ? std::to_string(a) : fmt::format("{}-{}", a, b));
    out.push_back(fmt::format("{}:{}: warning: lint's dry run never reached {} line{} of code: {}", path,
                              ranges.front().first, missed, missed == 1 ? "" : "s", list));
  }
  return out;
}

}  // namespace

Result<LintReport> lint(const std::vector<std::string>& paths, const persona::Options& options) {
  // The walker of `spar run`, but lint also checks the personas, and an empty folder is fine.
  auto files = discover_lua_files(
      paths, Discovery{.skip_personas = false, .require_some = false, .missing = "no such file or folder"});
  if (!files.ok()) return files.error();
  LintReport report;
  persona::Coverage coverage;
  persona::Options counted = options;
  counted.coverage = &coverage;
  for (const auto& f : *files) {
    auto kind = persona::Session::script_kind(f);
    if (!kind.ok()) {
      report.problems.push_back(kind.error().message);
      continue;
    }
    if (*kind == "persona") {
      ++report.personas;
      continue;
    }
    ++report.scenarios;
    persona::Options listing = options;
    listing.keep_problems = true;
    auto session = persona::Session::open(f, listing);
    if (!session.ok()) {
      report.problems.push_back(session.error().message);
      continue;
    }
    std::set<std::string> seen;
    for (auto& p : (*session)->lint()) {
      seen.insert(p);
      report.problems.push_back(std::move(p));
    }
    // Every persona the scenario lists plays it, each with its own facts (persona_facts).
    const auto& info = (*session)->info();
    std::vector<std::string> cast = info.personas.size() > 1 ? info.personas : std::vector<std::string>{""};
    for (const auto& name : cast) {
      persona::Options as = counted;
      as.persona = name;
      json facts = info.facts;
      if (!name.empty()) {
        persona::Options quiet = listing;
        quiet.persona = name;
        auto pair = persona::Session::open(f, quiet);
        if (!pair.ok()) {
          if (!seen.count(pair.error().message)) report.problems.push_back(pair.error().message);
          seen.insert(pair.error().message);
          continue;
        }
        facts = (*pair)->info().facts;
      }
      auto played = dry_run(f, facts, info.max_turns, as);
      for (auto& p : played.problems) {
        if (!seen.count(p)) report.problems.push_back(p);  // open()'s refusal, already listed
        seen.insert(p);
      }
      report.notes.push_back(std::move(played.note));
    }
  }
  report.warnings = unreached(coverage);
  return report;
}

}  // namespace spar::run
