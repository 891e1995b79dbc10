// The across-sessions view builds an earlier session's row from only what
// the row shows (record_builder.cpp, earlier_response); each row must be the
// one the whole record of that session gives.
#include <doctest/doctest.h>

#include "record/record_builder.hpp"
#include "tests/unit/record/morning_journal.hpp"
#include "tests/unit/record/signing_journal.hpp"

using namespace vigil;
using namespace std::chrono_literals;
using test::at;
using test::kWeek;
using test::Morning;
using test::Signing;
using test::T0;
using test::wait_for;

namespace {

void same_peak(const std::optional<record::Peak>& lean, const std::optional<record::Peak>& whole) {
  REQUIRE(lean.has_value() == whole.has_value());
  if (!whole) return;
  CHECK(lean->metric == whole->metric);
  CHECK(lean->baseline == whole->baseline);
  CHECK(lean->value == whole->value);
  CHECK(lean->time == whole->time);
}

// The row built the lean way against the row of the whole record; returns
// the row so a case can say it holds something.
record::SessionResponse same_row(const std::string& path, std::int64_t session, core::TimePoint now) {
  CAPTURE(session);
  journal::sqlite::Database db{path, journal::sqlite::Database::Mode::read_only};
  const auto whole = record::build_record(db, session, record::RecordConfig{}, now);
  REQUIRE_MESSAGE(whole.ok(), (whole.ok() ? "" : whole.error()));
  const auto expected = record::response_of(whole.value());
  const auto lean = record::earlier_response(db, session, now);
  REQUIRE(lean.has_value());
  CHECK(lean->session_id == expected.session_id);
  CHECK(lean->bed == expected.bed);
  CHECK(lean->started == expected.started);
  CHECK(lean->dose_mg_per_kg == expected.dose_mg_per_kg);
  same_peak(lean->systolic, expected.systolic);
  same_peak(lean->diastolic, expected.diastolic);
  same_peak(lean->heart_rate, expected.heart_rate);
  CHECK_FALSE(lean->this_session);
  return *lean;
}

}  // namespace

TEST_CASE("An earlier session's row read lean is the row of its whole record: discharged visits") {
  Morning m{true, true, true};  // sessions 2 (with pauses and a rate change) and 4, a week apart
  const auto now = at(120) + kWeek;
  const auto first = same_row(m.path, 2, now);
  REQUIRE(first.systolic.has_value());
  CHECK(first.systolic->value == 220);
  REQUIRE(first.heart_rate.has_value());
  CHECK(first.heart_rate->value == 90);
  const auto second = same_row(m.path, 4, now);
  REQUIRE(second.systolic.has_value());
  CHECK(second.systolic->value == 170);
  REQUIRE(second.dose_mg_per_kg.has_value());
  CHECK(*second.dose_mg_per_kg == 1.0);
}

TEST_CASE("An earlier session's row read lean: still open, and a drill clock behind the journal") {
  Morning m{false};  // journalled up to 09:10, still admitted
  for (const auto now : {at(30), at(65), at(120)}) {
    CAPTURE(now.time_since_epoch().count());
    same_row(m.path, 2, now);
  }
}

TEST_CASE("An earlier session's row read lean: signed, and pruned by the journal's retention") {
  Morning m{true, false, true};
  Signing s{m.path};
  REQUIRE(s.sign(m.path, 4, 0, "Dr A. Lee", at(100) + kWeek).ok());
  same_row(m.path, 4, at(120) + kWeek);
  // 30 days after the first visit's 08:15: its admission, start command
  // (the dose), baseline and first quarter hour of readings go; its session
  // rows stay, as the admission ended after the cut.
  const auto now = at(15) + 30 * std::chrono::hours{24};
  s.journal.prune(now);
  REQUIRE(wait_for(
      m.path, "SELECT COUNT(*) FROM commands WHERE time_us < " + std::to_string(journal::to_micros(at(90))),
      0));
  const auto pruned = same_row(m.path, 2, now);
  CHECK_FALSE(pruned.dose_mg_per_kg.has_value());
  CHECK_FALSE(pruned.systolic.has_value());  // no baseline left to rise over
  same_row(m.path, 4, now);
}

TEST_CASE("The across-sessions view read in one sweep gives the rows each session read alone gives") {
  // Four visits a week apart, each on its own run of the journal as vigild's restarts would write it;
  // the third is never discharged.
  test::TempDir dir;
  const auto path = dir.file("journal.db");
  constexpr int kVisits = 4;
  std::uint64_t seq = 0;
  for (int v = 0; v < kVisits; ++v)
    seq = test::journal_run(
        path, T0 + v * kWeek, at(91) + v * kWeek,
        [&](test::Writer& w) {
          Morning::visit(w, v * kWeek, v != 2, v == 1, {180.0 + 10 * v, 95});
        },
        seq);
  journal::sqlite::Database db{path, journal::sqlite::Database::Mode::read_only};
  const auto sessions = record::list_sessions(db);
  REQUIRE(sessions.size() == kVisits);
  const auto now = at(120) + kVisits * kWeek;
  const auto last = record::build_record(db, sessions.back().infusion.id, record::RecordConfig{}, now);
  REQUIRE(last.ok());
  const auto& rows = last.value().across_sessions;
  REQUIRE(rows.size() == kVisits);
  for (int v = 0; v + 1 < kVisits; ++v) {
    CAPTURE(v);
    const auto alone = record::earlier_response(db, sessions[static_cast<std::size_t>(v)].infusion.id, now);
    REQUIRE(alone);
    const auto& swept = rows[static_cast<std::size_t>(v)];
    CHECK(swept.session_id == alone->session_id);
    CHECK(swept.started == alone->started);
    CHECK(swept.dose_mg_per_kg == alone->dose_mg_per_kg);
    same_peak(swept.systolic, alone->systolic);
    same_peak(swept.diastolic, alone->diastolic);
    same_peak(swept.heart_rate, alone->heart_rate);
    REQUIRE(swept.systolic);
    CHECK(swept.systolic->value == 180.0 + 10 * v);
  }
  CHECK(rows.back().this_session);
}
