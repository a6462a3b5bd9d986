// Human review labels in the history database (report/labels.h): well-formedness, one row per
// reviewer and item, several reviewers side by side, survival across connections, JSON form.
#include <doctest/doctest.h>

#include "report/history.h"
#include "base/near.h"
#include "report/labels.h"
#include "support.h"

using namespace spar;
using report::Label;

TEST_CASE("label_problem names what a label lacks or gets wrong") {
  Label ok{"ana", "r1", "s#1", "conversation", "pass", "the goal was met", ""};
  CHECK_FALSE(report::label_problem(ok));
  auto with = [&](auto change) {
    Label l = ok;
    change(l);
    auto p = report::label_problem(l);
    return p ? *p : std::string("(none)");
  };
  CHECK(with([](Label& l) { l.rationale = "  \n"; }) == "a label needs a rationale");
  CHECK(with([](Label& l) { l.reviewer = ""; }) == "a label needs a reviewer");
  CHECK(with([](Label& l) { l.label = "ok"; }) == "item 'conversation' takes pass or fail, not 'ok'");
  CHECK(with([](Label& l) { l.item = "event:x"; }).find("unknown item 'event:x'") == 0);
  CHECK(with([](Label& l) { l.item = "event:2", l.label = "recovered"; }) == "(none)");
  CHECK(with([](Label& l) { l.item = "checkpoint:8", l.label = "0.75"; }) == "(none)");
  CHECK(with([](Label& l) { l.item = "checkpoint:8", l.label = "0.7"; }).find("takes 0, 0.25") != std::string::npos);
  CHECK(with([](Label& l) { l.item = "policy:require_confirmation(refund)", l.label = "violated"; }) == "(none)");
  CHECK(with([](Label& l) { l.item = "policy:"; }).find("unknown item") == 0);
}

TEST_CASE("labels: one per reviewer and item, replaced on relabel, kept across connections") {
  test::TempDir dir;
  const std::string db = "runs/history.db";
  REQUIRE(report::read_labels(db)->empty());  // no database yet: no labels, no error
  REQUIRE(report::add_label(db, {"ana", "r1", "s#1", "conversation", "fail", "refunded twice", ""}).ok());
  REQUIRE(report::add_label(db, {"ben", "r1", "s#1", "conversation", "pass", "refund was right", ""}).ok());
  REQUIRE(report::add_label(db, {"ana", "r1", "s#1", "conversation", "pass", "on second read, fine", "t"}).ok());
  REQUIRE(report::add_label(db, {"ana", "r2", "s#1", "event:0", "recovered", "used 4471", ""}).ok());
  auto bad = report::add_label(db, {"ana", "r1", "s#1", "conversation", "pass", "", ""});
  CHECK_FALSE(bad.ok());

  auto all = report::read_labels(db);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].reviewer == "ana");
  CHECK((*all)[0].label == "pass");
  CHECK((*all)[0].rationale == "on second read, fine");
  CHECK((*all)[0].time == "t");
  CHECK((*all)[1].reviewer == "ben");
  CHECK((*all)[2].run_id == "r2");
  CHECK((*all)[2].time.size() == 20);  // stamped now, e.g. 2026-12-02T01:50:00Z
  auto r2 = report::read_labels(db, "r2");
  REQUIRE(r2->size() == 1);
  CHECK((*r2)[0].item == "event:0");

  // The runs table and the labels table share the file.
  REQUIRE(report::record_history(db, "runs/x", nullptr, {{"conversations", 1}}).ok());
  CHECK(report::read_labels(db)->size() == 3);
}

TEST_CASE("label JSON round trip, and what from_json refuses") {
  Label l{"ana", "r1", "s@p#2", "policy:no_pii", "not_violated", "nothing personal said", "2026-12-02T00:00:00Z"};
  auto back = report::label_from_json(report::label_to_json(l));
  REQUIRE(back.ok());
  CHECK(back->conversation == "s@p#2");
  CHECK(back->rationale == l.rationale);
  CHECK(back->time == l.time);
  auto j = report::label_to_json(l);
  j["colour"] = "red";
  CHECK(report::label_from_json(j).error().message == "unknown label field 'colour'");
  j = report::label_to_json(l);
  j["label"] = 1;
  CHECK(report::label_from_json(j).error().message == "label field 'label' must be a string");
  j = report::label_to_json(l);
  j.erase("rationale");
  CHECK(report::label_from_json(j).error().message == "a label needs a rationale");
}

TEST_CASE("conversation_key names the persona when the record has one") {
  record::Record r;
  r.scenario = "bank/freeze";
  r.trial = 3;
  CHECK(report::conversation_key(r) == "bank/freeze#3");
  r.persona = "waffler";
  CHECK(report::conversation_key(r) == "bank/freeze@waffler#3");
}

TEST_CASE("near_names: the closest known names, for did-you-mean") {
  std::vector<std::string> names = {"retail/address-change", "retail/damaged-refund", "bank/card-freeze"};
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(near_names("retail/adress-change", names) == std::vector<std::string>{"retail/address-change"});
  CHECK(near_names("zzz", names).empty());
  CHECK(near_names("max_turn", {"max_turns", "max_steps", "persona"}) ==
        std::vector<std::string>{"max_turns"});
}
