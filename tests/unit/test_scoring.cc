// Scoring on hand-built records whose right answers are known: leaks, recoveries, probes,
// violations, windows, degradation, and the summary's aggregates.
#include <doctest/doctest.h>

#include <set>

#include "score/recovery.h"
#include "score/summary.h"
#include "score/text.h"

using namespace spar::score;
using json = nlohmann::json;

namespace {

// A record whose transcript is built turn by turn: user text, agent text, optional tool call.
struct Builder {
  json record = {{"scenario", "s"}, {"trial", 1}, {"status", "completed"}, {"pass", true}, {"turns", 0},
                 {"transcript", json::array()}, {"events", json::array()}, {"probes", json::array()},
                 {"violations", json::array()}, {"policy_count", 2}};
  Builder& turn(const std::string& user, const std::string& agent, const std::string& tool = "",
                const std::string& args = "{}") {
    int t = record["turns"].get<int>() + 1;
    record["turns"] = t;
    record["transcript"].push_back({{"turn", t}, {"role", "user"}, {"content", user}});
    if (!tool.empty()) {
      record["transcript"].push_back({{"turn", t}, {"role", "assistant"}, {"content", ""},
                                      {"tool_calls", {{{"id", "c"}, {"name", tool}, {"arguments", args}}}}});
      record["transcript"].push_back({{"turn", t}, {"role", "tool"}, {"content", "{\"ok\":true}"}});
    }
    record["transcript"].push_back({{"turn", t}, {"role", "assistant"}, {"content", agent}});
    return *this;
  }
  Builder& event(json e) {
    record["events"].push_back(std::move(e));
    return *this;
  }
  json scored(int R = 2) {
    score_conversation(record, {R});
    return record;
  }
};

}  // namespace

TEST_CASE("text: tokens match on boundaries; keywords stem and drop stop words") {
  CHECK(contains_token("Order 4417, right?", "4417"));
  CHECK_FALSE(contains_token("Order 44170", "4417"));
  CHECK_FALSE(contains_token("A-44171", "4417"));
  CHECK(contains_token("email DANA@x.com now", "dana@x.com"));
  CHECK(keywords("Will I be refunded for the orders?") == std::set<std::string>{"refund", "order"});
  CHECK(addresses("will the refund go to my card", "Refunds go back to the original card."));
  CHECK_FALSE(addresses("will the refund go to my card", "Could you tell me your date of birth?"));
}

TEST_CASE("correction: recovered when the new value is used within R turns and the old one never returns") {
  json ev = {{"type", "correction"}, {"field", "order"}, {"from", "4417"}, {"to", "4471"}, {"turn", 2}};
  SUBCASE("named the turn after; reading it back from the correction itself is an echo") {
    json r = Builder().turn("hi", "hello").turn("4417, sorry, 4471", "Got it.").turn("ok", "Order 4471 it is.").event(ev).scored();
    CHECK(r["events"][0]["recovered"] == true);
    CHECK(r["events"][0]["turns_to_recover"] == 1);
    CHECK(r["events"][0]["leaked"] == nullptr);
    json echo = Builder().turn("hi", "hello").turn("4417, sorry, 4471", "Order 4471, got it.").event(ev).scored();
    CHECK(echo["events"][0]["recovered"] == nullptr);
  }
  SUBCASE("used in a tool call two turns later, within R=2") {
    json r = Builder().turn("hi", "hello").turn("4417, sorry, 4471", "Let me check.").turn("ok", "One moment.")
                 .turn("and?", "Done.", "cancel_order", R"({"order_id":"4471"})").event(ev).scored();
    CHECK(r["events"][0]["recovered"] == true);
    CHECK(r["events"][0]["turns_to_recover"] == 2);
  }
  SUBCASE("an action beyond R=1 still decides (R bounds text verdicts only)") {
    json r = Builder().turn("hi", "hello").turn("4417, sorry, 4471", "Let me check.").turn("ok", "One moment.")
                 .turn("and?", "Done.", "cancel_order", R"({"order_id":"4471"})").event(ev).scored(1);
    CHECK(r["events"][0]["recovered"] == true);
    CHECK(r["events"][0]["decided_by"] == "action");
  }
  SUBCASE("a text-only recovery too late for R=1 is unscored") {
    json r = Builder().turn("hi", "hello").turn("4417, sorry, 4471", "Let me check.").turn("ok", "One moment.")
                 .turn("and?", "Order 4471 it is.").event(ev).scored(1);
    CHECK(r["events"][0]["recovered"] == nullptr);
  }
  SUBCASE("the superseded value leaks into a tool call later") {
    json r = Builder().turn("hi", "hello").turn("4417, sorry, 4471", "Order 4471, got it.").turn("ok", "fine")
                 .turn("go", "Done.", "cancel_order", R"({"order_id":"4417"})").event(ev).scored();
    CHECK(r["events"][0]["recovered"] == false);
    CHECK(r["events"][0]["leaked"] == "4417");
    CHECK(r["events"][0]["leak_turn"] == 4);
  }
}

