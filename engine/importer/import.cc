#include "importer/import.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "base/json_depth.h"
#include "record/record.h"
#include "report/results.h"

namespace spar::importer {

namespace fs = std::filesystem;

namespace {

Error input(std::string message) { return make_error(ErrorKind::input, std::move(message)); }

// Parses one JSON document; the error names the line of the file it starts on (`first_line`)
// plus the line inside it where parsing failed.
Result<json> parse_document(std::string_view text, const std::string& path, int first_line) {
  json v = parse_json_bounded(text);
  if (!v.is_discarded()) return v;
  if (json_nests_deeper_than(text)) {
    return input(fmt::format("{}:{}: nested deeper than {} levels", path, first_line, kMaxJsonDepth));
  }
  try {
    json ignored = json::parse(text);
    (void)ignored;
  } catch (const json::parse_error& e) {
    size_t end = std::min(e.byte == 0 ? 0 : e.byte - 1, text.size());
    int line = first_line;
    for (size_t i = 0; i < end; ++i) line += text[i] == '\n';
    std::string why = e.what();
    if (auto colon = why.find("syntax error"); colon != std::string::npos) why = why.substr(colon);
    return input(fmt::format("{}:{}: not valid JSON: {}", path, line, why));
  }
  return input(fmt::format("{}:{}: not valid JSON", path, first_line));
}

std::string text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  return "";
}

// A message's content as one string: text, null (""), or a list of parts whose text parts are
// joined; a part of another type (an image) reads "[type]".
Result<std::string> content_of(const json& m, const std::string& at) {
  auto it = m.find("content");
  if (it == m.end() || it->is_null()) return std::string();
  if (it->is_string()) return it->get<std::string>();
  if (!it->is_array()) return input(at + ": content is not a string, null or a list of parts");
  std::string out;
  for (const auto& part : *it) {
    if (!part.is_object() || !part.contains("type") || !part["type"].is_string()) {
      return input(at + ": a content part is not an object with a \"type\"");
    }
    std::string type = part["type"];
    if (!out.empty()) out += "\n";
    if (type == "text") {
      if (!part.contains("text") || !part["text"].is_string()) return input(at + ": a text part has no \"text\"");
      out += part["text"].get<std::string>();
    } else {
      out += "[" + type + "]";
    }
  }
  return out;
}

// One tool call in record form: {"id","name","arguments": json text}.
Result<json> tool_call_of(const json& call, const std::string& at) {
  const json* fn = &call;
  if (call.is_object() && call.contains("function")) fn = &call["function"];
  if (!call.is_object() || !fn->is_object() || !fn->contains("name") || !(*fn)["name"].is_string() ||
      (*fn)["name"].get<std::string>().empty()) {
    return input(at + ": a tool call has no function name");
  }
  std::string arguments = "{}";
  if (auto a = fn->find("arguments"); a != fn->end() && !a->is_null()) {
    if (a->is_string()) arguments = a->get<std::string>();
    else if (a->is_object()) arguments = a->dump();
    else return input(at + ": tool call arguments are not JSON text or an object");
  }
  std::string id = call.contains("id") && call["id"].is_string() ? call["id"].get<std::string>() : "";
  return json{{"id", id}, {"name", (*fn)["name"]}, {"arguments", arguments}};
}

// "path" with the conversation's message list checked: a non-empty list.
Status need_messages(const json& messages, const std::string& where, const char* what) {
  if (!messages.is_array()) return input(fmt::format("{}no \"{}\" list", where, what));
  if (messages.empty()) return input(fmt::format("{}\"{}\" is empty", where, what));
  return Ok{};
}

std::string stem_of(const std::string& path) { return fs::path(path).stem().string(); }

// One OpenAI Chat Completions line: {"id", "messages", "metadata"?, "tools"?, "model"?}.
Result<SourceConversation> openai_conversation(const json& v, const std::string& path, int line) {
  SourceConversation c;
  c.file = path;
  c.position = line;
  if (!v.is_object()) return input(c.where() + "a conversation is a JSON object {\"id\", \"messages\"}");
  auto st = need_messages(v.value("messages", json()), c.where(), "messages");
  if (!st.ok()) return st.error();
  c.messages = v["messages"];
  c.id = v.contains("id") ? text_of(v["id"]) : "";
  if (c.id.empty()) c.id = fmt::format("line-{}", line);
  json meta = v.value("metadata", json());
  if (!meta.is_null() && !meta.is_object()) return input(c.where() + "\"metadata\" is not an object");
  c.metadata = meta;
  c.tools = v.value("tools", json());
  if (c.tools.is_null() && meta.is_object()) c.tools = meta.value("tools", json());
  if (!c.tools.is_null() && !c.tools.is_array()) return input(c.where() + "\"tools\" is not a list");
  if (v.contains("model") && v["model"].is_string()) c.model = v["model"];
  else if (meta.is_object() && meta.contains("model") && meta["model"].is_string()) c.model = meta["model"];
  return c;
}

// One tau-bench element: {task_id, trial, reward, info, traj}.
Result<SourceConversation> tau_conversation(const json& v, const std::string& path, int index) {
  SourceConversation c;
  c.file = path;
  c.position = index;
  if (!v.is_object()) return input(c.where() + "a trajectory is a JSON object {task_id, trial, reward, info, traj}");
  c.task = v.contains("task_id") ? text_of(v["task_id"]) : "";
  if (c.task.empty()) return input(c.where() + "no \"task_id\" (a number or a string)");
  auto trial = v.find("trial");
  if (trial == v.end() || !trial->is_number_integer() || trial->get<int64_t>() < 0 || trial->get<int64_t>() > 1000000) {
    return input(c.where() + "\"trial\" is not a whole number from 0 to 1000000");
  }
  auto reward = v.find("reward");
  if (reward == v.end() || !reward->is_number() || reward->get<double>() < 0 || reward->get<double>() > 1) {
    return input(c.where() + "\"reward\" is not a number from 0 to 1");
  }
  auto st = need_messages(v.value("traj", json()), c.where(), "traj");
  if (!st.ok()) return st.error();
  json info = v.value("info", json::object());
  if (!info.is_object()) return input(c.where() + "\"info\" is not an object");
  c.trial = static_cast<int>(trial->get<int64_t>()) + 1;
  c.id = fmt::format("task-{}/trial-{}", c.task, trial->get<int64_t>());
  c.messages = v["traj"];
  double r = reward->get<double>();
  c.label = {{"source", "tau-bench"}, {"reward", *reward}, {"pass", r == 1.0}};
  c.metadata = {{"task_id", v["task_id"]}, {"trial", *trial}, {"reward", *reward}, {"info", info}};
  if (info.contains("task") && info["task"].is_object() && info["task"].contains("actions")) {
    c.gold_actions = info["task"]["actions"];
    if (!c.gold_actions.is_array()) return input(c.where() + "info.task.actions is not a list");
    for (const auto& a : c.gold_actions) {
      if (!a.is_object() || !a.contains("name") || !a["name"].is_string() ||
          (a.contains("kwargs") && !a["kwargs"].is_object())) {
        return input(c.where() + "info.task.actions holds an action that is not {\"name\", \"kwargs\"}");
      }
    }
  }
  return c;
}

Result<std::string> read_bounded(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return input(fmt::format("{}: cannot read: {}", path, ec.message()));
  if (size > kMaxImportDocumentBytes) {
    return input(fmt::format("{}: larger than {} bytes (one JSON document of an import)", path, kMaxImportDocumentBytes));
  }
  return report::read_text(path);
}

// Each line of a JSON-lines file, read a block at a time: a line longer than the cap is an
// error before it is held whole.
Status each_line(const std::string& path, const std::function<Status(std::string_view, int)>& fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return input(fmt::format("{}: cannot read", path));
  std::string pending;
  std::vector<char> block(1 << 20);
  int line = 1;
  auto flush = [&](bool at_end) -> Status {
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      auto st = fn(std::string_view(pending).substr(start, nl - start), line++);
      if (!st.ok()) return st;
    }
    pending.erase(0, start);
    if (pending.size() > kMaxImportDocumentBytes) {
      return input(fmt::format("{}:{}: a line longer than {} bytes", path, line, kMaxImportDocumentBytes));
    }
    if (at_end && !pending.empty()) return fn(pending, line);
    return Ok{};
  };
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    pending.append(block.data(), static_cast<size_t>(in.gcount()));
    auto st = flush(false);
    if (!st.ok()) return st;
  }
  if (in.bad()) return input(fmt::format("{}: cannot read", path));
  return flush(true);
}

}  // namespace

