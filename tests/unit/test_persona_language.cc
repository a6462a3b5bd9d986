// The persona language: typed confusion events, barge-in, seeded variation, fill_until and
// LLM-written turns, driven through a real Conversation against in-memory agents.
#include <doctest/doctest.h>

#include <set>

#include "agent/fake.h"
#include "conversation/conversation.h"
#include "persona/runtime.h"
#include "support.h"
#include "scored.h"

using namespace spar;
using json = nlohmann::json;
using spar::test::TempDir;
using spar::test::write_file;

namespace {

std::string scenario(const std::string& body, int max_turns = 25) {
  return "return scenario { max_turns = " + std::to_string(max_turns) +
         ", facts = { order_id = '4471', name = 'Dana Ruiz' },\n"
         "  persona = persona { run = function(u, facts)\n" +
         body + "\n  end } }\n";
}

struct Run {
  json record;
  std::vector<agent::Request> requests;
  std::vector<agent::Request> user_model_requests;
};

const char* kLongAnswer = "Pausing works like this: we stop billing at the end of the period and keep your data.";

Run run(const std::string& body, bool streaming, bool with_user_model = false, uint64_t seed = 5) {
  write_file("s.lua", scenario(body));
  agent::Loop loop;
  Run out;
  agent::FakeAgent fake(
      loop,
      [&](const agent::Request& req) -> Result<agent::Reply> {
        out.requests.push_back(req);
        agent::Reply r;
        r.text = req.messages.back().content == "And how do I pause?" ? kLongAnswer
                                                                      : "You said: " + req.messages.back().content;
        return r;
      },
      streaming);
  agent::FakeAgent user_model(loop, [&](const agent::Request& req) -> Result<agent::Reply> {
    out.user_model_requests.push_back(req);
    agent::Reply r;
    r.text = "  \"Generated: I still need help with order 4471.\"\n";
    return r;
  });
  conversation::Conversation conv({"s.lua", "t", 1, seed}, {}, fake, [&](record::Record r, json j) { out.record = test::scored(std::move(r), j, "s.lua"); },
                                  with_user_model ? &user_model : nullptr);
  loop.post([&] { conv.start(); });
  loop.run();
  return out;
}

json messages(const json& record, const char* role) {
  json out = json::array();
  for (const auto& m : record["transcript"]) {
    if (m["role"] == role) out.push_back(m);
  }
  return out;
}

}  // namespace

TEST_CASE("interrupt: a streaming reply is cut after N characters and the user cuts in") {
  TempDir dir;
  Run r = run("    local reply = u:interrupt{ prompt = 'And how do I pause?', after_chars = 20, text = 'Wait, will I be billed?' }\n"
              "    u:say('reply was: ' .. reply.text .. ' turn ' .. u:turn())\n",
              /*streaming=*/true);
  json rec = r.record;
  REQUIRE(rec["error"].is_null());
  CHECK(rec["turns"] == 3);
  json agent = messages(rec, "assistant");
  CHECK(agent[0]["content"] == std::string(kLongAnswer).substr(0, 20));
  CHECK(agent[0]["truncated"] == true);
  CHECK(agent[0]["turn"] == 1);
  // The cut reply stays in the history the agent sees next.
  REQUIRE(r.requests.size() == 3);
  CHECK(r.requests[0].cut_after_chars == 20);
  CHECK(r.requests[1].cut_after_chars == -1);
  const auto& h = r.requests[1].messages;
  CHECK(h[h.size() - 2].content == std::string(kLongAnswer).substr(0, 20));
  CHECK(h.back().content == "Wait, will I be billed?");
  json event = rec["events"][0];
  CHECK(event["type"] == "interruption");
  CHECK(event["mode"] == "barge_in");
  CHECK(event["cut"] == true);
  CHECK(event["prompt_turn"] == 1);
  CHECK(event["turn"] == 2);
  CHECK(event["after_chars"] == 20);
  CHECK(event["cut_text"] == std::string(kLongAnswer).substr(0, 20));
  // The persona resumed with the reply to the interrupting message, and the turn counter follows.
  CHECK(messages(rec, "user")[2]["content"] == "reply was: You said: Wait, will I be billed? turn 2");
}