TEST_CASE("intent_change: the old intent's tool is never called after, the new one is") {
  json ev = {{"type", "intent_change"}, {"from", "cancel"}, {"to", "pause"}, {"turn", 2},
             {"from_tool", "cancel_sub"}, {"to_tool", "pause_sub"}};
  json ok = Builder().turn("cancel it", "Sure?").turn("actually pause", "Shall I pause?").turn("yes", "Paused.", "pause_sub")
                .event(ev).scored();
  CHECK(ok["events"][0]["recovered"] == true);
  CHECK(ok["events"][0]["turns_to_recover"] == 1);
  json bad = Builder().turn("cancel it", "Sure?").turn("actually pause", "Ok.").turn("yes", "Cancelled.", "cancel_sub")
                 .event(ev).scored();
  CHECK(bad["events"][0]["recovered"] == false);
  CHECK(bad["events"][0]["leaked"] == "cancel_sub");
  json never = Builder().turn("cancel it", "Sure?").turn("actually pause", "Ok.").event(ev).scored();
  CHECK(never["events"][0]["recovered"] == false);
  json unmapped = ev;
  unmapped.erase("to_tool");
  json u = Builder().turn("cancel it", "Sure?").turn("actually pause", "Ok.").event(unmapped).scored();
  CHECK(u["events"][0]["recovered"] == nullptr);  // unscorable, not a failure
}