std::string locate(const SourceConversation& c, const ImportOptions& options, const std::string& message) {
  // A messages file is one array of messages: the place is the message's index.
  if (options.format == ImportFormat::messages && message.rfind("messages[", 0) == 0) {
    size_t close = message.find("]: ");
    if (close != std::string::npos) return fmt::format("{}:{}: {}", c.file, message.substr(9, close - 9), message.substr(close + 3));
  }
  return c.where() + message;
}

std::string SourceConversation::where() const { return fmt::format("{}:{}: ", file, position); }

Result<ImportFormat> parse_import_format(std::string_view name) {
  if (name == "openai") return ImportFormat::openai;
  if (name == "messages") return ImportFormat::messages;
  if (name == "tau-bench") return ImportFormat::tau_bench;
  return input(fmt::format("unknown import format '{}' (expected openai, messages or tau-bench)", name));
}

const char* format_name(ImportFormat format) {
  switch (format) {
    case ImportFormat::openai: return "openai";
    case ImportFormat::messages: return "messages";
    case ImportFormat::tau_bench: return "tau-bench";
  }
  return "?";
}

Status read_conversations(const std::string& path, const ImportOptions& options,
                          const std::function<Status(SourceConversation)>& each) {
  size_t count = 0;
  auto hand_on = [&](Result<SourceConversation> c) -> Status {
    if (!c.ok()) return c.error();
    ++count;
    return each(std::move(c).value());
  };
  Status st = Ok{};
  if (options.format == ImportFormat::openai) {
    st = each_line(path, [&](std::string_view line, int n) -> Status {
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) return Ok{};
      auto v = parse_document(line, path, n);
      if (!v.ok()) return v.error();
      return hand_on(openai_conversation(*v, path, n));
    });
  } else {
    auto text = read_bounded(path);
    if (!text.ok()) return text.error();
    auto v = parse_document(*text, path, 1);
    if (!v.ok()) return v.error();
    if (!v->is_array()) {
      return input(fmt::format("{}:1: expected a JSON array of {}", path,
                               options.format == ImportFormat::messages ? "{\"role\", \"content\"} messages"
                                                                        : "trajectories {task_id, trial, reward, info, traj}"));
    }
    if (options.format == ImportFormat::messages) {
      SourceConversation c;
      c.file = path;
      c.position = 0;
      c.id = stem_of(path);
      c.messages = std::move(v).value();
      if (c.messages.empty()) return input(fmt::format("{}:1: no messages", path));
      st = hand_on(std::move(c));
    } else {
      for (size_t i = 0; i < v->size() && st.ok(); ++i) st = hand_on(tau_conversation((*v)[i], path, static_cast<int>(i)));
    }
  }
  if (!st.ok()) return st;
  if (count == 0) return input(fmt::format("{}: no conversations", path));
  return Ok{};
}

