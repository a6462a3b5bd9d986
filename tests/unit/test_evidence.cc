// Evidence before words (issue 14, point 1): every event and probe verdict names what decided
// it, an action beats a wording, and agents that only agree or only echo earn no credit. Each
// case is a hand-written record whose truth is known; none depends on spar-mock-agent's phrasing.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "record/record.h"
#include "score/events.h"
#include "score/metrics.h"
#include "score/recovery.h"
#include "score/summary.h"

using namespace spar::score;
using json = nlohmann::json;

namespace {

struct Rec {
  json record = {{"turns", 0}, {"transcript", json::array()}, {"events", json::array()}, {"probes", json::array()},
                 {"violations", json::array()}, {"policy_count", 0}};
  // One turn: the user's message, the agent's tool calls ({name, arguments-json}), its reply.
  Rec& turn(const std::string& user, const std::string& agent, std::vector<std::pair<std::string, std::string>> calls = {}) {
    int t = record["turns"].get<int>() + 1;
    record["turns"] = t;
    record["transcript"].push_back({{"turn", t}, {"role", "user"}, {"content", user}});
    for (const auto& [name, args] : calls) {
      record["transcript"].push_back({{"turn", t}, {"role", "assistant"}, {"content", ""},
                                      {"tool_calls", {{{"id", "c"}, {"name", name}, {"arguments", args}}}}});
      record["transcript"].push_back({{"turn", t}, {"role", "tool"}, {"content", "{\"ok\":true}"}});
    }
    if (!agent.empty()) record["transcript"].push_back({{"turn", t}, {"role", "assistant"}, {"content", agent}});
    return *this;
  }
  Rec& event(json e) {
    record["events"].push_back(std::move(e));
    return *this;
  }
  Rec& probe(int turn, const std::string& expected) {
    record["probes"].push_back({{"turn", turn}, {"key", "k"}, {"expected", expected}});
    return *this;
  }
  json scored(int R = 2) {
    score_conversation(record, {R});
    return record;
  }
};

double at(const json& summary, const std::string& key) {
  auto m = metric(summary, key);
  REQUIRE(m.ok());
  REQUIRE(m.value().has_value());
  return *m.value();
}

const json kCorrection = {{"type", "correction"}, {"field", "order number"}, {"from", "4417"}, {"to", "4471"}, {"turn", 2}};

void check_unscored(const json& e) {
  CHECK(e["recovered"] == nullptr);
  CHECK(e["decided_by"] == "unscored");
  CHECK(e["unscored"].is_string());
}

}  // namespace