TEST_CASE("interrupt: against a non-streaming agent it becomes two consecutive user messages") {
  TempDir dir;
  Run r = run("    u:interrupt{ prompt = 'And how do I pause?', after_chars = 20, text = 'Wait, will I be billed?' }\n",
              /*streaming=*/false);
  json rec = r.record;
  CHECK(rec["turns"] == 1);
  json users = messages(rec, "user");
  REQUIRE(users.size() == 2);
  CHECK(users[0]["turn"] == 1);
  CHECK(users[1]["turn"] == 1);
  CHECK(users[1]["content"] == "Wait, will I be billed?");
  CHECK(r.requests[0].messages.back().content == "Wait, will I be billed?");
  CHECK(messages(rec, "assistant")[0].contains("truncated") == false);
  CHECK(rec["events"][0]["mode"] == "consecutive");
  CHECK(rec["events"][0]["cut"] == false);
}

TEST_CASE("typed events: ambiguity, contradiction and topic_switch are recorded with their turns") {
  TempDir dir;
  Run r = run(
      "    u:say('hi')\n"
      "    u:ambiguous{ text = 'Cancel the other one.', referent = 'order 4417', candidates = { '4471', '4417' } }\n"
      "    u:contradict{ field = 'delivery', earlier = 'never arrived', now = 'arrived damaged', text = 'It came broken.' }\n"
      "    local back = u:topic_switch{ text = 'Do you sell gift cards?', back = 'Anyway, my order.', topic = 'gift cards' }\n"
      "    u:say(back.text)\n",
      false);
  json ev = r.record["events"];
  json verdict = r.record["score"]["events"];
  REQUIRE(ev.size() == 3);
  REQUIRE(verdict.size() == 3);
  // The events as raised; scoring's recovered/turns_to_recover/leaked sit in score.events: the
  // echoing agent neither asks about nor resolves the ambiguity, never acknowledges the
  // contradiction, and only echoes the return: nothing it did or said decides any of them.
  CHECK(ev[0] == json::parse(R"({"type":"ambiguity","referent":"order 4417","candidates":["4471","4417"],"turn":2})"));
  CHECK(verdict[0]["recovered"] == nullptr);
  CHECK(verdict[0]["decided_by"] == "unscored");
  CHECK(ev[1] == json::parse(R"({"type":"contradiction","field":"delivery","earlier":"never arrived","now":"arrived damaged",
                                 "turn":3})"));
  CHECK(verdict[1]["recovered"] == nullptr);
  CHECK(verdict[1]["decided_by"] == "unscored");
  CHECK(ev[2] == json::parse(R"({"type":"topic_switch","digression":"Do you sell gift cards?","back":"Anyway, my order.",
                                 "topic":"gift cards","digression_turn":4,"turn":5})"));
  CHECK(verdict[2]["recovered"] == nullptr);
  CHECK(verdict[2]["decided_by"] == "unscored");
  CHECK(messages(r.record, "user")[5]["content"] == "You said: Anyway, my order.");
}

TEST_CASE("fill_until keeps the conversation going to the turn with seeded, fact-aware lines") {
  TempDir dir;
  Run a = run("    u:say('hello')\n    u:fill_until(12)\n    u:say('done at ' .. u:turn())\n", false, false, 1);
  CHECK(a.record["turns"] == 13);
  json users = messages(a.record, "user");
  CHECK(users[12]["content"] == "done at 12");
  std::set<std::string> lines;
  for (size_t i = 1; i < 12; ++i) lines.insert(users[i]["content"].get<std::string>());
  CHECK(lines.size() >= 5);  // varied, no stuck repetition
  for (size_t i = 2; i < 12; ++i) CHECK(users[i]["content"] != users[i - 1]["content"]);
  // The same seed replays it; another seed words it differently.
  Run b = run("    u:say('hello')\n    u:fill_until(12)\n    u:say('done at ' .. u:turn())\n", false, false, 1);
  Run c = run("    u:say('hello')\n    u:fill_until(12)\n    u:say('done at ' .. u:turn())\n", false, false, 2);
  CHECK(a.record["transcript"] == b.record["transcript"]);
  CHECK(a.record["transcript"] != c.record["transcript"]);
  // Facts appear in the small talk for some seed.
  bool mentions_fact = false;
  for (uint64_t seed = 1; seed <= 6 && !mentions_fact; ++seed) {
    Run d = run("    u:fill_until(10)\n", false, false, seed);
    mentions_fact = d.record.dump().find("Dana Ruiz") != std::string::npos;
  }
  CHECK(mentions_fact);
}