Result<json> transcript_of(const json& messages, int* turns_out, int* calls_out, int* assistant_out) {
  json out = json::array();
  int turn = 0, calls = 0, assistant = 0;
  std::map<std::string, std::string> call_names;  // tool_call_id -> tool name
  std::vector<std::pair<std::string, std::string>> unanswered;  // (id, name) of calls without a result yet
  for (size_t i = 0; i < messages.size(); ++i) {
    const json& m = messages[i];
    std::string at = fmt::format("messages[{}]", i);
    if (!m.is_object()) return input(at + ": a message is a JSON object {\"role\", \"content\"}");
    if (!m.contains("role") || !m["role"].is_string()) return input(at + ": no \"role\"");
    std::string role = m["role"];
    if (role == "developer") role = "system";
    if (role == "function") role = "tool";
    if (role != "system" && role != "user" && role != "assistant" && role != "tool") {
      return input(fmt::format("{}: unknown role '{}' (expected system, user, assistant or tool)", at,
                               role.substr(0, 40)));
    }
    auto content = content_of(m, at);
    if (!content.ok()) return content.error();
    if (role == "user") ++turn;
    json entry = {{"turn", turn}, {"role", role}, {"content", *content}};
    if (role == "assistant") {
      ++assistant;
      json tool_calls = json::array();
      if (auto tc = m.find("tool_calls"); tc != m.end() && !tc->is_null()) {
        if (!tc->is_array()) return input(at + ": \"tool_calls\" is not a list");
        for (const auto& call : *tc) {
          auto c = tool_call_of(call, at);
          if (!c.ok()) return c.error();
          tool_calls.push_back(std::move(c).value());
        }
      } else if (auto fc = m.find("function_call"); fc != m.end() && !fc->is_null()) {
        auto c = tool_call_of(*fc, at);  // the legacy single call
        if (!c.ok()) return c.error();
        tool_calls.push_back(std::move(c).value());
      }
      for (auto& c : tool_calls) {
        if (c["id"].get<std::string>().empty()) c["id"] = fmt::format("call_{}", calls + 1);
        call_names[c["id"].get<std::string>()] = c["name"].get<std::string>();
        unanswered.emplace_back(c["id"], c["name"]);
        ++calls;
      }
      if (!tool_calls.empty()) entry["tool_calls"] = std::move(tool_calls);
    } else if (role == "tool") {
      std::string id = m.contains("tool_call_id") ? text_of(m["tool_call_id"]) : "";
      std::string name = m.contains("name") && m["name"].is_string() ? m["name"].get<std::string>() : "";
      if (id.empty()) {
        // A legacy `function` message names no call: it answers the oldest unanswered one (of its name).
        for (const auto& [pending, pending_name] : unanswered) {
          if (name.empty() || name == pending_name) {
            id = pending;
            break;
          }
        }
      }
      std::erase_if(unanswered, [&id](const auto& p) { return p.first == id; });
      if (name.empty() && call_names.count(id)) name = call_names[id];
      if (!id.empty()) entry["tool_call_id"] = id;
      if (!name.empty()) entry["name"] = name;
    }
    out.push_back(std::move(entry));
  }
  if (turns_out) *turns_out = turn;
  if (calls_out) *calls_out = calls;
  if (assistant_out) *assistant_out = assistant;
  return out;
}

