// The station's record view as vigild answers it: a session's record as the
// HTML vigil-ctl writes, provisional while the session is open, and a bed's
// or a patient's sessions to pick from, newest first; what cannot be
// answered is refused naming the field.
#include "record/record_view.hpp"

#include <doctest/doctest.h>

#include "record/record_builder.hpp"
#include "record/record_formats.hpp"
#include "tests/unit/record/morning_journal.hpp"
#include "wire/timestamp.hpp"

using namespace vigil;
using test::at;
using test::Morning;
namespace v1 = vigil::v1;

namespace {

journal::sqlite::Database read_only(const Morning& m) {
  return journal::sqlite::Database{m.path, journal::sqlite::Database::Mode::read_only};
}

core::Result<v1::RecordPage> page(const Morning& m, std::int64_t session, core::TimePoint now = at(120)) {
  auto db = read_only(m);
  v1::RecordQuery q;
  q.set_session(session);
  return record::record_page(db, q, {}, now);
}

v1::SessionList sessions(const Morning& m, const std::string& bed, const std::string& patient = "") {
  auto db = read_only(m);
  v1::SessionListQuery q;
  q.set_bed(bed);
  q.set_patient_id(patient);
  auto list = record::session_list(db, q);
  REQUIRE(list.ok());
  return list.value();
}

bool holds(const std::string& html, const std::string& text) {
  return html.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("the record view is the page vigil-ctl writes: baseline, the acknowledged alarm, closed") {
  Morning m;
  auto p = page(m, 2);
  REQUIRE(p.ok());
  CHECK(p->session() == 2);
  CHECK(p->bed() == "bed-1");
  CHECK(p->patient_id() == "PAT-5");
  CHECK_FALSE(p->provisional());
  CHECK_FALSE(p->drill());
  CHECK(wire::from_proto(p->generated()) == at(120));
  // One home for what a record shows: the same renderer, the same journal, the same page.
  auto built = record::build_record(m.path, 2, record::RecordOptions{}, at(120));
  REQUIRE(built.ok());
  CHECK(p->html() == record::record_html(built.value()));
  CHECK(holds(p->html(), "Baseline"));
  CHECK(holds(p->html(), "measured, at 2026-11-23 "));
  CHECK(holds(p->html(), "nurse Ben at station-2"));  // who acknowledged the hypertension alarm
  CHECK_FALSE(holds(p->html(), "PROVISIONAL"));
}

TEST_CASE("an open session's record is provisional and reaches as far as the journal does") {
  Morning m{false};
  auto p = page(m, 2, at(75));
  REQUIRE(p.ok());
  CHECK(p->provisional());
  CHECK(holds(p->html(), "PROVISIONAL"));
  const auto list = sessions(m, "bed-1");
  REQUIRE(list.sessions_size() == 1);
  CHECK(list.sessions(0).open());
}

TEST_CASE("a session that is not there, an admission, or none asked is refused naming the field") {
  Morning m;
  auto unknown = page(m, 99);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error() == "session: no session 99 in the journal");
  CHECK(unknown.failure().code == core::ErrorCode::not_found);
  auto admission = page(m, 1);
  REQUIRE_FALSE(admission.ok());
  CHECK(holds(admission.error(), "not an infusion; its infusion sessions: 2"));
  auto none = page(m, 0);
  REQUIRE_FALSE(none.ok());
  CHECK(none.failure().field == "session");
  CHECK(holds(none.error(), "is required"));
}

TEST_CASE("a bed's sessions to pick from: the newest first, closed ones not open, by patient too") {
  Morning m{true, false, true};
  const auto list = sessions(m, "bed-1");
  REQUIRE(list.sessions_size() == 2);
  const auto& newest = list.sessions(0);
  const auto& first = list.sessions(1);
  CHECK(wire::from_proto(newest.started()) > wire::from_proto(first.started()));
  CHECK(first.session() == 2);
  CHECK(first.bed() == "bed-1");
  CHECK(first.patient_id() == "PAT-5");
  CHECK(wire::from_proto(first.started()) == at(10));
  CHECK(wire::from_proto(first.stopped()) == at(60));
  CHECK(first.started_by() == "nurse Ana at station-1");
  CHECK_FALSE(first.open());
  CHECK_FALSE(newest.open());
  CHECK(sessions(m, "", "PAT-5").sessions_size() == 2);
  CHECK(sessions(m, "bed-1", "PAT-6").sessions_size() == 0);
  CHECK(sessions(m, "bed-9").sessions_size() == 0);  // an answer, not a refusal
}

TEST_CASE("a file that is not a vigil journal is refused as unavailable, for both queries") {
  test::TempDir dir;
  const auto path = dir.file("other.db");
  {
    journal::sqlite::Database db{path, journal::sqlite::Database::Mode::read_write_create};
    db.exec("CREATE TABLE t (x)");
  }
  journal::sqlite::Database db{path, journal::sqlite::Database::Mode::read_only};
  v1::RecordQuery q;
  q.set_session(2);
  auto p = record::record_page(db, q, {}, at(0));
  REQUIRE_FALSE(p.ok());
  CHECK(p.failure().code == core::ErrorCode::unavailable);
  CHECK(holds(p.error(), "not a vigil journal"));
  auto list = record::session_list(db, {});
  REQUIRE_FALSE(list.ok());
  CHECK(holds(list.error(), "not a vigil journal"));
}
