#include "journal/alarm_history.hpp"

#include <doctest/doctest.h>

#include "journal/journal.hpp"
#include "tests/unit/temp_dir.hpp"
#include "wire/timestamp.hpp"

using namespace std::chrono_literals;
using namespace vigil;
using namespace vigil::journal;
namespace v1 = vigil::v1;

namespace {

const core::TimePoint kHistoryStart{std::chrono::seconds{1'800'000'000}};

struct Step {
  v1::AlarmTransition transition;
  core::Duration after;  // since the alarm's first transition
  v1::Priority priority = v1::HIGH;
  std::string actor = {};
};

// One alarm's transitions, journalled as vigild does (each committed with its bed's state).
void journal_alarm(Journal& j, const std::string& bed, const std::string& id, v1::AlarmKind kind,
                   core::TimePoint raised, const std::vector<Step>& steps) {
  static std::uint64_t seq = 0;
  for (const auto& s : steps) {
    v1::BusMessage m;
    auto* a = m.mutable_alarm();
    a->set_bed(bed);
    a->set_alarm_id(id);
    a->set_condition(kind == v1::TECHNICAL ? "device_lost:ox" : "desaturation");
    a->set_kind(kind);
    a->set_transition(s.transition);
    a->set_priority(s.priority);
    a->set_message("SpO\u2082 84 % (limit SpO\u2082 < 85 %)");
    a->set_active(s.transition != v1::CLEARED);
    a->set_actor(s.actor);
    a->set_seq(++seq);
    wire::set_time(a->mutable_onset(), raised - 5s);
    wire::set_time(a->mutable_time(), raised + s.after);
    v1::journal::BedState state;
    state.set_bed(bed);
    REQUIRE(j.write_bed(bed, {m}, state, raised + s.after));
  }
}

v1::BusMessage admitted(const std::string& bed, const std::string& patient, core::TimePoint t) {
  v1::BusMessage m;
  auto* c = m.mutable_context();
  c->set_bed(bed);
  c->set_what("admitted");
  c->set_patient_id(patient);
  c->set_actor("nurse Ana");
  wire::set_time(c->mutable_time(), t);
  return m;
}

std::vector<std::string> ids(const v1::AlarmHistoryPage& p) {
  std::vector<std::string> v;
  for (const auto& a : p.alarms()) v.push_back(a.alarm_id());
  return v;
}

// A shift on two beds: bed-1 desaturates (escalated, acknowledged by Ana 42 s
// after, cleared), its oximeter is lost (technical, never acknowledged);
// bed-2 has a medium alarm nobody acknowledged, still on.
struct Shift {
  test::TempDir dir;
  Journal journal{[this] {
                    JournalOptions o;
                    o.path = dir.file("journal.db");
                    return o;
                  }(),
                  [](const JournalWriterReport&) {}};
  Shift() {
    REQUIRE(journal.open("d1", kHistoryStart));
    v1::journal::BedState state;
    state.set_bed("bed-1");
    state.set_patient_id("PAT-1");
    REQUIRE(journal.write_bed("bed-1", {admitted("bed-1", "PAT-1", kHistoryStart - 1h)}, state,
                              kHistoryStart - 1h));
    journal_alarm(journal, "bed-1", "bed-1:desat:1", v1::PHYSIOLOGICAL, kHistoryStart,
                  {{v1::RAISED, 0s, v1::MEDIUM, ""},
                   {v1::ESCALATED, 10s, v1::HIGH, ""},
                   {v1::ACKNOWLEDGED, 42s, v1::HIGH, "A. Diaz at station-1"},
                   {v1::CLEARED, 90s, v1::HIGH, ""}});
    journal_alarm(journal, "bed-1", "bed-1:lost:2", v1::TECHNICAL, kHistoryStart + 10min,
                  {{v1::RAISED, 0s, v1::MEDIUM, ""}, {v1::CLEARED, 60s, v1::MEDIUM, ""}});
    journal_alarm(journal, "bed-2", "bed-2:brady:3", v1::PHYSIOLOGICAL, kHistoryStart + 20min,
                  {{v1::RAISED, 0s, v1::MEDIUM, ""}});
  }
  v1::AlarmHistoryPage query(const v1::AlarmHistoryQuery& q) {
    sqlite::Database db{dir.file("journal.db"), sqlite::Database::Mode::read_only};
    auto page = alarm_history(db, q);
    REQUIRE_MESSAGE(page.ok(), (page.ok() ? "" : page.error()));
    return page.value();
  }
};

}  // namespace

TEST_CASE(
    "the history lists every alarm newest first, with who acknowledged, how high it went and when it ended") {
  Shift shift;
  const auto page = shift.query({});
  CHECK(ids(page) == std::vector<std::string>{"bed-2:brady:3", "bed-1:lost:2", "bed-1:desat:1"});
  CHECK(page.next_page().empty());
  const auto& desat = page.alarms(2);
  CHECK(desat.priority() == v1::HIGH);  // escalated from medium
  CHECK(desat.patient_id() == "PAT-1");
  CHECK(desat.acknowledged_by() == "A. Diaz at station-1");
  CHECK(wire::from_proto(desat.acknowledged()) - wire::from_proto(desat.raised()) == 42s);
  CHECK(wire::from_proto(desat.ended()) == kHistoryStart + 90s);
  CHECK(desat.transitions_size() == 4);
  CHECK(desat.message() == "SpO\u2082 84 % (limit SpO\u2082 < 85 %)");
  CHECK_FALSE(page.alarms(0).has_ended());
  CHECK(page.alarms(0).patient_id().empty());  // nobody admitted to bed-2
}

TEST_CASE("history filters: bed, priority reached, kind, unacknowledged, time range") {
  Shift shift;
  v1::AlarmHistoryQuery q;
  q.set_bed("bed-1");
  CHECK(ids(shift.query(q)) == std::vector<std::string>{"bed-1:lost:2", "bed-1:desat:1"});
  q.Clear();
  q.add_priority(v1::HIGH);
  CHECK(ids(shift.query(q)) == std::vector<std::string>{"bed-1:desat:1"});
  q.Clear();
  q.set_kind(v1::TECHNICAL);
  CHECK(ids(shift.query(q)) == std::vector<std::string>{"bed-1:lost:2"});
  q.Clear();
  q.set_unacknowledged(true);
  CHECK(ids(shift.query(q)) == std::vector<std::string>{"bed-2:brady:3", "bed-1:lost:2"});
  q.Clear();
  wire::set_time(q.mutable_from(), kHistoryStart + 5min);
  wire::set_time(q.mutable_to(), kHistoryStart + 15min);
  CHECK(ids(shift.query(q)) == std::vector<std::string>{"bed-1:lost:2"});
}

TEST_CASE("history pages: each alarm once, in order, until next_page is empty; a forged token is refused") {
  Shift shift;
  v1::AlarmHistoryQuery q;
  q.set_max(2);
  const auto first = shift.query(q);
  CHECK(ids(first) == std::vector<std::string>{"bed-2:brady:3", "bed-1:lost:2"});
  REQUIRE_FALSE(first.next_page().empty());
  q.set_page(first.next_page());
  const auto second = shift.query(q);
  CHECK(ids(second) == std::vector<std::string>{"bed-1:desat:1"});
  CHECK(second.next_page().empty());

  sqlite::Database db{shift.dir.file("journal.db"), sqlite::Database::Mode::read_only};
  q.set_page("12abc");
  auto forged = alarm_history(db, q);
  REQUIRE_FALSE(forged.ok());
  CHECK(forged.failure().field == "page");
  q.set_page("");
  q.set_max(501);
  auto too_many = alarm_history(db, q);
  REQUIRE_FALSE(too_many.ok());
  CHECK(too_many.failure().field == "max");
}
