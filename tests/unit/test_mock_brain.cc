// Unit tests of spar-mock-agent's rule engine (tools/mock-agent/brain.h): no sockets, the
// brain is called directly with OpenAI-shaped requests.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <string>

#include "brain.h"
#include "knobs.h"

using namespace spar::mock;
using json = nlohmann::json;

namespace {

json string_param(const std::string& description, const std::string& pattern = "") {
  json p = {{"type", "string"}, {"description", description}};
  if (!pattern.empty()) p["pattern"] = pattern;
  return p;
}

json tool(const std::string& name, const std::string& description, json properties,
          std::vector<std::string> required) {
  return {{"type", "function"},
          {"function",
           {{"name", name},
            {"description", description},
            {"parameters",
             {{"type", "object"}, {"properties", std::move(properties)}, {"required", required}}}}}};
}

using ToolFn = std::function<json(const json& args)>;

// A conversation driven turn by turn: user() sends a message, runs the tool loop with the
// given fakes, and returns the agent's final text. Every tool call made is recorded.
struct Chat {
  json request = {{"seed", 7}, {"messages", json::array()}, {"tools", json::array()}};
  Knobs knobs;
  std::map<std::string, ToolFn> impl;
  std::vector<std::pair<std::string, json>> calls;  // every tool call, in order

  explicit Chat(const std::string& system = "") {
    if (!system.empty()) request["messages"].push_back({{"role", "system"}, {"content", system}});
  }