TEST_CASE("evidence: a correction is decided by the first call that carries the bound argument") {
  SUBCASE("a rewording correct agent: names the old value in its text, acts with the new one") {
    json r = Rec().turn("my order is 4417", "Thanks.")
                 .turn("sorry, I meant 4471", "Got it, 4471 rather than 4417. One moment.")
                 .turn("ok", "Found it.", {{"get_order", R"({"order_id":"4471"})"}})
                 .event(kCorrection).scored();
    CHECK(r["events"][0]["recovered"] == true);
    CHECK(r["events"][0]["decided_by"] == "action");
    CHECK(r["events"][0]["turns_to_recover"] == 1);
  }
  SUBCASE("an action beats what the reply says: it says the new value, acts with the old") {
    json r = Rec().turn("my order is 4417", "Thanks.")
                 .turn("sorry, I meant 4471", "Order 4471, noted.", {{"get_order", R"({"order_id":" 4417 "})"}})
                 .event(kCorrection).scored();
    CHECK(r["events"][0]["recovered"] == false);
    CHECK(r["events"][0]["decided_by"] == "action");
    CHECK(r["events"][0]["leaked"] == "4417");
    CHECK(r["events"][0]["leak_turn"] == 2);
  }
  SUBCASE("a later bound call with the old value fails a recovery") {
    json r = Rec().turn("my order is 4417", "Thanks.")
                 .turn("sorry, I meant 4471", "One moment.", {{"get_order", R"({"order_id":"4471"})"}})
                 .turn("cancel it", "Cancelled.", {{"cancel_order", R"({"order_id":"4417"})"}})
                 .event(kCorrection).scored();
    CHECK(r["events"][0]["recovered"] == false);
    CHECK(r["events"][0]["leak_turn"] == 3);
  }
  SUBCASE("the scenario's binding names the argument; calls without it do not decide") {
    json ev = kCorrection;
    ev["args"] = {"start_return.order_id"};
    json r = Rec().turn("my order is 4417", "Thanks.")
                 .turn("sorry, I meant 4471", "Let me look.", {{"search", R"({"q":"4417"})"}})
                 .turn("ok", "Started.", {{"start_return", R"({"order_id":4471})"}})
                 .event(ev).scored();
    CHECK(r["events"][0]["recovered"] == true);  // the search with 4417 is no bound call
    CHECK(r["events"][0]["decided_by"] == "action");
    CHECK(r["events"][0]["turns_to_recover"] == 1);
  }
  SUBCASE("an action decides beyond R: verifying first is no failure") {
    json r = Rec().turn("my order is 4417", "Thanks.").turn("sorry, I meant 4471", "Your e-mail?")
                 .turn("a@b.com", "And your zip?").turn("19122", "Thanks.").turn("ok", "Done.", {{"get_order", R"({"order_id":"4471"})"}})
                 .event(kCorrection).scored(1);
    CHECK(r["events"][0]["recovered"] == true);
    CHECK(r["events"][0]["turns_to_recover"] == 3);
  }
}

TEST_CASE("evidence: without a deciding call a correction is decided by echo-proof text, or unscored") {
  SUBCASE("names the new value only, in a turn whose user message did not hold it") {
    json r = Rec().turn("my order is 4417", "Thanks.").turn("sorry, I meant 4471", "Noted.").turn("ok", "Order 4471 it is.")
                 .event(kCorrection).scored();
    CHECK(r["events"][0]["recovered"] == true);
    CHECK(r["events"][0]["decided_by"] == "text");
    CHECK(r["events"][0]["turns_to_recover"] == 1);
  }
  SUBCASE("reading the new value back from the correction itself is an echo: unscored") {
    json r = Rec().turn("my order is 4417", "Thanks.").turn("sorry, I meant 4471", "Order 4471, noted.").event(kCorrection).scored();
    check_unscored(r["events"][0]);
  }
  SUBCASE("names the old value only") {
    json r = Rec().turn("my order is 4417", "Thanks.").turn("sorry, I meant 4471", "Order 4417, noted.").event(kCorrection).scored();
    CHECK(r["events"][0]["recovered"] == false);
    CHECK(r["events"][0]["decided_by"] == "text");
    CHECK(r["events"][0]["leaked"] == "4417");
  }
  SUBCASE("an echoer names both: no credit, nothing decided") {
    json r = Rec().turn("my order is 4417", "You said 4417.")
                 .turn("sorry, I meant 4471", "You said 4417 and 4471.")
                 .turn("ok", "You said 4417 and 4471.").event(kCorrection).scored();
    check_unscored(r["events"][0]);
  }
  SUBCASE("an agreer: unscored, not recovered") {
    json r = Rec().turn("my order is 4417", "Sure, happy to help! Anything else?")
                 .turn("sorry, I meant 4471", "Sure, happy to help! Anything else?").event(kCorrection).scored();
    check_unscored(r["events"][0]);
  }
}

