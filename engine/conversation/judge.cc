#include "conversation/judge.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/json_depth.h"
#include "base/jsonl.h"
#include "base/hash.h"

namespace spar::conversation {

namespace {

constexpr const char* kJudgeSystem =
    "You are a strict evaluator of a customer-support conversation (spar judge v1).\n"
    "Score how well the AGENT did in the excerpt against the rubric, from 0 (fails it) to 1 (fully meets it).\n"
    "Reply with only a JSON object, no prose and no code fences: "
    "{\"score\": <number from 0 to 1>, \"reason\": \"<one sentence>\"}";

}  // namespace

Result<std::unique_ptr<JudgeCache>> JudgeCache::open(const std::string& path) {
  std::unique_ptr<JudgeCache> cache(new JudgeCache());
  if (path.empty()) return cache;
  // A cache is only an optimisation: a bad line is skipped with a warning (it costs one judge
  // call again), and a torn last line is cut so the next entry starts on a line of its own.
  auto read = jsonl::repair(path, {jsonl::OnBad::skip, ""}, [&](json&& entry, size_t, int) -> Status {
    if (!entry["key"].is_string() || !entry["reply"].is_string()) {
      return make_error(ErrorKind::input, "not a judge cache entry {\"key\", \"reply\"}");
    }
    cache->entries_[entry["key"]] = entry["reply"];
    return Ok{};
  });
  if (!read.ok()) return read.error();
  if (read->dropped_torn_line) spdlog::warn("{}: dropped a torn last line", path);
  auto file = jsonl::Appender::open(path, jsonl::Appender::Mode::append);
  if (!file.ok()) return make_error(ErrorKind::input, fmt::format("{}: cannot open the judge cache for writing", path));
  cache->file_ = std::move(file).value();
  return cache;
}

JudgeCache::~JudgeCache() = default;

std::optional<std::string> JudgeCache::get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void JudgeCache::put(const std::string& key, const std::string& reply) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!entries_.emplace(key, reply).second || !file_) return;
  (void)file_->append(json{{"key", key}, {"reply", reply}});  // a failed write only costs a judge call later
}

Result<std::unique_ptr<JudgeCache>> JudgeCache::open_for_run(std::string path, const std::string& out_dir) {
  namespace fs = std::filesystem;
  if (path.empty()) path = (fs::path(out_dir).lexically_normal().parent_path() / "judge-cache.jsonl").string();
  std::error_code ec;
  if (fs::path(path).has_parent_path()) fs::create_directories(fs::path(path).parent_path(), ec);
  return open(path);
}

agent::Request build_judge_request(const std::string& rubric, const json& transcript, int from_turn, int to_turn,
                                   uint64_t seed, int repeat, const std::string& session_id) {
  std::string excerpt;
  for (const auto& m : transcript) {
    int t = m.value("turn", 0);
    if (t < from_turn || t > to_turn) continue;
    std::string role = m.value("role", "");
    std::string content = m.value("content", "");
    if (role == "user") {
      excerpt += fmt::format("[turn {}] USER: {}\n", t, content);
    } else if (role == "assistant") {
      for (const auto& c : m.value("tool_calls", json::array())) {
        excerpt += fmt::format("[turn {}] AGENT calls {}({})\n", t, c.value("name", ""), c.value("arguments", ""));
      }
      if (!content.empty()) {
        excerpt += fmt::format("[turn {}] AGENT: {}{}\n", t, content, m.value("truncated", false) ? " [cut off]" : "");
      }
    } else if (role == "tool") {
      excerpt += fmt::format("[turn {}] TOOL {} -> {}\n", t, m.value("name", ""), content);
    }
  }
  agent::Request req;
  req.session_id = session_id;
  req.seed = mix64(seed ^ (0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(repeat + 1))) & ((1ULL << 53) - 1);
  req.messages.push_back(agent::Message{"system", kJudgeSystem, {}, "", ""});
  req.messages.push_back(agent::Message{
      "user", fmt::format("RUBRIC:\n{}\n\nCONVERSATION (turns {} to {}):\n{}", rubric, from_turn, to_turn, excerpt), {},
      "", ""});
  return req;
}

std::string judge_cache_key(const std::string& identity, const agent::Request& request) {
  std::string material = identity + "\n" + std::to_string(request.seed);
  for (const auto& m : request.messages) material += "\n" + m.role + "\n" + m.content;
  return fmt::format("{:016x}{:016x}", fnv1a(material), mix64(fnv1a(material, kFnvAltBasis)));
}

