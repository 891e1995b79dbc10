// A record after the journal's retention has pruned its readings: a signed
// record is drawn from its signed content (and shown so), an earlier signed
// session keeps its peaks in the across-sessions view, and an unsigned
// record whose start was pruned says what is missing.
#include <doctest/doctest.h>

#include "record/record_builder.hpp"
#include "record/record_formats.hpp"
#include "record/record_text.hpp"
#include "record/signed_content.hpp"
#include "tests/unit/record/morning_journal.hpp"
#include "tests/unit/record/signing_journal.hpp"

using namespace vigil;
using namespace std::chrono_literals;
using test::at;
using test::count;
using test::kTenYears;
using test::Morning;
using test::Signing;
using test::T0;
using test::wait_for;

namespace {

const auto kDay = std::chrono::hours{24};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE(
    "A signed record whose readings were pruned is drawn from its signed content, amendments after it") {
  Morning m{true, true};
  Signing s{m.path};
  auto signature = s.sign(m.path, 2, 0, "Dr A. Lee", at(100));
  REQUIRE(signature.ok());
  auto signed_record = record::build_record(m.path, 2, record::RecordOptions{}, at(100));
  REQUIRE(signed_record.ok());
  CHECK_FALSE(signed_record->from_signed_content);  // the journal still gives it

  // 40 days on, past the journal's 30: the readings, events and commands go.
  s.journal.prune(T0 + 40 * kDay);
  REQUIRE(wait_for(m.path, "SELECT COUNT(*) FROM observations", 0));
  REQUIRE(count(m.path, "SELECT COUNT(*) FROM commands") == 0);
  REQUIRE(s.journal
              .write_amendment({0, 2, T0 + 41 * kDay, "Dr A. Lee", "station-1", "oxygen was 3 L/min, not 2",
                                "flowmeter read after signing", signature->keep_until})
              .ok());

  auto r = record::build_record(m.path, 2, record::RecordOptions{}, T0 + 42 * kDay);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error()));
  CHECK(r->from_signed_content);
  CHECK_FALSE(r->content_matches_signature);
  CHECK(r->pruned_before.has_value() == false);  // the signed content is whole
  // Every value as signed: its content is the signed content, byte for byte.
  CHECK(record::record_content(*r) == signature->content);
  REQUIRE(r->dose.has_value());
  CHECK(r->dose->total_mg() == doctest::Approx(36));
  REQUIRE(r->response.systolic.has_value());
  CHECK(r->response.systolic->value == 220);
  CHECK(r->changes.size() == 3);
  CHECK(r->entries.size() == 3);
  CHECK_FALSE(r->series.empty());  // plotted from the signed table
  REQUIRE(r->amendments.size() == 1);
  CHECK(r->generated == T0 + 42 * kDay);

  const auto html = record::record_html(*r);
  CHECK(has(html, "drawn from the signed content of "));
  CHECK(has(html, "SHA-256 " + signature->sha256));
  CHECK(has(html, "oxygen was 3 L/min, not 2"));
  CHECK(has(html, "NIBP 220/120 mmHg"));
  CHECK(has(record::record_json(*r), "\"drawn_from_signed_content\": true"));
  CHECK(record::record_csv(*r) == record::record_csv(*signed_record));
  CHECK(record::record_pdf(*r).ok());

  // Ten years and a day after signing, its retention has ended: no record.
  s.journal.prune(at(100) + kTenYears + kDay);
  REQUIRE(wait_for(m.path, "SELECT COUNT(*) FROM record_signatures", 0));
  CHECK_FALSE(record::build_record(m.path, 2, record::RecordOptions{}, at(100) + kTenYears + kDay).ok());
}

TEST_CASE("An altered signed content is not drawn; the record says the journal no longer matches") {
  Morning m;
  Signing s{m.path};
  REQUIRE(s.sign(m.path, 2, 0, "Dr A. Lee", at(100)).ok());
  s.journal.prune(T0 + 40 * kDay);
  REQUIRE(wait_for(m.path, "SELECT COUNT(*) FROM observations", 0));
  {
    journal::sqlite::Database db{m.path, journal::sqlite::Database::Mode::read_write_create};
    // The journal's writer may still hold SQLite's write lock after the
    // prune (its checkpoint): this second writer waits for it, as any tool
    // writing to a live journal must.
    db.exec("PRAGMA busy_timeout = 10000");
    db.exec("UPDATE record_signatures SET content = replace(content, '220', '140')");
  }
  auto r = record::build_record(m.path, 2, record::RecordOptions{}, T0 + 40 * kDay);
  REQUIRE(r.ok());
  CHECK_FALSE(r->from_signed_content);
  CHECK(has(record::record_html(*r), "the journal no longer gives the content that was signed"));
}

