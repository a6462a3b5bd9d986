// The prelude's reading module (read/consent): how personas understand an agent turn, checked
// on phrasings spar's mock agent never uses, and on real gpt-4o turns (tests/fixtures/tau-turns).
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "persona/runtime.h"
#include "support.h"

using spar::persona::Options;
using spar::persona::Session;
using spar::test::TempDir;
using spar::test::write_file;
using json = nlohmann::json;

namespace {

// A persona that reads every agent turn it is resumed with and says what it read:
//   "kind=K kinds=a,b slots=x,y values=v|w"   (sorted kinds; slots and values in order)
// A turn that starts with "CONSENT right1,right2|wrong1\n" is read and answered with
//   "yes" or "no missing=... wrong=... correction=...".
const char* kReader = R"LUA(
return scenario {
  id = 't/reader', system = 'x', goal = function() return true end,
  persona = persona { name = 'reader', run = function(u, facts)
    local function list(t) return table.concat(t, ",") end
    local function split(s) local out = {} for x in string.gmatch(s or "", "[^,]+") do out[#out + 1] = x end return out end
    local r = u:say('ready')
    while true do
      local text = r.text
      local right, wrong, body = string.match(text, "^CONSENT ([^|\n]*)|([^\n]*)\n(.*)$")
      if body then
        local yes, why = consent(read(body, { known = split(right .. "," .. wrong) }), split(right), split(wrong))
        if yes then r = u:say("yes")
        else r = u:say("no missing=" .. list(why.missing) .. " wrong=" .. list(why.wrong) .. " correction=" .. tostring(why.correction)) end
      else
        local rd = read(text)
        local kinds = {}
        for k in spairs(rd.kinds) do kinds[#kinds + 1] = k end
        r = u:say("kind=" .. rd.kind .. " kinds=" .. list(kinds) .. " slots=" .. list(rd.slots)
                  .. " values=" .. table.concat(rd.values, "|"))
      end
    end
  end },
}
)LUA";

class Reader {
 public:
  Reader() {
    write_file("reader.lua", kReader);
    auto s = Session::open("reader.lua", Options{});
    if (!s.ok()) FAIL(s.error().message);
    session_ = std::move(s).value();
    auto a = session_->start(1);
    REQUIRE(a.ok());
  }
  std::string say(const std::string& agent_text) {
    auto a = session_->resume({{"text", agent_text}, {"tool_calls", json::array()}, {"turn", ++turn_}});
    if (!a.ok()) FAIL(a.error().message);
    return a->text;
  }
  std::map<std::string, std::string> read(const std::string& agent_text) {
    std::map<std::string, std::string> out;
    std::istringstream in(say(agent_text));
    std::string field;
    while (in >> field) {
      auto eq = field.find('=');
      out[field.substr(0, eq)] = field.substr(eq + 1);
    }
    return out;
  }
  bool has_kind(const std::string& text, const std::string& kind) {
    std::string kinds = "," + read(text)["kinds"] + ",";
    return kinds.find("," + kind + ",") != std::string::npos;
  }
  std::string consent(const std::string& right, const std::string& wrong, const std::string& text) {
    return say("CONSENT " + right + "|" + wrong + "\n" + text);
  }

 private:
  std::unique_ptr<Session> session_;
  int turn_ = 0;
};

}  // namespace

TEST_CASE("reading: a slot request is read by its synonyms, not one key word") {
  TempDir dir;
  Reader r;
  CHECK(r.read("When were you born?")["slots"] == "dob");
  CHECK(r.read("Could I get your DOB, please?")["slots"] == "dob");
  CHECK(r.read("And what's your birth date?")["slots"] == "dob");
  CHECK(r.read("What e-mail should I send it to?")["slots"] == "email");
  CHECK(r.read("Please share the email address on the account.")["slots"] == "email");
  CHECK(r.read("Please give me your user ID and the reservation ID.")["slots"] == "account,booking");
  CHECK(r.read("What's the best mobile number to reach you on?")["slots"] == "phone");
  CHECK(r.read("Can you give me the order ID?")["slots"] == "order");
  CHECK(r.read("I'll need your user ID to pull up your profile.")["slots"] == "account");
  CHECK(r.read("Do you have your booking reference handy?")["slots"] == "booking");
  CHECK(r.read("What is the PNR?")["slots"] == "booking");
  CHECK(r.read("May I have your surname?")["slots"] == "last_name");
  CHECK(r.read("Can you confirm your email address?")["kind"] == "slot");
  CHECK(r.read("Could you tell me your date of birth?")["kind"] == "slot");
}

TEST_CASE("reading: confirmation requests in many wordings, and what is not one") {
  TempDir dir;
  Reader r;
  for (const char* text : {
           "I can cancel order 4471 for you. Would you like me to proceed?",
           "Shall I cancel it?",
           "Do you want me to go ahead with the refund?",
           "That's order 4471, 64.50, damaged. Is that correct?",
           "Can you confirm you'd like the refund to go to your card?",
           "Should I go ahead and book seat 21C?",
           "Here is the change:\n- Flight: HAT123\n- Date: May 20\nPlease confirm (yes/no).",
           "Just say the word and I'll submit it. Are you happy for me to do that?",
           "Does that sound good?",
           "Let me know if you'd like me to make the change.",
       }) {
    CAPTURE(text);
    CHECK(r.read(text)["kind"] == "confirm");
  }
  CHECK(r.read("How would you like to proceed?")["kind"] == "question");
  CHECK(r.read("Is there anything else I can help you with?")["kind"] == "closing");
  CHECK(r.read("Do you have a window or aisle preference?")["kind"] == "yes_no");
  CHECK(r.read("Your refund has been processed.")["kind"] == "statement");
  CHECK(r.read("I'm sorry, but I can't change a basic economy ticket.")["kind"] == "refusal");
  CHECK(r.read("I'll transfer you to a human agent who can help.")["kind"] == "handoff");
  CHECK(r.read("")["kind"] == "unknown");
}

TEST_CASE("reading: a proposal's values come from the proposal, not from the rest of the reply") {
  TempDir dir;
  Reader r;
  CHECK(r.read("I can add descaling tablets at 12.99. Shall I place the order?")["values"] == "12.99");
  // The issue's case: the right product is named in a report line, the proposal names another.
  const char* wrong_product =
      "I've checked the prices: descaling tablets are 12.99 and a water filter is 8.50. "
      "I'll order the water filter for rosa@example.com. Shall I go ahead?";
  CHECK(r.consent("descaling tablets", "water filter", wrong_product) ==
        "no missing=descaling tablets wrong=water filter correction=No, not water filter: descaling tablets.");
  CHECK(r.consent("descaling tablets", "water filter",
                  "Great news, both are in stock. I'll order the descaling tablets for you. Would you like me to proceed?") ==
        "yes");
  // Numbers compare as numbers; a wrong id anywhere in the proposal blocks the yes.
  CHECK(r.consent("5521,64.5,damaged", "5512",
                  "So that's a refund of $64.50 on order #5521 because it arrived damaged. Is that correct?") == "yes");
  CHECK(r.consent("5521,64.5", "5512", "To be clear, I'll refund order 5512 (64.50). OK to proceed?").rfind("no ", 0) == 0);
  // A date in the tool's format is named however the agent writes it; the wrong date blocks too.
  for (const char* text : {"I'll move booking QXR482 to May 21, 2026. Shall I go ahead?",
                           "To confirm: booking QXR482 moves to Thursday, 21 May. Is that right?",
                           "I can rebook QXR482 on the 21st of May. Would you like me to proceed?",
                           "Booking QXR482, new date 2026-05-21. OK to proceed?"}) {
    CAPTURE(text);
    CHECK(r.consent("QXR482,2026-05-21", "2026-05-28", text) == "yes");
  }
  CHECK(r.consent("QXR482,2026-05-21", "2026-05-28",
                  "I'll move QXR482 to May 28. Shall I go ahead?").rfind("no missing=2026-05-21 wrong=2026-05-28", 0) == 0);
  CHECK(r.consent("2026-05-21", "", "Flight on May 2 or May 210? Shall I go ahead?").rfind("no ", 0) == 0);
  CHECK(r.consent("2026-09-03", "", "I'll set it for Sept. 3. Shall I go ahead?") == "yes");
  // No proposal at all: never a yes.
  CHECK(r.consent("5521", "", "Your order 5521 has shipped.").rfind("no ", 0) == 0);
}

namespace {

// The share of each label's turns in tests/fixtures/tau-turns/turns.jsonl that the module reads
// as the label requires.
std::map<std::string, std::pair<int, int>> tau_accuracy() {
  std::ifstream in(std::string(SPAR_SOURCE_DIR) + "/tests/fixtures/tau-turns/turns.jsonl");
  REQUIRE(in.good());
  Reader r;
  std::map<std::string, std::pair<int, int>> out;  // label -> (right, total)
  std::string line;
  while (std::getline(in, line)) {
    json row = json::parse(line);
    std::string label = row["label"], text = row["text"];
    auto rd = r.read(text);
    std::string kinds = "," + rd["kinds"] + ",", slots = "," + rd["slots"] + ",";
    auto has = [](const std::string& set, const char* x) { return set.find("," + std::string(x) + ",") != std::string::npos; };
    bool ok = false;
    if (label == "answered_yes" || label == "answered_no") ok = has(kinds, "confirm") || has(kinds, "yes_no");
    else if (label == "slot:account") ok = has(slots, "account");
    else if (label == "slot:booking") ok = has(slots, "booking");
    else if (label == "handoff") ok = has(kinds, "handoff");
    else if (label == "final") ok = !has(kinds, "confirm") && !has(kinds, "slot");
    else FAIL("unknown label " << label);
    auto& [right, total] = out[label];
    right += ok;
    ++total;
    if (!ok && std::getenv("SPAR_TAU_MISSES")) MESSAGE(label << " MISS: " << text);
  }
  return out;
}

}  // namespace

TEST_CASE("reading: real gpt-4o airline turns (tau-bench) read as their labels say") {
  TempDir dir;
  auto acc = tau_accuracy();
  for (const auto& [label, rt] : acc) MESSAGE(label << ": " << rt.first << "/" << rt.second);
  // Measured accuracy per label, rounded down (docs/metrics.md, "Reading real agent turns").
  // Most misses are labels the mechanical rules get wrong (a "Yes, my user id is ..." to a
  // slot request, a "no" to "feel free to ask"); see tests/fixtures/tau-turns/README.md.
  const std::map<std::string, double> floor = {{"answered_yes", 0.93}, {"answered_no", 0.63}, {"final", 1.0},
                                               {"handoff", 1.0}, {"slot:account", 1.0}, {"slot:booking", 0.92}};
  for (const auto& [label, min] : floor) {
    CAPTURE(label);
    REQUIRE(acc.count(label) == 1);
    CHECK(acc[label].second >= 8);
    CHECK(static_cast<double>(acc[label].first) / acc[label].second >= min);
  }
}

TEST_CASE("reading: story.answer answers a slot asked by a synonym or without a question mark") {
  TempDir dir;
  write_file("s.lua", R"LUA(
return scenario {
  id = 't/answer', system = 'x', goal = function() return true end,
  persona = persona { name = 'answerer', run = function(u, facts)
    local s = { answers = { birth = "It's 1990-04-05.", digits = "The last four are 4417.", card = "The card ends in 4417.",
                            address = "12 Elm St.", email = "It's a@b.co." } }
    local r = u:say('ready')
    while true do r = u:say(story.answer(s, r) or "nil") end
  end },
}
)LUA");
  auto s = Session::open("s.lua", Options{});
  REQUIRE(s.ok());
  auto& session = *s.value();
  REQUIRE(session.start(1).ok());
  int turn = 0;
  auto answer = [&](const std::string& text) {
    auto a = session.resume({{"text", text}, {"tool_calls", json::array()}, {"turn", ++turn}});
    REQUIRE(a.ok());
    return a->text;
  };
  CHECK(answer("Thanks! When were you born?") == "It's 1990-04-05.");
  CHECK(answer("Please share the last four digits of the card.") == "The last four are 4417.");
  CHECK(answer("Thank you, you're verified. Could you tell me the last four digits of the card?") == "The last four are 4417.");
  CHECK(answer("And which e-mail address is on the order?") == "It's a@b.co.");
  CHECK(answer("Please send me your email address and your date of birth.") == "It's a@b.co. It's 1990-04-05.");
  CHECK(answer("Could you give me the email address on the order?") == "It's a@b.co.");
  CHECK(answer("Your order has shipped.") == "nil");
}

TEST_CASE("reading: a turn is read from its last 16 KiB") {
  TempDir dir;
  Reader r;
  std::string filler;
  while (filler.size() < 200 * 1024) filler += "Here is some background about your account.\n";
  auto rd = r.read(filler + "I'll cancel order 4471. Would you like me to proceed?");
  CHECK(rd["kind"] == "confirm");
  CHECK(rd["values"] == "4471");
  // A request at the start of a megabyte-sized turn is beyond the limit (docs/security.md).
  CHECK(r.read("What is your email address?\n" + filler)["kind"] == "statement");
  CHECK(r.read("What is your email address?\n" + filler.substr(0, 8 * 1024))["kind"] == "slot");
}

TEST_CASE("reading: an unread turn gets a neutral reply, a user-model request and an unread event") {
  TempDir dir;
  write_file("s.lua", R"LUA(
return scenario {
  id = 't/unread', system = 'x', goal = function() return true end,
  persona = persona { name = 'puzzled', run = function(u, facts)
    local s = { answers = { email = "It's a@b.co." } }
    local r = u:say('ready')
    r = story.reply(u, s, r)
    r = story.reply(u, s, r)
  end },
}
)LUA");
  auto s = Session::open("s.lua", Options{});
  REQUIRE(s.ok());
  auto& session = *s.value();
  REQUIRE(session.start(1).ok());
  auto a = session.resume({{"text", "Which colour would you like the widget in?"}, {"turn", 1}});
  REQUIRE(a.ok());
  CHECK((a->text.rfind("Sorry", 0) == 0 || a->text.rfind("Hmm", 0) == 0));
  REQUIRE(a->events.size() == 1);
  CHECK(a->events[0]["type"] == "unread");
  CHECK(a->events[0]["reading"] == "question");
  CHECK(a->events[0]["question"] == "which colour would you like the widget in?");
  REQUIRE(a->llm.is_object());
  CHECK(a->llm["instructions"].get<std::string>().find("did not understand") != std::string::npos);
  // A turn it can answer is answered, with no event.
  a = session.resume({{"text", "What e-mail address is on file?"}, {"turn", 2}});
  REQUIRE(a.ok());
  CHECK(a->text == "It's a@b.co.");
  CHECK(a->events.empty());
  CHECK(a->llm.is_null());
}