Result<json> parse_judgement(const std::string& text) {
  std::string t = text;
  auto open = t.find('{'), close = t.rfind('}');
  bool fenced = t.find("```") != std::string::npos;
  if (fenced && open != std::string::npos && close != std::string::npos && close > open) {
    t = t.substr(open, close - open + 1);
  }
  json j = parse_json_bounded(t);
  if (j.is_discarded() || !j.is_object()) {
    return make_error(ErrorKind::judge, fmt::format("the judge did not answer with a JSON object: {:.120}", text));
  }
  if (!j.contains("score") || !j["score"].is_number()) {
    return make_error(ErrorKind::judge, "the judge's JSON has no numeric \"score\"");
  }
  double score = j["score"].get<double>();
  if (score < 0 || score > 1) return make_error(ErrorKind::judge, fmt::format("the judge's score {} is outside [0, 1]", score));
  const json& reason = j["reason"];  // any type the judge chose: only a string is kept
  return json{{"score", score}, {"reason", reason.is_string() ? reason.get<std::string>() : ""}};
}

std::string rubric_fingerprint(const std::string& rubric) { return fmt::format("{:08x}", fnv1a(rubric) >> 32); }

json combine_judgements(const std::vector<Result<json>>& repeats, int cached, double flaky_spread) {
  json scores = json::array(), reasons = json::array(), errors = json::array();
  double lo = 1, hi = 0, sum = 0;
  for (const auto& r : repeats) {
    if (!r.ok()) {
      errors.push_back(r.error().message);
      continue;
    }
    double s = r.value()["score"];
    scores.push_back(s);
    reasons.push_back(r.value()["reason"]);
    lo = std::min(lo, s);
    hi = std::max(hi, s);
    sum += s;
  }
  json out = {{"scores", scores}, {"reasons", reasons}, {"cached", cached}, {"errors", errors}};
  if (scores.empty()) {
    out["score"] = nullptr;
    out["agreement"] = nullptr;
    out["flaky"] = false;
    return out;
  }
  auto round6 = [](double x) { return std::round(x * 1e6) / 1e6; };
  out["score"] = round6(sum / static_cast<double>(scores.size()));
  out["agreement"] = round6(1.0 - (hi - lo));
  out["flaky"] = (hi - lo) > flaky_spread;
  return out;
}

void judge_window(const Judge& judge, const std::string& rubric, const json& transcript, const json& checkpoint_turns,
                  int checkpoint, uint64_t seed, const std::string& session_id,
                  std::function<void(json judgement, int sent, agent::Usage tokens)> done) {
  int from = 1;
  for (const auto& c : checkpoint_turns) {
    if (c.is_number_integer() && c.get<int>() < checkpoint) from = c.get<int>() + 1;
  }
  struct Pending {
    std::vector<Result<json>> results;
    int waiting = 0;
    int cached = 0;
    int sent = 0;
    agent::Usage tokens;
    double flaky_spread = 0;
    std::string rubric_id;  // which rubric judged the window: calibration compares per model and rubric
    std::function<void(json, int, agent::Usage)> done;
    void finish() {
      json j = combine_judgements(results, cached, flaky_spread);
      j["rubric"] = rubric_id;
      done(std::move(j), sent, tokens);
    }
  };
  auto pending = std::make_shared<Pending>();
  int repeats = std::max(1, judge.repeats);
  pending->results.assign(static_cast<size_t>(repeats), Result<json>(make_error(ErrorKind::judge, "not judged")));
  pending->flaky_spread = judge.flaky_spread;
  pending->rubric_id = rubric_fingerprint(rubric);
  pending->done = std::move(done);
  std::vector<std::pair<int, agent::Request>> to_send;
  for (int i = 0; i < repeats; ++i) {
    agent::Request req = build_judge_request(rubric, transcript, from, checkpoint, seed, i, session_id);
    std::string key = judge_cache_key(judge.identity, req);
    if (auto hit = judge.cache ? judge.cache->get(key) : std::nullopt) {
      pending->results[static_cast<size_t>(i)] = parse_judgement(*hit);
      ++pending->cached;
      continue;
    }
    to_send.emplace_back(i, std::move(req));
  }
  if (to_send.empty()) return pending->finish();
  pending->waiting = pending->sent = static_cast<int>(to_send.size());
  JudgeCache* cache = judge.cache;
  for (auto& [i, req] : to_send) {
    std::string key = judge_cache_key(judge.identity, req);
    judge.client->send(std::move(req), [i = i, key, pending, cache](Result<agent::Reply> reply) {
      if (!reply.ok()) {
        pending->results[static_cast<size_t>(i)] = Error{ErrorKind::judge, "judge request failed: " + reply.error().message};
      } else {
        pending->tokens.prompt_tokens += reply->usage.prompt_tokens;
        pending->tokens.completion_tokens += reply->usage.completion_tokens;
        auto parsed = parse_judgement(reply->text);
        if (parsed.ok() && cache) cache->put(key, reply->text);
        pending->results[static_cast<size_t>(i)] = std::move(parsed);
      }
      if (--pending->waiting == 0) pending->finish();
    });
  }
}

}  // namespace spar::conversation