TEST_CASE("typo, filler and style: seeded noise that never touches numbers or names") {
  TempDir dir;
  const std::string input =
      "please process the refund for order 4471 quickly, Dana Ruiz speaking, mail joao.silva@example.com or see "
      "example.org/help";
  const std::string body =
      "    u:say(typo('" + input + "', 1.0))\n"
      "    u:say(filler('well I think, maybe, we should wait', 1.0))\n"
      "    u:style{ typos = 1.0 }\n"
      "    u:say('everything should remain readable')\n";
  Run a = run(body, false, false, 3);
  Run b = run(body, false, false, 3);
  json users = messages(a.record, "user");
  std::string typoed = users[0]["content"];
  CHECK(typoed != input);  // the whole input: typos land somewhere in it
  CHECK(typoed.find("4471") != std::string::npos);
  CHECK(typoed.find("Dana Ruiz") != std::string::npos);
  CHECK(typoed.find("joao.silva@example.com") != std::string::npos);
  CHECK(typoed.find("example.org/help") != std::string::npos);
  std::string filled = users[1]["content"];
  CHECK(filled.size() > std::string("well I think, maybe, we should wait").size());
  CHECK(users[2]["content"] != "everything should remain readable");
  CHECK(a.record["transcript"] == b.record["transcript"]);
}

TEST_CASE("u:llm: the user model writes the turn; without one, the fallback is sent") {
  TempDir dir;
  const char* body =
      "    u:say('My order never came.')\n"
      "    local r = u:llm{ instructions = 'Complain politely and mention the order number.', fallback = 'Where is order 4471?' }\n"
      "    u:say('scripted again')\n";
  Run with = run(body, false, /*with_user_model=*/true);
  json users = messages(with.record, "user");
  CHECK(users[1]["content"] == "Generated: I still need help with order 4471.");
  CHECK(users[1]["generated"] == true);
  CHECK(users[2]["content"] == "scripted again");
  REQUIRE(with.user_model_requests.size() == 1);
  const auto& req = with.user_model_requests[0];
  CHECK(req.messages[0].role == "system");
  CHECK(req.messages[0].content.find("Complain politely and mention the order number.") != std::string::npos);
  CHECK(req.messages[0].content.find("4471") != std::string::npos);  // the facts
  // Roles are swapped: the user's own words are the model's, the agent's are its input.
  CHECK(req.messages[1].role == "assistant");
  CHECK(req.messages[1].content == "My order never came.");
  CHECK(req.messages[2].role == "user");
  CHECK(req.messages[2].content == "You said: My order never came.");
  CHECK(with.record["usage"]["user_model_requests"] == 1);

  Run without = run(body, false, /*with_user_model=*/false);
  json plain = messages(without.record, "user");
  CHECK(plain[1]["content"] == "Where is order 4471?");
  CHECK_FALSE(plain[1].contains("generated"));
}

TEST_CASE("persona mistakes point at the persona's line") {
  TempDir dir;
  write_file("s.lua", scenario("    u:say('ok')\n    u:interrupt{ text = 'x' }\n"));
  auto s = persona::Session::open("s.lua", {});
  REQUIRE(s.ok());
  REQUIRE((*s)->start(1).ok());
  auto a = (*s)->resume({{"text", "r"}, {"turn", 1}});
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().message == "s.lua:4: interrupt: missing field 'after_chars'");
}