TEST_CASE("interruption, topic_switch, ambiguity, contradiction") {
  json r = Builder()
               .turn("how do refunds work?", "Refunds take")  // cut
               .turn("wait, will the refund go to my card?", "Yes, refunds go back to your card.")
               .turn("do you sell gift cards?", "We do.")
               .turn("anyway, about my order", "Could you tell me your date of birth?")
               .turn("cancel the other one", "Which order do you mean, 4471 or 4417?")
               .turn("it arrived late actually", "Sorry it arrived late.")
               .event({{"type", "interruption"}, {"text", "wait, will the refund go to my card?"}, {"turn", 2}})
               .event({{"type", "topic_switch"}, {"digression", "do you sell gift cards?"},
                       {"back", "anyway, about my order"}, {"turn", 4}})
               .event({{"type", "topic_switch"}, {"digression", "do you sell gift cards?"},
                       {"back", "anyway, about my order"}, {"turn", 4}, {"expect", {"gift"}}})
               .event({{"type", "ambiguity"}, {"referent", "4417"}, {"candidates", {"4471", "4417"}}, {"turn", 5}})
               .event({{"type", "contradiction"}, {"earlier", "never arrived"}, {"now", "arrived late"}, {"turn", 6}})
               .scored();
  CHECK(r["events"][0]["recovered"] == nullptr);  // sharing a content word is no evidence
  CHECK(r["events"][1]["recovered"] == nullptr);  // no call, no expect words: nothing decides
  CHECK(r["events"][2]["recovered"] == false);  // ... but the persona expected the word "gift"
  CHECK(r["events"][3]["recovered"] == true);   // a clarifying question
  CHECK(r["events"][4]["recovered"] == nullptr);  // reading the new statement back is an echo
  json stuck = Builder()
                   .turn("do you sell gift cards?", "Yes, gift cards come in 25 and 50.")
                   .turn("anyway, about my order", "Our gift cards never expire, by the way.")
                   .event({{"type", "topic_switch"}, {"digression", "do you sell gift cards?"},
                           {"back", "anyway, about my order"}, {"turn", 2}})
                   .event({{"type", "interruption"}, {"text", "wait: my customer number is 31415926."}, {"turn", 2}})
                   .scored();
  CHECK(stuck["events"][0]["recovered"] == nullptr);  // no call and no expect words: unscored
  CHECK(stuck["events"][1]["recovered"] == nullptr);  // the value was never used, no expect words
  json took = Builder()
                  .turn("wait: my customer number is 31415926.", "Thanks. And your date of birth?")
                  .turn("1990-01-01", "Verified.", "verify", R"({"customer":"31415926","dob":"1990-01-01"})")
                  .event({{"type", "interruption"}, {"text", "wait: my customer number is 31415926."}, {"turn", 1}})
                  .scored();
  CHECK(took["events"][0]["recovered"] == true);  // the value it carried was used within R turns
  CHECK(took["events"][0]["turns_to_recover"] == 1);
  json wrong = Builder().turn("cancel the other one", "Cancelled.", "cancel_order", R"({"order_id":"4471"})")
                   .event({{"type", "ambiguity"}, {"referent", "4417"}, {"candidates", {"4471", "4417"}}, {"turn", 1}})
                   .scored();
  CHECK(wrong["events"][0]["recovered"] == false);
  CHECK(wrong["events"][0]["leaked"] == "4471");
}

TEST_CASE("checkpoints: windows, nulls, policy weights, retention, quality and degradation") {
  Builder b;
  for (int t = 1; t <= 9; ++t) b.turn("u" + std::to_string(t), t == 7 ? "It was 4471." : "a" + std::to_string(t));
  b.record["checkpoint_turns"] = {3, 8, 15};
  b.record["probes"] = {{{"turn", 7}, {"key", "order"}, {"expected", "4471"}},
                        {{"turn", 8}, {"key", "zip"}, {"expected", "19122"}}};
  b.record["violations"] = {{{"turn", 2}, {"severity", "minor"}}, {{"turn", 4}, {"severity", "major"}},
                            {{"turn", 5}, {"severity", "major"}}, {{"turn", 9}, {"severity", "critical"}}};
  b.event({{"type", "correction"}, {"from", "1"}, {"to", "a2"}, {"turn", 2}});
  json r = b.scored();
  json cp = r["checkpoints"];
  CHECK(cp["3"]["policy"] == doctest::Approx(0.9));
  CHECK(cp["3"]["recovery"] == doctest::Approx(1.0));
  CHECK(cp["3"]["retention"] == nullptr);
  CHECK(cp["3"]["quality"] == doctest::Approx(0.95));
  CHECK(cp["8"]["policy"] == doctest::Approx(0.5));
  CHECK(cp["8"]["recovery"] == nullptr);
  CHECK(cp["8"]["retention"] == doctest::Approx(0.5));
  CHECK(cp["8"]["quality"] == doctest::Approx(0.5));
  CHECK(cp["15"] == nullptr);  // not reached (9 turns)
  CHECK(r["probes"][0]["answered"] == true);
  CHECK(r["probes"][1]["answered"] == false);
  CHECK(r["degradation"]["quality"] == doctest::Approx(-0.45));
  CHECK(r["degradation"]["policy"] == doctest::Approx(-0.4));
  CHECK(r["degradation"]["recovery"] == doctest::Approx(0.0));
  CHECK(r["final_quality"] == doctest::Approx(0.5));
  // Without policies the policy dimension has nothing to measure.
  b.record["policy_count"] = 0;
  CHECK(b.scored()["checkpoints"]["3"]["policy"] == nullptr);
}