TEST_CASE("evidence: the agreer earns no credit on ambiguity, contradiction, topic switch or interruption") {
  const std::string agree = "Sure, happy to help! Anything else?";
  json r = Rec().turn("cancel the other one", agree)
               .turn("it never arrived", agree)
               .turn("actually it arrived late", agree)
               .turn("do you sell gift cards?", agree)
               .turn("anyway, about my order", agree)
               .turn("wait, will the refund go to my card?", agree)
               .event({{"type", "ambiguity"}, {"referent", "4417"}, {"candidates", {"4471", "4417"}}, {"turn", 1}})
               .event({{"type", "contradiction"}, {"field", "delivery"}, {"earlier", "never arrived"}, {"now", "arrived late"}, {"turn", 3}})
               .event({{"type", "topic_switch"}, {"digression", "do you sell gift cards?"}, {"back", "anyway, about my order"}, {"turn", 5}})
               .event({{"type", "interruption"}, {"text", "wait, will the refund go to my card?"}, {"turn", 6}})
               .scored();
  for (int i = 0; i < 4; ++i) {
    CAPTURE(i);
    check_unscored(r["events"][i]);
  }
}

TEST_CASE("evidence: ambiguity") {
  json ev = {{"type", "ambiguity"}, {"referent", "4417"}, {"candidates", {"4471", "4417"}}, {"turn", 1}};
  SUBCASE("acting on a wrong candidate fails it") {
    json r = Rec().turn("cancel the other one", "Cancelled.", {{"cancel_order", R"({"order_id":"4471"})"}}).event(ev).scored();
    CHECK(r["events"][0]["recovered"] == false);
    CHECK(r["events"][0]["decided_by"] == "action");
    CHECK(r["events"][0]["leaked"] == "4471");
  }
  SUBCASE("asking which one, then acting right, recovers by action") {
    json r = Rec().turn("cancel the other one", "Which one, 4471 or 4417?")
                 .turn("the second", "Cancelled.", {{"cancel_order", R"({"order_id":"4417"})"}}).event(ev).scored();
    CHECK(r["events"][0]["recovered"] == true);
    CHECK(r["events"][0]["decided_by"] == "action");
    CHECK(r["events"][0]["turns_to_recover"] == 1);
  }
  SUBCASE("a question naming two candidates recovers by text") {
    json r = Rec().turn("cancel the other one", "Do you mean 4471 or 4417?").event(ev).scored();
    CHECK(r["events"][0]["recovered"] == true);
    CHECK(r["events"][0]["decided_by"] == "text");
  }
  SUBCASE("a bare question, or the referent alone, is no evidence") {
    json bare = Rec().turn("cancel the other one", "?").event(ev).scored();
    check_unscored(bare["events"][0]);
    json echo = Rec().turn("cancel 4417, the other one", "Cancel 4417?").event(ev).scored();
    check_unscored(echo["events"][0]);
  }
}

TEST_CASE("evidence: contradiction") {
  json ev = {{"type", "contradiction"}, {"field", "delivery"}, {"earlier", "never arrived"}, {"now", "arrived late"}, {"turn", 2}};
  json ask = Rec().turn("it never arrived", "Sorry.").turn("it arrived late", "Did it never arrive, or arrive late?").event(ev).scored();
  check_unscored(ask["events"][0]);  // "never arrive" is not "never arrived": the values must be named
  json asks = Rec().turn("it never arrived", "Sorry.").turn("it arrived late", "You said it never arrived; now it arrived late. Which is it?")
                  .event(ev).scored();
  CHECK(asks["events"][0]["recovered"] == true);  // asking which is right (the earlier value is not in this message)
  CHECK(asks["events"][0]["decided_by"] == "text");
  json both = Rec().turn("it never arrived", "Sorry.").turn("it arrived late", "It never arrived and it arrived late.").event(ev).scored();
  check_unscored(both["events"][0]);
  json acted = Rec().turn("ship to 19122", "Ok.").turn("no, 19104", "Sure, 19122 then!", {{"set_zip", R"({"zip":"19104"})"}})
                   .event({{"type", "contradiction"}, {"field", "zip"}, {"earlier", "19122"}, {"now", "19104"}, {"turn", 2}})
                   .scored();
  CHECK(acted["events"][0]["recovered"] == true);
  CHECK(acted["events"][0]["decided_by"] == "action");
}