TEST_CASE("Signed content read back: what record_content wrote, else a clear refusal") {
  Morning m{true, true};
  auto r = record::build_record(m.path, 2, record::RecordOptions{}, at(120));
  REQUIRE(r.ok());
  const auto content = record::record_content(*r);
  auto back = record::record_from_content(content);
  REQUIRE_MESSAGE(back.ok(), (back.ok() ? "" : back.error()));
  CHECK(record::record_content(*back) == content);

  CHECK(record::record_from_content("not json").error() == "the signed content is not JSON");
  auto missing = record::record_from_content("{\"record\": \"infusion\", \"session\": 2}");
  REQUIRE_FALSE(missing.ok());
  CHECK(has(missing.error(), "no \"admission_session\""));
  std::string bad_time = content;
  bad_time.replace(bad_time.find("\"from\": \"") + 9, 4, "20x6");
  CHECK(has(record::record_from_content(bad_time).error(), "\"from\" is not a UTC time"));
}

TEST_CASE("Across sessions, an earlier signed session older than the readings' retention keeps its peaks") {
  Morning m{true, false, true};  // sessions 1-2 the first visit (220/120), 3-4 a week later (160/95)
  Signing s{m.path};
  REQUIRE(s.sign(m.path, 2, 0, "Dr A. Lee", at(100)).ok());
  // The first visit's readings past the 30 days, the second's not yet.
  s.journal.prune(T0 + 37 * kDay - 1h);
  REQUIRE(wait_for(m.path,
                   "SELECT COUNT(*) FROM observations WHERE received_us < " +
                       std::to_string(journal::to_micros(T0 + kDay)),
                   0));
  REQUIRE(count(m.path, "SELECT COUNT(*) FROM observations") > 0);

  auto r = record::build_record(m.path, 4, record::RecordOptions{}, T0 + 37 * kDay);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error()));
  REQUIRE(r->across_sessions.size() == 2);
  const auto& first = r->across_sessions.front();
  CHECK(first.session_id == 2);
  REQUIRE(first.systolic.has_value());
  CHECK(first.systolic->value == 220);
  REQUIRE(first.diastolic.has_value());
  CHECK(first.diastolic->value == 120);
  REQUIRE(first.dose_mg_per_kg.has_value());
  CHECK(*first.dose_mg_per_kg == doctest::Approx(0.5));
  REQUIRE(r->across_sessions.back().systolic.has_value());
  CHECK(r->across_sessions.back().systolic->value == 170);  // its highest, at 08:20
}

TEST_CASE("An unsigned record whose start the journal's retention pruned says what is missing") {
  Morning m;
  Signing s{m.path};
  auto whole = record::build_record(m.path, 2, record::RecordOptions{}, at(120));
  REQUIRE(whole.ok());
  CHECK_FALSE(whole->pruned_before.has_value());
  CHECK_FALSE(has(record::record_html(*whole), "PART PRUNED"));
  CHECK(has(record::record_json(*whole), "\"pruned_before\": null"));

  // 30 days after 08:15: the admission, the start command (the dose), the
  // baseline and the first quarter hour of readings go; the session rows
  // stay, as the admission ended after the cut.
  s.journal.prune(at(15) + 30 * kDay);
  REQUIRE(wait_for(m.path, "SELECT COUNT(*) FROM commands", 0));
  REQUIRE(count(m.path, "SELECT COUNT(*) FROM sessions") == 2);

  auto r = record::build_record(m.path, 2, record::RecordOptions{}, at(120) + 30 * kDay);
  REQUIRE(r.ok());
  CHECK_FALSE(r->dose.has_value());
  REQUIRE(r->pruned_before.has_value());
  CHECK(*r->pruned_before == at(60));  // the oldest event left: the stop
  const auto html = record::record_html(*r);
  CHECK(has(html, "PART PRUNED \u2014 the journal holds nothing before "));
  CHECK(has(html, "name and date of birth and the dose as entered"));
  CHECK(has(record::record_json(*r), "\"pruned_before\": \"2026-11-23T09:00:00Z\""));
  CHECK(record::record_marks(*r).size() == 1);
}