  std::string user(const std::string& text) {
    request["messages"].push_back({{"role", "user"}, {"content", text}});
    for (int step = 0; step < 8; ++step) {
      BrainReply r = decide(request, knobs);
      if (r.tool_calls.empty()) {
        request["messages"].push_back({{"role", "assistant"}, {"content", r.text}});
        return r.text;
      }
      json tc = json::array();
      for (const auto& c : r.tool_calls) {
        tc.push_back({{"id", c.id},
                      {"type", "function"},
                      {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
      }
      request["messages"].push_back({{"role", "assistant"}, {"content", nullptr}, {"tool_calls", tc}});
      for (const auto& c : r.tool_calls) {
        json args = json::parse(c.arguments);
        calls.emplace_back(c.name, args);
        json result = impl.count(c.name) ? impl[c.name](args) : json{{"ok", true}};
        request["messages"].push_back(
            {{"role", "tool"}, {"tool_call_id", c.id}, {"content", result.dump()}});
      }
    }
    FAIL("tool loop did not settle");
    return "";
  }

  int count_calls(const std::string& name) const {
    int n = 0;
    for (const auto& c : calls) n += c.first == name;
    return n;
  }
};

// The subscriptions world: verify (account + email), pause (account + months), cancel.
Chat subscriptions() {
  Chat chat("You are a support agent. POLICY: verify identity before any change. "
            "Paused subscriptions are not charged while they are paused. "
            "Refunds take 5 business days to arrive.");
  json account = string_param("your account number (5 digits)", "^[0-9]{5}$");
  json email = string_param("your email address", "^[a-z.]+@[a-z]+\\.[a-z]+$");
  json months = {{"type", "integer"}, {"description", "the number of months to pause"}};
  chat.request["tools"] = json::array(
      {tool("verify_identity", "Verify the customer.", {{"account_id", account}, {"email", email}},
            {"account_id", "email"}),
       tool("pause_subscription", "Pause it.", {{"account_id", account}, {"months", months}},
            {"account_id", "months"}),
       tool("cancel_subscription", "Cancel it.", {{"account_id", account}}, {"account_id"})});
  chat.impl["verify_identity"] = [](const json& a) {
    return json{{"ok", a.value("account_id", "") == "88231" && a.value("email", "") == "dana@x.com"}};
  };
  chat.impl["pause_subscription"] = [](const json&) {
    return json{{"ok", true}, {"status", "paused"}, {"resumes_on", "2027-01-01"}};
  };
  return chat;
}

}  // namespace

TEST_CASE("mock brain: greets when there is no user message, chats without tools") {
  Knobs knobs;
  CHECK(decide(json{{"messages", json::array()}}, knobs).text == "Hello! How can I help you today?");
  CHECK(decide(json::array(), knobs).text == "Hello! How can I help you today?");
  json chat = {{"messages", json::array({{{"role", "user"}, {"content", "Tell me about rivers"}}})}};
  BrainReply r = decide(chat, knobs);
  CHECK(r.finish_reason == "stop");
  CHECK(r.tool_calls.empty());
  CHECK(r.text.find("rivers") != std::string::npos);
  CHECK(decide(chat, knobs).text == r.text);  // deterministic
}

TEST_CASE("mock brain: odd input never throws") {
  Knobs knobs;
  json odd = {{"messages", json::array({1, "x", {{"role", 3}}, {{"role", "user"}, {"content", nullptr}},
                                        {{"role", "tool"}, {"content", "not json"}}})},
              {"tools", json::array({1, {{"function", {{"name", 5}}}},
                                     {{"type", "function"}, {"function", {{"name", "do_it"}}}}})},
              {"seed", "abc"}};
  CHECK_NOTHROW(decide(odd, knobs));
  json bad_pattern = {
      {"messages", json::array({{{"role", "user"}, {"content", "change my thing to ((("}}})},
      {"tools", json::array({tool("change_thing", "", {{"x", string_param("x", "(((")}}, {"x"})})}};
  CHECK_NOTHROW(decide(bad_pattern, knobs));
}

TEST_CASE("mock brain: the latest intent wins, and the latest slot value wins") {
  Chat chat = subscriptions();
  CHECK(chat.user("Hi, I want to cancel my subscription.") ==
        "I can help you cancel the subscription. Could you tell me your account number?");
  CHECK(chat.user("It's 88213 - sorry, no: 88231") == "Could you tell me your email address?");
  CHECK(chat.user("Actually, can you just pause it for a month?") ==
        "I can help you pause the subscription. Could you tell me your email address?");
  std::string confirm = chat.user("dana@x.com");
  CHECK(chat.count_calls("verify_identity") == 1);
  CHECK(confirm ==
        "Thank you, you're verified. Just to confirm: you want me to pause the subscription (account number: 88231, 1 month). "
        "Shall I go ahead?");
  CHECK(chat.count_calls("pause_subscription") == 0);  // nothing written before a yes
  std::string done = chat.user("Yes, go ahead.");
  REQUIRE(chat.count_calls("pause_subscription") == 1);
  CHECK(chat.calls.back().second == json{{"account_id", "88231"}, {"months", 1}});
  CHECK(done.find("Done: I've paused the subscription") == 0);
  CHECK(done.find("2027-01-01") != std::string::npos);
  CHECK(chat.count_calls("cancel_subscription") == 0);
  // Never repeat a write that succeeded, even when asked again in other words.
  chat.user("Great, it's paused for a month then?");
  chat.user("Yes.");
  CHECK(chat.count_calls("pause_subscription") == 1);
}

TEST_CASE("mock brain: correction_rate=0 keeps the first value; intent_switch_rate=0 the first intent") {
  Chat chat = subscriptions();
  chat.knobs.correction_rate = 0;
  chat.user("I want to pause my subscription for a month.");
  chat.user("It's 88213 - sorry, no: 88231");
  chat.user("dana@x.com");
  REQUIRE(chat.count_calls("verify_identity") == 1);
  CHECK(chat.calls[0].second["account_id"] == "88213");

  Chat stubborn = subscriptions();
  stubborn.knobs.intent_switch_rate = 0;
  stubborn.user("I want to cancel my subscription.");
  CHECK(stubborn.user("Actually, just pause it for a month. My account is 88231.") ==
        "Could you tell me your email address?");
  CHECK(stubborn.user("dana@x.com").find("you want me to cancel the subscription") !=
        std::string::npos);
}

TEST_CASE("mock brain: a negative answer to a confirmation is acknowledged") {
  Chat chat = subscriptions();
  chat.user("Please pause my subscription for 2 months, account 88231, email dana@x.com.");
  std::string reply = chat.user("No, don't do that yet.");
  CHECK(reply == "No problem, I won't go ahead with that. What would you like me to do instead?");
  CHECK(chat.count_calls("pause_subscription") == 0);
}

TEST_CASE("mock brain: verification failures are reported and not retried with the same details") {
  Chat chat = subscriptions();
  chat.user("Pause my subscription for 1 month please, account 88213.");
  std::string reply = chat.user("It's dana@x.com");
  CHECK(reply.find("couldn't verify your identity") != std::string::npos);
  CHECK(reply.find("88213") == std::string::npos);  // no values echoed in an error
  chat.user("I'm sure they're right.");
  CHECK(chat.count_calls("verify_identity") == 1);
  std::string confirm = chat.user("Oh wait, the account is 88231.");
  CHECK(chat.count_calls("verify_identity") == 2);
  CHECK(confirm.find("Just to confirm") != std::string::npos);
}

TEST_CASE("mock brain: policy_slip=1 writes without verifying or confirming") {
  Chat chat = subscriptions();
  chat.knobs.policy_slip = 1;
  chat.user("Pause my subscription for 1 month, account 88231.");
  CHECK(chat.count_calls("verify_identity") == 0);
  CHECK(chat.count_calls("pause_subscription") == 1);
}

TEST_CASE("mock brain: recall answers from the visible history; context_window forgets") {
  Chat chat = subscriptions();
  chat.user("I'd like to pause my subscription.");
  chat.user("My account number is 88231.");
  CHECK(chat.user("Remind me, which account number did I give you?") ==
        "You gave me your account number 88231.");

  Chat forgetful = subscriptions();
  forgetful.knobs.context_window = 4;
  forgetful.user("I'd like to pause my subscription.");
  forgetful.user("My account number is 88231.");
  forgetful.user("Is it expensive?");
  forgetful.user("Hello?");
  CHECK(forgetful.user("Remind me, which account number did I give you?") ==
        "I'm sorry, I don't have your account number any more. Could you tell me again?");
}

TEST_CASE("mock brain: questions are answered from the system prompt") {
  Chat chat = subscriptions();
  CHECK(chat.user("How many business days do refunds take?") ==
        "Good question. Refunds take 5 business days to arrive. Is there anything else I can help "
        "you with?");
  CHECK(chat.user("What is the airspeed of a swallow?") ==
        "I'm afraid I don't have information about that. Is there anything else I can help you "
        "with?");
}

TEST_CASE("mock brain: enums, description words, explicit values and tool errors") {
  Chat chat;
  json card = string_param("the card's last four digits", "^[0-9]{4}$");
  json reason = {{"type", "string"}, {"description", "the reason"}, {"enum", {"lost", "stolen"}}};
  json holder = string_param("the cardholder's last name");
  chat.request["tools"] = json::array(
      {tool("block_card", "Block a card so that no further payments go through.",
            {{"card", card}, {"reason", reason}, {"last_name", holder}}, {"card", "reason", "last_name"})});
  chat.impl["block_card"] = [](const json&) { return json{{"ok", false}, {"error", "card not found"}}; };
  // "payments": a word of the description that no other tool uses.
  CHECK(chat.user("Please make sure no payments go through on my card!") ==
        "I can help you block the card. Could you tell me the card's last four digits?");
  CHECK(chat.user("It ends in 4242 and I think it was STOLEN.") ==
        "Could you tell me the cardholder's last name?");
  std::string confirm = chat.user("Last name: Okafor");
  CHECK(confirm == "Just to confirm: you want me to block the card (card's last four digits: 4242, "
                   "reason: stolen, cardholder's last name: Okafor). Shall I go ahead?");
  CHECK(chat.user("yes") ==
        "I'm sorry, I couldn't block the card: card not found. How would you like to proceed?");
}

TEST_CASE("mock brain: same request, same reply; ids derive from the request") {
  Chat chat = subscriptions();
  chat.user("Pause my subscription for 1 month, account 88231, email dana@x.com.");
  chat.request["messages"].push_back({{"role", "user"}, {"content", "yes"}});
  Knobs knobs;
  BrainReply a = decide(chat.request, knobs);
  BrainReply b = decide(chat.request, knobs);
  REQUIRE(a.tool_calls.size() == 1);
  CHECK(a.tool_calls[0].id == b.tool_calls[0].id);
  CHECK(a.tool_calls[0].arguments == b.tool_calls[0].arguments);
  CHECK(roll(1, 2, "x") == roll(1, 2, "x"));
  CHECK(roll(1, 2, "x") != roll(1, 3, "x"));
  CHECK(roll(1, 2, "x") != roll(1, 2, "y"));
}

TEST_CASE("mock brain: fatigue=1 makes the agent err") {
  int deviations = 0;
  for (int seed = 1; seed <= 12; ++seed) {
    Chat chat = subscriptions();
    chat.request["seed"] = seed;
    chat.knobs.fatigue = 1;
    chat.user("I'd like to pause my subscription for a month.");
    chat.user("It's 88213 - sorry, no: 88231");
    std::string reply = chat.user("dana@x.com");
    bool clean = chat.count_calls("verify_identity") == 1 &&
                 chat.calls[0].second["account_id"] == "88231" &&
                 chat.count_calls("pause_subscription") == 0 &&
                 reply.find("Just to confirm") != std::string::npos;
    deviations += !clean;
  }
  CHECK(deviations > 0);
}

TEST_CASE("mock brain: knobs parse with exact errors") {
  Knobs k;
  CHECK_FALSE(apply_knob(k, "correction_rate=0.5"));
  CHECK(k.correction_rate == 0.5);
  CHECK_FALSE(apply_knob(k, "context_window=6"));
  CHECK(k.context_window == 6);
  CHECK(*apply_knob(k, "nope=1") == "unknown knob 'nope' (see --help)");
  CHECK(*apply_knob(k, "policy_slip=2") ==
        "bad value for policy_slip: '2' (expected a number in [0, 1])");
  CHECK(*apply_knob(k, "context_window=1.5") ==
        "bad value for context_window: '1.5' (expected an integer >= 0)");
  CHECK(*apply_knob(k, "latency_ms") == "bad knob 'latency_ms' (expected key=value)");
  CHECK(knob_table().size() >= 7);
}

TEST_CASE("mock brain: questions about a finished action, or naming a known value, get a FACTS answer") {
  Chat chat = subscriptions();
  json account = string_param("your account number (5 digits)", "^[0-9]{5}$");
  json profile = {{"type", "string"}, {"description", "the profile to add"}, {"enum", {"kids", "guest"}}};
  chat.request["tools"].push_back(
      tool("add_profile", "Add a profile.", {{"account_id", account}, {"profile", profile}},
           {"account_id", "profile"}));
  chat.user("Please pause my subscription for 1 month, account 88231, email dana@x.com.");
  chat.user("Yes, go ahead.");
  REQUIRE(chat.count_calls("pause_subscription") == 1);
  // A known value in a question does not make it a new request.
  CHECK(chat.user("Will account 88231 be charged while it's paused?") ==
        "Good question. Paused subscriptions are not charged while they are paused. Is there "
        "anything else I can help you with?");
  // A second request, then a question about the first, finished action while its go-ahead
  // is pending: the question is answered and the second request stays on the table.
  CHECK(chat.user("Could you also add a kids profile?") ==
        "I can help you add the profile. Just to confirm: you want me to add the profile (account "
        "number: 88231, profile to add: kids). Shall I go ahead?");
  CHECK(chat.user("Wait, am I charged while it's paused?") ==
        "Good question. Paused subscriptions are not charged while they are paused. Just to "
        "confirm: you want me to add the profile (account number: 88231, profile to add: kids). "
        "Shall I go ahead?");
  chat.user("Yes, please.");
  CHECK(chat.count_calls("add_profile") == 1);
  CHECK(chat.count_calls("pause_subscription") == 1);
  // A value that changes still counts as news: no FACTS answer, a fresh confirmation.
  chat.user("Now pause it for 2 months instead, are refunds quick?");
  CHECK(chat.count_calls("pause_subscription") == 1);
}

TEST_CASE("mock brain: a plain-text answer ends with its sentence; past tenses double consonants") {
  Chat chat;
  json code = string_param("your booking code", "^[A-Z]{3}[0-9]{3}$");
  json holder = string_param("the passenger's last name");
  json street = string_param("the new delivery address, street and number");
  chat.request["tools"] = json::array(
      {tool("update_booking", "Update a booking.",
            {{"booking_code", code}, {"last_name", holder}, {"address", street}},
            {"booking_code", "last_name", "address"}),
       tool("transfer_funds", "Move money.", {{"booking_code", code}}, {"booking_code"})});
  chat.user("I need to update my booking QXR529.");
  CHECK(chat.user("My last name is Brennan. Now hurry up.") ==
        "Could you tell me the new delivery address?");
  std::string confirm = chat.user("The new delivery address is 12 Elm St. Apt 2. It's the blue door.");
  CHECK(confirm == "Just to confirm: you want me to update the booking (booking code: QXR529, "
                   "passenger's last name: Brennan, new delivery address: 12 Elm St. Apt 2). "
                   "Shall I go ahead?");
  chat.user("Yes.");
  CHECK(chat.user("And please transfer the funds too.").find("transfer the funds") != std::string::npos);
  CHECK(chat.user("Yes, go ahead.").find("Done: I've transferred the funds") == 0);
}

// Routing sees only what a real agent sees: tool names and plain descriptions, no hint lists.
TEST_CASE("mock brain: routes on distinctive name and description words, not on shared ones") {
  Chat chat;
  json code = string_param("the booking code (6 letters or digits)", "^[A-Z0-9]{6}$");
  json seat = string_param("the seat, such as 14A", "^[0-9]{1,2}[A-F]$");
  json branch = string_param("the airport desk for pickup");
  chat.request["tools"] = json::array(
      {tool("get_booking", "Look up a booking.", {{"booking_code", code}}, {"booking_code"}),
       tool("add_bags", "Add checked bags to a trip.", {{"booking_code", code}},
            {"booking_code"}),
       tool("select_seat", "Assign a seat on a trip.",
            {{"booking_code", code}, {"seat", seat}}, {"booking_code", "seat"}),
       tool("hold_item", "Keep a lost item at the airport desk for pickup.",
            {{"booking_code", code}, {"desk", branch}}, {"booking_code", "desk"})});
  chat.impl["get_booking"] = [](const json&) { return json{{"ok", true}, {"status", "confirmed"}}; };
  chat.impl["add_bags"] = [](const json&) { return json{{"ok", true}}; };
  // "trip" is two tools': it names what they act on, so it requests neither; "pickup" is also
  // a parameter's word (a value the user gives), so it does not request hold_item.
  std::string reply = chat.user("Hi, my booking code is QXR942. Is my trip on time?");
  CHECK(reply ==
        "I'm afraid I don't have information about that. Is there anything else I can help you "
        "with?");
  reply = chat.user("And when is pickup at the airport?");
  CHECK(reply ==
        "I'm afraid I don't have information about that. Is there anything else I can help you "
        "with?");
  // A synonym of a name word ("bags" ~ "bag": luggage, suitcase) requests that tool.
  CHECK(chat.user("I'd like to check in a suitcase.") ==
        "I've checked the booking: status: confirmed. Just to confirm: you want me to add the bags "
        "(booking code: QXR942). Shall I go ahead?");
  CHECK(chat.user("Yes, go ahead.").rfind("Done: I've added the bags", 0) == 0);
  CHECK(chat.count_calls("add_bags") == 1);
  CHECK(chat.user("And a seat by the window, please.") ==
        "I can help you select the seat. Could you tell me the seat?");
  CHECK(chat.count_calls("hold_item") == 0);
}