TEST_CASE("evidence: interruption and topic switch") {
  SUBCASE("an expect word the user's own message holds is an echo, not evidence") {
    json ev = {{"type", "interruption"}, {"text", "wait, will the refund go to my card?"}, {"expect", {"card"}}, {"turn", 1}};
    json r = Rec().turn("wait, will the refund go to my card?", "Your card? Sure, happy to help!").event(ev).scored();
    check_unscored(r["events"][0]);
    ev["expect"] = {"card", "original payment"};
    json yes = Rec().turn("wait, will the refund go to my card?", "It goes back to the original payment method.").event(ev).scored();
    CHECK(yes["events"][0]["recovered"] == true);
    CHECK(yes["events"][0]["decided_by"] == "text");
    json no = Rec().turn("wait, will the refund go to my card?", "Your card, yes.").event(ev).scored();
    CHECK(no["events"][0]["recovered"] == false);
    CHECK(no["events"][0]["decided_by"] == "text");
  }
  SUBCASE("a value the interruption carried, used in a call within R turns, is an action") {
    json r = Rec().turn("wait: my customer number is 31415926.", "Thanks. Your date of birth?")
                 .turn("1990-01-01", "Verified.", {{"verify", R"({"customer":"31415926"})"}})
                 .event({{"type", "interruption"}, {"text", "wait: my customer number is 31415926."}, {"turn", 1}})
                 .scored();
    CHECK(r["events"][0]["recovered"] == true);
    CHECK(r["events"][0]["decided_by"] == "action");
  }
  SUBCASE("a tool call within R turns of a topic switch's return is back on task") {
    json ev = {{"type", "topic_switch"}, {"digression", "gift cards?"}, {"back", "anyway, my order"}, {"turn", 2}};
    json r = Rec().turn("gift cards?", "We sell them.").turn("anyway, my order", "Looking.", {{"get_order", "{}"}})
                 .event(ev).scored();
    CHECK(r["events"][0]["recovered"] == true);
    CHECK(r["events"][0]["decided_by"] == "action");
    ev["expect"] = {"order"};  // the return's own word: an echo
    json echo = Rec().turn("gift cards?", "We sell them.").turn("anyway, my order", "Your order, sure!").event(ev).scored();
    check_unscored(echo["events"][0]);
  }
}

TEST_CASE("evidence: unread and unknown event types are not confusion events") {
  json r = Rec().turn("sorry, could you say that again?", "Sure.")
               .event({{"type", "unread"}, {"reading", "unknown"}, {"turn", 1}})
               .event({{"type", "teleport"}, {"turn", 1}})
               .scored();
  for (int i = 0; i < 2; ++i) {
    CHECK(r["events"][i]["recovered"] == nullptr);
    CHECK(r["events"][i]["decided_by"] == "unscored");
    CHECK(r["events"][i]["unscored"] == "not a confusion event");
  }
}

TEST_CASE("evidence: retention probes are echo-proof") {
  SUBCASE("the planted value alone answers") {
    json r = Rec().turn("my order is 4471", "Thanks.").turn("which order was it?", "It was 4471.").probe(2, "4471").scored();
    CHECK(r["probes"][0]["answered"] == true);
    CHECK(r["probes"][0]["decided_by"] == "text");
  }
  SUBCASE("an echoer that repeats every number it saw gets no credit") {
    json r = Rec().turn("my order is 4417, sorry, 4471", "You said 4417 and 4471.")
                 .turn("my zip is 19122", "You said 4417, 4471 and 19122.")
                 .turn("which order was it?", "You said 4417, 4471 and 19122.")
                 .event({{"type", "correction"}, {"field", "order"}, {"from", "4417"}, {"to", "4471"}, {"turn", 1}})
                 .probe(3, "4471").probe(3, "19122").scored();
    CHECK(r["probes"][0]["answered"] == false);
    CHECK(r["probes"][1]["answered"] == false);  // it names every other value it heard too: an echo, not an answer
    check_unscored(r["events"][0]);
  }
  SUBCASE("e-mail addresses are one shape") {
    json r = Rec().turn("I'm dana@x.com, or dana.k@y.org", "Noted.").turn("what's my e-mail?", "dana@x.com or dana.k@y.org")
                 .probe(2, "dana@x.com").scored();
    CHECK(r["probes"][0]["answered"] == false);
  }
  SUBCASE("no reply in the probe's turn is unscored") {
    json r = Rec().turn("my order is 4471", "Thanks.").turn("which order was it?", "").probe(2, "4471").scored();
    CHECK(r["probes"][0]["answered"] == nullptr);
    CHECK(r["probes"][0]["decided_by"] == "unscored");
    CHECK(r["checkpoints"].is_object());  // an unscored probe is out of retention, not a crash
  }
}