std::string default_scenario_id(const SourceConversation& c, const ImportOptions& options) {
  if (!options.scenario_id.empty()) return options.scenario_id;
  if (options.format == ImportFormat::tau_bench) {
    // Numbered as the imported suites' files are (scenarios/tau-bench/airline/task-007.lua).
    bool number = !c.task.empty() && c.task.size() <= 9 &&
                  std::all_of(c.task.begin(), c.task.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    std::string task = number ? fmt::format("{:03d}", std::stoi(c.task)) : c.task;
    return fmt::format("tau-bench/{}/task-{}", options.domain, task);
  }
  return fmt::format("import/{}/{}", format_name(options.format), c.id);
}

namespace {

// How tau-bench's loop ended the conversation (agents/tool_calling_agent.py, envs/base.py), so a
// scenario's goal can give tau's reward on re-score: the user simulator's ###STOP### (that message
// leaves the transcript for `user_stop`, as a live user_stop keeps it), a terminate tool
// (transfer_to_human_agents) as tool_stop, or else its step budget ran out (max_steps).
void tau_ending(record::Record& r) {
  constexpr const char* kStop = "###STOP###";
  auto& t = r.transcript;
  if (!t.empty() && t.back().role == "user" && t.back().content.find(kStop) != std::string::npos) {
    r.ended = record::ended::kUserStop;
    r.user_stop = json{{"by", "user_model"}, {"token", kStop}, {"message", record::user_stop_text(t.back().content)}};
    t.pop_back();
    r.turns -= 1;
    return;
  }
  for (auto it = t.rbegin(); it != t.rend(); ++it) {
    if (it->role != "assistant") continue;
    bool transfer = it->tool_calls && !it->tool_calls->empty() && it->tool_calls->front().name == "transfer_to_human_agents";
    r.ended = transfer ? record::ended::kToolStop : record::ended::kMaxSteps;
    return;
  }
  r.ended = record::ended::kMaxSteps;
}

}  // namespace

Result<json> to_record(const SourceConversation& c, const ImportOptions& options, int trial) {
  int turns = 0, calls = 0, assistant = 0;
  auto transcript = transcript_of(c.messages, &turns, &calls, &assistant);
  if (!transcript.ok()) return input(locate(c, options, transcript.error().message));
  record::Record r;
  r.run_id = options.run_id;
  r.source = {{"kind", "import"},
              {"format", format_name(options.format)},
              {"file", fs::path(c.file).filename().string()},
              {"id", c.id}};
  r.agent = {{"spec", nullptr}, {"name", c.model.empty() ? json() : json(c.model)}};
  r.scenario = default_scenario_id(c, options);
  r.trial = trial;
  r.ended = record::ended::kImported;
  r.turns = turns;
  r.transcript = transcript->get<std::vector<record::Entry>>();
  r.usage.agent_requests = assistant;
  r.usage.tool_calls = calls;
  if (options.format == ImportFormat::tau_bench) tau_ending(r);
  if (!c.label.is_null()) r.label = c.label;
  if (!c.metadata.is_null()) r.metadata = c.metadata;
  return json(r);
}

Result<ImportOutcome> import_files(const std::vector<std::string>& files, const ImportOptions& options,
                                   const std::string& out_dir) {
  if (files.empty()) return input("import: give one or more files to import");
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return input(fmt::format("{}: cannot create: {}", out_dir, ec.message()));
  ImportOutcome outcome;
  outcome.results_path = (fs::path(out_dir) / "results.jsonl").string();
  // Written beside the results and renamed over them at the end: a bad conversation leaves
  // the folder as it was.
  std::string tmp = outcome.results_path + ".import";
  auto writer = report::ResultsWriter::open(tmp, true);
  if (!writer.ok()) return writer.error();
  std::map<std::string, int> trials;                 // scenario -> trials numbered so far
  std::map<std::pair<std::string, int>, std::string> seen;  // (scenario, trial) -> where
  Status st = Ok{};
  for (const auto& file : files) {
    st = read_conversations(file, options, [&](SourceConversation c) -> Status {
      std::string scenario = default_scenario_id(c, options);
      bool own_trials = options.format == ImportFormat::tau_bench && options.scenario_id.empty();
      int trial = own_trials ? c.trial : ++trials[scenario];
      auto [it, fresh] = seen.emplace(std::make_pair(scenario, trial), c.where());
      if (!fresh) {
        return input(fmt::format("{}scenario {} trial {} again (first at {}): each conversation needs its own "
                                 "(task, trial)", c.where(), scenario, trial, it->second.substr(0, it->second.size() - 2)));
      }
      auto record = to_record(c, options, trial);
      if (!record.ok()) return record.error();
      ++outcome.records;
      return (*writer)->append(*record);
    });
    if (!st.ok()) break;
  }
  writer->reset();
  if (!st.ok()) {
    fs::remove(tmp, ec);
    return st.error();
  }
  fs::rename(tmp, outcome.results_path, ec);
  if (ec) return make_error(ErrorKind::io, fmt::format("{}: cannot write: {}", outcome.results_path, ec.message()));
  return outcome;
}

}  // namespace spar::importer
