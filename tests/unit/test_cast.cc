// A scenario played by several personas (issue 17): personas = {...}, persona_facts, needs,
// run.persona in the goal, and the cases spar run plans from them (run::load_scenarios).
#include <doctest/doctest.h>

#include "base/seed.h"
#include "persona/runtime.h"
#include "run/runner.h"
#include "support.h"

using spar::persona::Options;
using spar::persona::Session;
using spar::test::TempDir;
using spar::test::write_file;
using json = nlohmann::json;

namespace {

// Two personas that say what their facts tell them; `polite` needs a facts key only its overlay gives.
void write_cast() {
  write_file("personas/asker.lua",
             "return persona { name = 'asker', needs = { 'story.request' },\n"
             "  run = function(u, facts) u:say(facts.story.request .. ' / ' .. facts.name) end }\n");
  write_file("personas/polite.lua",
             "return persona { name = 'polite', needs = { 'story.request', 'story.please' },\n"
             "  run = function(u, facts) u:say(facts.story.please .. ' ' .. facts.story.request .. ' / ' ..\n"
             "    table.concat(facts.story.list, ',')) end }\n");
}

std::string scenario(const std::string& fields) {
  return "return scenario {\n  id = 's',\n  facts = { name = 'Sam', story = { request = 'refund', list = { 'a', 'b' } } },\n" +
         fields + "\n  goal = function(state, run) return run.persona == 'asker' end,\n}\n";
}

std::string first_line(const std::string& path, const std::string& persona) {
  Options o;
  o.persona = persona;
  auto s = Session::open(path, o);
  if (!s.ok()) return "error: " + s.error().message;
  auto a = (*s)->start(1);
  if (!a.ok()) return "error: " + a.error().message;
  return a->text;
}

}  // namespace

TEST_CASE("cast: personas lists who plays; each persona reads persona_facts merged over facts") {
  TempDir dir;
  write_cast();
  write_file("scenarios/s.lua",
             scenario("  personas = { 'asker', 'polite' },\n"
                      "  persona_facts = { polite = { name = 'Ann', story = { please = 'Hello,', list = { 'c' } } } },"));
  auto s = Session::open("scenarios/s.lua", {});
  REQUIRE(s.ok());
  CHECK((*s)->info().personas == std::vector<std::string>{"asker", "polite"});
  CHECK((*s)->info().persona == "asker");  // no Options::persona: the first listed
  // Tables merge key by key (story.request kept, story.please added); a list or a string replaces.
  CHECK(first_line("scenarios/s.lua", "") == "refund / Sam");
  CHECK(first_line("scenarios/s.lua", "polite") == "Hello, refund / c");
  Options o;
  o.persona = "polite";
  auto p = Session::open("scenarios/s.lua", o);
  REQUIRE(p.ok());
  CHECK((*p)->info().facts["story"]["please"] == "Hello,");
  CHECK((*p)->info().facts["name"] == "Ann");
  // The goal sees which persona played.
  auto polite_goal = (*p)->goal(), asker_goal = (*s)->goal();
  REQUIRE(polite_goal.ok());
  REQUIRE(asker_goal.ok());
  CHECK(*polite_goal == false);
  CHECK(*asker_goal == true);
}

TEST_CASE("cast: needs, and persona / personas / persona_facts mistakes, are load errors with path:line") {
  TempDir dir;
  write_cast();
  write_file("scenarios/lacks.lua", scenario("  personas = { 'asker', 'polite' },"));
  auto e = Session::open("scenarios/lacks.lua", [] { Options o; o.persona = "polite"; return o; }());
  REQUIRE(!e.ok());
  CHECK(e.error().message ==
        "scenarios/lacks.lua:1: persona 'polite' needs facts.story.please, which this scenario does not give "
        "(add it to facts, or to persona_facts['polite'])");
  CHECK(spar::persona::is_missing_need(e.error()));
  CHECK(Session::open("scenarios/lacks.lua", {}).ok());  // the first persona, asker, has what it needs

  auto error_of = [](const std::string& fields) {
    write_file("scenarios/bad.lua", scenario(fields));
    auto s = Session::open("scenarios/bad.lua", {});
    return s.ok() ? std::string("opened") : s.error().message;
  };
  CHECK(error_of("  persona = 'asker', personas = { 'polite' },").find("give persona (one) or personas (a list), not both") !=
        std::string::npos);
  CHECK(error_of("  personas = { 'asker', 'asker' },").find("personas lists 'asker' twice") != std::string::npos);
  CHECK(error_of("  personas = {},").find("personas must be a list of persona names") != std::string::npos);
  CHECK(error_of("  personas = { 'asker' }, persona_facts = { polit = {} },")
            .find("persona_facts names 'polit', which the scenario does not list in personas") != std::string::npos);
  CHECK(error_of("  personas = { 'asker', 'polite' }, persona_facts = { polit = {} },").find("(did you mean 'polite'?)") !=
        std::string::npos);
  CHECK(error_of("  personas = { 'asker', 'nobody' },") == "opened");  // the first opens; the runner opens each
  write_file("personas/bad-needs.lua", "return persona { name = 'x', needs = { 'story..x' }, run = function(u) end }\n");
  write_file("scenarios/b2.lua", scenario("  persona = 'bad-needs',"));
  auto b = Session::open("scenarios/b2.lua", {});
  REQUIRE(!b.ok());
  CHECK(b.error().message.find("personas/bad-needs.lua:1: persona: needs[1] must be a facts path") != std::string::npos);
}

