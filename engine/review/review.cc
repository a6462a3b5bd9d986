#include "review/review.h"

#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "base/json_util.h"
#include "report/labels.h"

namespace spar::review {

extern const std::string_view kReviewPage;  // assets/review.html, embedded

namespace {

std::string text_of(const json& v) { return v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump(); }

// The judge's scale: the nearest of 0, 0.25, 0.5, 0.75, 1.
std::string on_scale(double q) {
  static const char* names[] = {"0", "0.25", "0.5", "0.75", "1"};
  int i = static_cast<int>(std::lround(std::clamp(q, 0.0, 1.0) * 4));
  return names[i];
}

// Every response is JSON; invalid UTF-8 in a record is replaced, never thrown on.
void send(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', true, json::error_handler_t::replace), "application/json");
}

void problem(httplib::Response& res, int status, const std::string& message) { send(res, status, {{"error", message}}); }

}  // namespace

json review_items(const Conversation& c) {
  const json& r = c.record;
  const json& sc = member(r, "score");
  json items = json::array();
  {
    const json& pass = member(sc, "pass");
    json spar = {{"label", pass.is_boolean() ? json(pass.get<bool>() ? "pass" : "fail") : json()},
                 {"decided_by", member(sc, "decided_by")}};
    const json& imported = member(member(r, "label"), "pass");
    if (imported.is_boolean()) {
      spar["detail"] = fmt::format("the imported label ({}) says {}", text_of(member(member(r, "label"), "source")),
                                   imported.get<bool>() ? "pass" : "fail");
    }
    items.push_back({{"item", "conversation"}, {"kind", "conversation"}, {"title", "the conversation's outcome"},
                     {"spar", spar}});
  }
  const json& events = member(r, "events");
  const json& verdicts = member(sc, "events");
  if (events.is_array()) {
    for (size_t i = 0; i < events.size(); ++i) {
      const json& e = events[i];
      const json& v = verdicts.is_array() && i < verdicts.size() ? verdicts[i] : json();
      const json& rec = member(v, "recovered");
      std::string what = text_of(member(e, "type"));
      if (member(e, "field").is_string()) what += " of " + member(e, "field").get<std::string>();
      if (!member(e, "from").is_null() || !member(e, "to").is_null()) {
        what += fmt::format(" ({} \u2192 {})", text_of(member(e, "from")), text_of(member(e, "to")));
      }
      json item = {{"item", fmt::format("event:{}", i)},
                   {"kind", "event"},
                   {"title", what},
                   {"spar", {{"label", rec.is_boolean() ? json(rec.get<bool>() ? "recovered" : "not_recovered") : json()},
                             {"decided_by", member(v, "decided_by")}}}};
      if (member(e, "turn").is_number()) item["turn"] = member(e, "turn");
      items.push_back(item);
    }
  }
  const json& turns = member(r, "checkpoint_turns");
  int reached = member(r, "turns").is_number() ? member(r, "turns").get<int>() : 0;
  if (turns.is_array()) {
    int from = 1;
    for (const auto& t : turns) {
      if (!t.is_number_integer()) continue;
      int turn = t.get<int>();
      if (turn > reached) break;
      std::string key = std::to_string(turn);
      const json& cp = member(member(sc, "checkpoints"), key.c_str());
      const json& jd = member(member(sc, "judgements"), key.c_str());
      json spar = {{"label", nullptr}, {"decided_by", nullptr}};
      if (member(cp, "quality").is_number()) {
        double q = member(cp, "quality").get<double>();
        spar["label"] = on_scale(q);
        spar["decided_by"] = member(cp, "judge").is_number() ? "judge and code" : "code";
        std::string detail = fmt::format("quality {:.2f}", q);
        if (member(cp, "judge").is_number()) detail += fmt::format(", judge {:.2f}", member(cp, "judge").get<double>());
        if (member(jd, "flaky") == true) detail += " (flaky judge)";
        spar["detail"] = detail;
      }
      items.push_back({{"item", "checkpoint:" + key},
                       {"kind", "checkpoint"},
                       {"title", fmt::format("quality of turns {}\u2013{}", from, turn)},
                       {"turn", turn},
                       {"spar", spar}});
      from = turn + 1;
    }
  }
  std::map<std::string, json> flagged;  // rule -> its first violation
  std::vector<std::string> rules = c.declared_policies;
  const json& violations = member(sc, "violations");
  if (violations.is_array()) {
    for (const auto& v : violations) {
      std::string rule = text_of(member(v, "rule"));
      if (rule.empty() || flagged.count(rule)) continue;
      flagged[rule] = v;
      if (std::find(rules.begin(), rules.end(), rule) == rules.end()) rules.push_back(rule);
    }
  }
  std::set<std::string> seen;
  for (const auto& rule : rules) {
    if (!seen.insert(rule).second) continue;
    auto it = flagged.find(rule);
    json spar = {{"label", it == flagged.end() ? "not_violated" : "violated"},
                 {"decided_by", it == flagged.end() ? json("no violation flagged") : member(it->second, "decided_by")}};
    json item = {{"item", "policy:" + rule}, {"kind", "policy"}, {"title", rule}, {"spar", spar}};
    if (it != flagged.end()) {
      // The turn stays inside spar's verdict: on the item itself it would tell a blind reviewer
      // that spar flagged the rule.
      std::string detail = text_of(member(it->second, "severity"));
      if (member(it->second, "turn").is_number()) detail += fmt::format(", first at turn {}", member(it->second, "turn").get<int>());
      spar["detail"] = detail;
      item["spar"] = spar;
    }
    items.push_back(item);
  }
  return items;
}

Status serve(const std::vector<Conversation>& conversations, const Options& options,
             const std::function<void(int)>& on_listen, const std::atomic<bool>& stop) {
  httplib::Server svr;
  svr.set_payload_max_length(1 << 20);  // a label is small; nothing else is posted
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which lets a second spar review
  // bind the same --port and share its connections instead of failing.
  svr.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<char*>(&yes), sizeof(yes));
  });
  // Which conversation (run_id, key) is where.
  std::map<std::pair<std::string, std::string>, size_t> where;
  for (size_t i = 0; i < conversations.size(); ++i) where[{conversations[i].run_id, conversations[i].key}] = i;

  svr.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(kReviewPage), "text/html; charset=utf-8");
  });
  svr.Get("/api/session", [&](const httplib::Request&, httplib::Response& res) {
    auto labels = report::read_labels(options.db);
    if (!labels.ok()) return problem(res, 500, labels.error().message);
    std::map<std::pair<std::string, std::string>, std::pair<std::set<std::string>, int>> counts;
    for (const auto& l : *labels) {
      auto& c = counts[{l.run_id, l.conversation}];
      if (l.reviewer == options.reviewer) c.first.insert(l.item);
      else c.second++;
    }
    json list = json::array();
    for (size_t i = 0; i < conversations.size(); ++i) {
      const auto& c = conversations[i];
      auto& n = counts[{c.run_id, c.key}];
      list.push_back({{"index", i},
                      {"key", c.key},
                      {"run_id", c.run_id},
                      {"reason", c.reason},
                      {"items", review_items(c).size()},
                      {"mine", n.first.size()},
                      {"others", n.second}});
    }
    send(res, 200, {{"reviewer", options.reviewer}, {"conversations", list}});
  });
  svr.Get(R"(/api/conversation/(\d{1,9}))", [&](const httplib::Request& req, httplib::Response& res) {
    size_t i = std::stoul(req.matches[1].str());
    if (i >= conversations.size()) return problem(res, 404, fmt::format("no conversation {} (there are {})", i, conversations.size()));
    const auto& c = conversations[i];
    auto labels = report::read_labels(options.db, c.run_id);
    if (!labels.ok()) return problem(res, 500, labels.error().message);
    json mine = json::array();
    for (const auto& l : *labels) {
      if (l.conversation == c.key) mine.push_back(report::label_to_json(l));
    }
    send(res, 200, {{"index", i},
                    {"key", c.key},
                    {"run_id", c.run_id},
                    {"reason", c.reason},
                    {"reviewer", options.reviewer},
                    {"policy_note", c.policy_note},
                    {"items", review_items(c)},
                    {"labels", mine},
                    {"record", c.record}});
  });
  svr.Post("/api/label", [&](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return problem(res, 400, "the body is not a JSON object");
    report::Label l;
    l.reviewer = options.reviewer;
    for (auto [name, dst] : {std::pair{"run_id", &l.run_id}, std::pair{"conversation", &l.conversation},
                             std::pair{"item", &l.item}, std::pair{"label", &l.label},
                             std::pair{"rationale", &l.rationale}}) {
      const json& v = member(body, name);
      if (!v.is_null() && !v.is_string()) return problem(res, 400, fmt::format("'{}' must be a string", name));
      if (v.is_string()) *dst = v.get<std::string>();
    }
    auto at = where.find({l.run_id, l.conversation});
    if (at == where.end()) {
      return problem(res, 404, fmt::format("no conversation '{}' in run '{}' here", l.conversation, l.run_id));
    }
    if (auto p = report::label_problem(l)) return problem(res, 400, *p);
    json items = review_items(conversations[at->second]);
    bool known = false;
    for (const auto& it : items) known = known || it["item"] == l.item;
    if (!known) return problem(res, 400, fmt::format("conversation '{}' has no item '{}'", l.conversation, l.item));
    auto st = report::add_label(options.db, l);
    if (!st.ok()) return problem(res, st.error().kind == ErrorKind::input ? 400 : 500, st.error().message);
    send(res, 200, {{"saved", report::label_to_json(l)}});
  });

  int port = options.port == 0 ? svr.bind_to_any_port(options.host) : (svr.bind_to_port(options.host, options.port) ? options.port : -1);
  if (port <= 0) {
    return make_error(ErrorKind::input, fmt::format("cannot listen on {}:{} (is the port in use?)", options.host, options.port));
  }
  // bind_to_* already listens: connections wait in the backlog until the accept loop starts.
  std::atomic<bool> ended{false};
  std::thread server([&] {
    svr.listen_after_bind();
    ended = true;
  });
  on_listen(port);
  while (!stop.load() && !ended.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  svr.stop();
  server.join();
  return Ok{};
}

}  // namespace spar::review