TEST_CASE("evidence: bind_event copies the scenario's intents and fields onto an event") {
  json fields = {{"order number", {"order_id", "start_return.order_id"}}};
  json intents = {{"cancel", "cancel_order"}, {"return", "start_return"}};
  json e = kCorrection;
  e["args"] = {"stale"};
  bind_event(e, intents, fields);
  CHECK(e["args"] == json({"order_id", "start_return.order_id"}));
  json other = {{"type", "correction"}, {"field", "zip"}, {"args", {"stale"}}};
  bind_event(other, intents, fields);
  CHECK_FALSE(other.contains("args"));  // re-binding drops what the scenario no longer says
  json ic = {{"type", "intent_change"}, {"from", "cancel"}, {"to", "return"}};
  bind_event(ic, intents, fields);
  CHECK(ic["from_tool"] == "cancel_order");
  CHECK(ic["to_tool"] == "start_return");
}

TEST_CASE("evidence: the summary's evidence mix, recovery by evidence, unread, and their gates") {
  auto record = [](const std::string& scenario, int trial, json events, json verdicts) {
    return json{{"schema_version", spar::record::kSchemaVersion}, {"scenario", scenario}, {"trial", trial},
                {"ended", "persona_done"}, {"error", nullptr}, {"turns", 3}, {"events", std::move(events)},
                {"probes", json::array()},
                {"score", {{"pass", true}, {"decided_by", "goal"}, {"goal_met", true}, {"events", std::move(verdicts)},
                           {"probes", {{{"answered", nullptr}, {"decided_by", "unscored"}}, {{"answered", true}, {"decided_by", "text"}}}},
                           {"violations", {{{"rule", "r"}, {"severity", "minor"}, {"turn", 1}, {"action", "tool_call"}}}}}}};
  };
  json c = {{"type", "correction"}, {"turn", 1}}, u = {{"type", "unread"}, {"turn", 2}};
  json act_yes = {{"recovered", true}, {"decided_by", "action"}}, act_no = {{"recovered", false}, {"decided_by", "action"}};
  json txt_yes = {{"recovered", true}, {"decided_by", "text"}}, none = {{"recovered", nullptr}, {"decided_by", "unscored"}};
  std::vector<json> records = {record("a", 1, {c, c, u}, {act_yes, act_no, none}),
                               record("a", 2, {c, c}, {txt_yes, none}),
                               record("b", 1, {c, u, u}, {act_yes, none, none})};
  json s = summarize(records);
  CHECK(s["evidence"]["events"] == json({{"action", 3}, {"state", 0}, {"judge", 0}, {"text", 1}, {"unscored", 1}}));
  CHECK(s["evidence"]["probes"]["unscored"] == 3);
  CHECK(s["evidence"]["probes"]["text"] == 3);
  CHECK(s["evidence"]["violations"] == json({{"action", 3}, {"text", 0}}));
  CHECK(s["recovery"]["by_evidence"]["action"] == json({{"recovered", 2}, {"scored", 3}, {"rate", 0.666667}}));
  CHECK(s["recovery"]["by_evidence"]["text"]["rate"] == doctest::Approx(1.0));
  CHECK(s["recovery"]["correction"]["scored"] == 4);  // unread events are outside recovery
  CHECK_FALSE(s["recovery"].contains("unread"));
  CHECK(s["unread"] == 3);
  CHECK(s["per_scenario"]["a"]["unread"] == 1);
  CHECK(s["per_scenario"]["b"]["unread"] == 2);

  CHECK(at(s, "evidence.action") == doctest::Approx(0.6));  // 3 of 5 event verdicts, unscored counted
  CHECK(at(s, "evidence.unscored") == doctest::Approx(0.2));
  CHECK(at(s, "recovery.action") == doctest::Approx(2.0 / 3));
  CHECK(at(s, "recovery.text") == doctest::Approx(1.0));
  CHECK(at(s, "recovery") == doctest::Approx(0.75));  // by_evidence is not an event type
  auto gate = parse_gate("evidence.action>=0.8");
  REQUIRE(gate.ok());
  auto held = check_gates(s, {*gate});
  CHECK_FALSE(held[0].held);
  auto low = parse_gate("evidence.action>=0.6");
  REQUIRE(low.ok());
  CHECK(check_gates(s, {*low})[0].held);
}