TEST_CASE("cast: an inline persona is played by its own name (a record of it scored again)") {
  TempDir dir;
  write_cast();
  write_file("scenarios/in.lua", "return scenario { id = 'in', persona = persona { name = 'mine', run = function(u) u:say('mine') end } }\n");
  CHECK(first_line("scenarios/in.lua", "mine") == "mine");
  CHECK(first_line("scenarios/in.lua", "asker").find("needs facts.story.request") != std::string::npos);
}

TEST_CASE("cast: load_scenarios plans a case per (scenario, persona), keyed id@persona only where several play") {
  TempDir dir;
  write_cast();
  write_file("personas/lonely.lua", "return persona { name = 'lonely', needs = { 'story.alone' }, run = function(u) u:say('x') end }\n");
  write_file("scenarios/two.lua", "return scenario { id = 'two', personas = { 'polite', 'asker' },\n"
                                  "  facts = { name = 'N', story = { request = 'r', please = 'p', list = {} } } }\n");
  write_file("scenarios/one.lua", "return scenario { id = 'one', persona = 'asker', facts = { name = 'N', story = { request = 'r' } } }\n");
  auto files = std::vector<std::string>{"scenarios/one.lua", "scenarios/two.lua"};
  auto own = spar::run::load_scenarios(files, {});
  REQUIRE(own.ok());
  std::vector<std::string> keys;
  for (const auto& c : own->cases) keys.push_back(c.key + "=" + c.persona);
  CHECK(keys == std::vector<std::string>{"one=asker", "two@polite=polite", "two@asker=asker"});
  CHECK(own->skipped.empty());

  // --persona plays the library's matching personas instead; a pair the facts do not fit is skipped.
  auto all = spar::run::load_scenarios(files, {}, {"*"});
  REQUIRE(all.ok());
  keys.clear();
  for (const auto& c : all->cases) keys.push_back(c.key);
  CHECK(keys == std::vector<std::string>{"one", "two@asker", "two@polite"});
  std::vector<std::string> skipped;
  for (const auto& s : all->skipped) skipped.push_back(s.scenario + "/" + s.persona);
  CHECK(skipped == std::vector<std::string>{"one/lonely", "one/polite", "two/lonely"});

  auto typo = spar::run::load_scenarios(files, {}, {"aksr"});
  REQUIRE(!typo.ok());
  CHECK(typo.error().message == "--persona aksr: no persona has that name in the persona folder (did you mean asker?)");
  auto none = spar::run::load_scenarios(files, {}, {"lonely"});
  REQUIRE(!none.ok());
  CHECK(none.error().message.find("--persona lonely: no scenario can be played by it: ") == 0);
  auto glob = spar::run::load_scenarios(files, {}, {"z*"});
  REQUIRE(!glob.ok());
  CHECK(glob.error().message == "--persona z*: no persona matches in the persona folder");

  // Seeds follow the case key: a scenario played by one persona keeps the seeds it always had.
  auto plans = spar::run::plan_conversations(own->cases, 1, 7, 1, 1);
  REQUIRE(plans.size() == 3);
  CHECK(plans[0].seed == spar::conversation_seed(7, "one", 1));
  CHECK(plans[1].seed == spar::conversation_seed(7, "two@polite", 1));
  CHECK(plans[1].persona == "polite");
  CHECK(plans[1].seed != plans[2].seed);
}