TEST_CASE("summary: curves with confidence intervals, recovery by type, reliability") {
  std::vector<json> records;
  for (int i = 0; i < 5; ++i) {
    json q = i < 4 ? json(1.0) : json(0.5);
    records.push_back({{"scenario", "a"}, {"trial", i + 1}, {"status", "completed"}, {"pass", true},
                       {"checkpoints", {{"3", {{"quality", 1.0}}}, {"8", {{"quality", q}}}}},
                       {"final_quality", q},
                       {"events", {{{"type", "correction"}, {"recovered", i % 2 == 0}, {"turns_to_recover", 1}}}}});
  }
  records.push_back({{"scenario", "a"}, {"trial", 6}, {"status", "error"}, {"error", {{"kind", "timeout"}}}});
  json s = summarize(records);
  CHECK(s["checkpoints"]["3"]["quality"]["mean"] == doctest::Approx(1.0));
  CHECK(s["checkpoints"]["8"]["quality"]["mean"] == doctest::Approx(0.9));
  CHECK(s["checkpoints"]["8"]["quality"]["n"] == 5);
  // The seeded bootstrap (docs/metrics.md): a resample of the five values draws 0.5 three times
  // or more with chance 0.058, twice or more with 0.26, so the 2.5th percentile is the mean
  // with three 0.5s, 0.7; the 97.5th, none: 1.0. (Student's t gave 0.62 .. 1.18, clipped.)
  CHECK(s["checkpoints"]["8"]["quality"]["ci95"][0] == doctest::Approx(0.7));
  CHECK(s["checkpoints"]["8"]["quality"]["ci95"][1] == doctest::Approx(1.0));
  CHECK(s["degradation"]["quality"] == doctest::Approx(-0.1));
  CHECK(s["recovery"]["correction"]["events"] == 5);
  CHECK(s["recovery"]["correction"]["rate"] == doctest::Approx(0.6));
  CHECK(s["per_scenario"]["a"]["reliability"]["aptitude"] == doctest::Approx(1.0));
  CHECK(s["per_scenario"]["a"]["reliability"]["unreliability"] == doctest::Approx(0.3));  // P90 1.0 - P10 0.7
  CHECK(s["error_kinds"]["timeout"] == 1);
  CHECK(percentile({1, 2, 3, 4}, 50) == doctest::Approx(2.5));
}

TEST_CASE("summary: usage and cost") {
  std::vector<json> records = {
      {{"scenario", "a"}, {"trial", 1}, {"status", "completed"}, {"pass", true},
       {"usage", {{"prompt_tokens", 1000000}, {"completion_tokens", 200000}, {"agent_requests", 10}, {"tool_calls", 3},
                  {"turn_latency_ms", {10, 20, 30, 40}}}}},
      {{"scenario", "a"}, {"trial", 2}, {"status", "completed"}, {"pass", true},
       {"usage", {{"prompt_tokens", 0}, {"completion_tokens", 0}, {"agent_requests", 20}, {"tool_calls", 1},
                  {"turn_latency_ms", {50}}}}}};
  json s = summarize(records, {Price{0.15, 0.60}});
  CHECK(s["usage"]["agent_requests_per_conversation"] == doctest::Approx(15));
  CHECK(s["usage"]["tool_calls_per_conversation"] == doctest::Approx(2));
  CHECK(s["usage"]["turn_latency_ms"]["p50"] == doctest::Approx(30));
  CHECK(s["usage"]["turn_latency_ms"]["p95"] == doctest::Approx(48));
  CHECK(s["usage"]["cost_usd"] == doctest::Approx(0.15 + 0.12));
  CHECK(s["usage"]["cost_usd_per_conversation"] == doctest::Approx(0.135));
}