TEST_CASE("evidence: reading the old value back alone, before any deciding call, fails the correction") {
  // The user had to correct it again: a right call afterwards does not undo that.
  json r = Rec().turn("seat 12C please", "Seat 12C, shall I?")
               .turn("sorry, not 12C: seat 21C", "Just to confirm: seat 12C. Shall I go ahead?")
               .turn("no: seat 21C", "Seat 21C then?")
               .turn("yes", "Done.", {{"select_seat", R"({"seat":"21C"})"}})
               .event({{"type", "correction"}, {"field", "seat"}, {"from", "12C"}, {"to", "21C"}, {"turn", 2}})
               .scored();
  CHECK(r["events"][0]["recovered"] == false);
  CHECK(r["events"][0]["leaked"] == "12C");
  CHECK(r["events"][0]["leak_turn"] == 2);
}

TEST_CASE("evidence: a reply that reads the user's message back earns nothing, whatever values it names") {
  SUBCASE("a probe answered by reading the question back, values and all") {
    json r = Rec().turn("my plan is 4K and my account is 55102", "Noted.")
                 .turn("can you remind me my account number again?", "So that's 4K, 55102, remind, account and number, right?")
                 .probe(2, "55102").scored();
    CHECK(r["probes"][0]["answered"] == false);
    json ok = Rec().turn("my plan is 4K and my account is 55102", "Noted.")
                  .turn("can you remind me my account number again?", "Your account number is 55102.")
                  .probe(2, "55102").scored();
    CHECK(ok["probes"][0]["answered"] == true);
  }
  SUBCASE("an ambiguity: a list of both candidates with 'right?' offers no choice") {
    json ev = {{"type", "ambiguity"}, {"referent", "5521"}, {"candidates", {"3390", "5521"}}, {"turn", 1}};
    json r = Rec().turn("order 3390 was fine, order 5521 is broken: refund it", "Thanks.")
                 .turn("where were we?", "So that's 3390, 5521 and refund, right?").event(ev).scored();
    check_unscored(r["events"][0]);
    json asks = Rec().turn("order 3390 was fine, order 5521 is broken: refund it", "Thanks.")
                    .turn("where were we?", "Which order should I refund, 3390 or 5521?").event(ev).scored();
    CHECK(asks["events"][0]["recovered"] == true);
    CHECK(asks["events"][0]["decided_by"] == "text");
  }
  SUBCASE("a correction read back in a later turn's echo of that turn's message") {
    json r = Rec().turn("a vegetarian meal please", "Sure.")
                 .turn("not vegetarian: vegan", "Noted.")
                 .turn("no: a vegan meal on booking QXR942", "So that's QXR942, vegan, meal and booking?")
                 .event({{"type", "correction"}, {"field", "meal"}, {"from", "vegetarian"}, {"to", "vegan"}, {"turn", 2}})
                 .scored();
    check_unscored(r["events"][0]);
  }
}
