// The journal on a real SQLite file in a temp folder: what must be on disk
// when a write returns, batching of readings, replay by sequence number,
// retention, migration from an older schema, and failures a person can read.
#include "journal/journal.hpp"

#include <doctest/doctest.h>

#include <condition_variable>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "journal/bus_messages.hpp"
#include "journal/journal_schema.hpp"
#include "tests/unit/journal/journal_fixture.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace vigil;
using namespace vigil::journal;
using namespace vigil::test::journal_fixture;
using namespace std::chrono_literals;
namespace v1 = vigil::v1;

namespace {

// Collects the writer thread's reports so a test can wait for one.
struct Reports {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<JournalWriterReport> all;

  JournalWriter::Report callback() {
    return [this](const JournalWriterReport& r) {
      std::lock_guard lock{mutex};
      all.push_back(r);
      cv.notify_all();
    };
  }
  template <class P>
  bool wait(P predicate, std::chrono::milliseconds timeout = 5000ms) {
    std::unique_lock lock{mutex};
    return cv.wait_for(lock, timeout, [&] { return !all.empty() && predicate(all.back()); });
  }
};

v1::BusMessage observation(const std::string& bed, std::uint64_t seq, double value, core::TimePoint t) {
  core::Observation o;
  o.bed = bed;
  o.device = "ox";
  o.reading = core::Reading{core::Metric::spo2, value, {}, {}};
  o.received = t;
  o.seq = seq;
  v1::BusMessage m;
  *m.mutable_observation() = to_proto(o, false);
  return m;
}

v1::BusMessage alarm(const std::string& bed, std::uint64_t seq, v1::AlarmTransition t, core::TimePoint time) {
  v1::BusMessage m;
  auto* a = m.mutable_alarm();
  a->set_bed(bed);
  a->set_alarm_id(bed + ":desaturation:1");
  a->set_condition("desaturation");
  a->set_transition(t);
  a->set_priority(v1::HIGH);
  a->set_kind(v1::PHYSIOLOGICAL);
  a->set_active(t == v1::RAISED);
  a->set_seq(seq);
  set_time(a->mutable_time(), time);
  return m;
}

v1::BusMessage context(const std::string& bed, std::uint64_t seq, const std::string& what,
                       core::TimePoint time) {
  v1::BusMessage m;
  auto* c = m.mutable_context();
  c->set_bed(bed);
  c->set_what(what);
  c->set_actor("nurse Ana");
  c->set_station("station-1");
  c->set_patient_id("PAT-1");
  c->set_message(what + " on " + bed);
  c->set_seq(seq);
  set_time(c->mutable_time(), time);
  return m;
}

std::vector<std::uint64_t> seqs(const std::vector<v1::BusMessage>& messages) {
  std::vector<std::uint64_t> v;
  for (const auto& m : messages) {
    if (m.has_observation()) v.push_back(m.observation().seq());
    if (m.has_alarm()) v.push_back(m.alarm().seq());
    if (m.has_context()) v.push_back(m.context().seq());
    if (m.has_link()) v.push_back(m.link().seq());
  }
  return v;
}

}  // namespace

TEST_CASE(
    "An alarm transition and the bed's state are committed, readable by another connection, when write_bed "
    "returns") {
  test::TempDir dir;
  Reports reports;
  Journal j{options(dir), reports.callback()};
  REQUIRE(j.open("d1", T0));
  CHECK(j.available());
  REQUIRE(j.write_bed("bed-1", {alarm("bed-1", 7, v1::RAISED, T0)}, state("bed-1", "PAT-1"), T0));
  sqlite::Database other{dir.file("journal.db"), sqlite::Database::Mode::read_only};
  CHECK(other.scalar("SELECT seq FROM alarm_transitions WHERE transition = 'RAISED' AND priority = 'HIGH'") ==
        7);
  JournalReader r{other};
  REQUIRE(r.bed_state("bed-1"));
  CHECK(r.bed_state("bed-1")->patient_id() == "PAT-1");
  CHECK(r.seq_reserved().at("bed-1") == 7);  // a durable message's number is never reused
  CHECK(other.scalar_text("PRAGMA journal_mode") == "wal");
}

TEST_CASE(
    "Readings reach the disk in batches, one transaction per flush interval, well under a second behind") {
  test::TempDir dir;
  Reports reports;
  Journal j{options(dir), reports.callback()};
  REQUIRE(j.open("d1", T0));
  for (std::uint64_t i = 1; i <= 600; ++i)
    j.queue(observation("bed-1", i, 97, T0 + std::chrono::milliseconds(i)));
  j.hand_over();  // as the daemon does after each device read
  REQUIRE(reports.wait([](const auto& r) { return r.rows_written == 600; }));
  std::size_t batches = 0;
  for (const auto& r : reports.all) {
    if (r.batch_rows == 0) continue;
    ++batches;
    CHECK(r.oldest_wait < 1s);
  }
  CHECK(batches <= 3);  // 600 readings queued at once: not 600 transactions
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM observations WHERE bed = 'bed-1'") ==
        600);
}

TEST_CASE(
    "The core's commits are fsync'd by the writer thread within a flush interval, with no reading to write, "
    "and nothing is fsync'd when nothing was committed") {
  test::TempDir dir;
  Reports reports;
  Journal j{options(dir), reports.callback()};
  REQUIRE(j.open("d1", T0));  // the run's record is a commit too
  REQUIRE(reports.wait([](const auto& r) { return r.log_syncs == 1; }));
  REQUIRE(j.write_bed("bed-1", {alarm("bed-1", 7, v1::RAISED, T0)}, state("bed-1", "PAT-1"), T0));
  REQUIRE(reports.wait([](const auto& r) { return r.log_syncs == 2; }));
  CHECK(reports.all.back().ok);
  CHECK(reports.all.back().rows_written == 0);
  // Ten flush intervals without a commit: the writer has nothing to make durable.
  std::this_thread::sleep_for(10 * options(dir).flush_interval);
  std::lock_guard lock{reports.mutex};
  CHECK(reports.all.back().log_syncs == 2);
}

TEST_CASE(
    "The writer's queue is bounded: readings beyond it are dropped and counted, link events are kept, and "
    "the core never waits") {
  test::TempDir dir;
  create_journal(dir);
  Reports reports;
  {
    // An interval longer than the test: nothing is written until the writer stops.
    JournalWriter w{
        {.path = dir.file("journal.db"), .flush_interval = 60s, .max_queue = 10, .batch_rows = 1000},
        reports.callback()};
    for (std::uint64_t i = 1; i <= 15; ++i)
      w.write(observation("bed-1", i, 97, T0 + std::chrono::seconds(i)));
    v1::BusMessage link;
    link.mutable_link()->set_bed("bed-1");
    link.mutable_link()->set_device("ox");
    link.mutable_link()->set_state(v1::DOWN);
    link.mutable_link()->set_seq(16);
    set_time(link.mutable_link()->mutable_time(), T0 + 16s);
    w.write(link);
  }  // the writer writes what it holds, then stops
  REQUIRE(!reports.all.empty());
  CHECK(reports.all.back().rows_written == 11);
  CHECK(reports.all.back().rows_dropped == 5);
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT MAX(seq) FROM observations") == 10);
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM link_events") == 1);
}

TEST_CASE("A full batch of readings is written at once, not at the next flush interval") {
  test::TempDir dir;
  create_journal(dir);
  Reports reports;
  JournalWriter w{
      {.path = dir.file("journal.db"), .flush_interval = 60s, .max_queue = 1000, .batch_rows = 300},
      reports.callback()};
  for (std::uint64_t i = 1; i <= 300; ++i) w.write(observation("bed-1", i, 97, T0 + std::chrono::seconds(i)));
  w.hand_over();
  REQUIRE(reports.wait([](const auto& r) { return r.rows_written == 300; }, 30s));
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM observations") == 300);
}

TEST_CASE(
    "A batch of 128 beds' readings is written bed by bed, so each transaction changes few beds' index pages, "
    "and each bed's readings keep the order they came in") {
  test::TempDir dir;
  create_journal(dir);
  constexpr int kBeds = 128;
  constexpr std::uint64_t kPerBed = 6;
  {
    // One batch, written at the stop: more rows than one transaction takes.
    JournalWriter w{{.path = dir.file("journal.db"), .flush_interval = 60s, .batch_rows = 5000},
                    [](const auto&) {}};
    for (std::uint64_t seq = 1; seq <= kPerBed; ++seq)
      for (int bed = 1; bed <= kBeds; ++bed)
        w.write(observation("bed-" + std::to_string(bed), seq, 97, T0 + std::chrono::seconds(seq)));
  }
  const auto db = dir.file("journal.db");
  CHECK(journal_scalar(db, "SELECT COUNT(*) FROM observations") == kBeds * kPerBed);
  // Consecutive rows change bed only where one bed's rows end.
  CHECK(journal_scalar(db,
                       "SELECT COUNT(*) FROM observations a JOIN observations b ON b.id = a.id + 1 "
                       "WHERE a.bed <> b.bed") == kBeds - 1);
  CHECK(journal_scalar(db,
                       "SELECT COUNT(*) FROM observations a JOIN observations b ON a.bed = b.bed "
                       "AND a.id < b.id WHERE a.seq > b.seq") == 0);
}

TEST_CASE(
    "Readings inserted many to a statement are each the row they were handed over as, in their order, with "
    "a link event between them in its place") {
  test::TempDir dir;
  create_journal(dir);
  // Not a whole number of statements' rows, and a link event inside the second statement's rows.
  constexpr std::uint64_t kReadings = 75, kLinkAfter = 40;
  {
    JournalWriter w{{.path = dir.file("journal.db"), .flush_interval = 60s, .batch_rows = 5000},
                    [](const auto&) {}};
    std::uint64_t seq = 0;
    for (std::uint64_t i = 1; i <= kReadings; ++i) {
      ObservationRow row;
      row.bed = "bed-1";
      row.columns.seq = ++seq;
      row.device = i % 2 == 0 ? "ox" : "cuff";
      row.columns.mdc_code = 150000 + static_cast<std::uint32_t>(i);
      row.columns.value = static_cast<double>(i) + 0.25;
      row.columns.quality = static_cast<std::int64_t>(i % 32);
      if (i % 3 == 0) row.columns.device_time_us = 1000 * static_cast<std::int64_t>(i);
      row.columns.received_us = 2000 * static_cast<std::int64_t>(i);
      row.columns.drill = i % 5 == 0;
      w.write(std::move(row));
      if (i == kLinkAfter) {
        v1::BusMessage link;
        link.mutable_link()->set_bed("bed-1");
        link.mutable_link()->set_device("ox");
        link.mutable_link()->set_state(v1::DOWN);
        link.mutable_link()->set_seq(++seq);
        set_time(link.mutable_link()->mutable_time(), T0);
        w.write(link);
      }
    }
  }  // written at the stop, in one batch
  const auto db = dir.file("journal.db");
  CHECK(journal_scalar(db, "SELECT COUNT(*) FROM observations") == kReadings);
  CHECK(journal_scalar(db, "SELECT seq FROM link_events") == kLinkAfter + 1);
  // Each row as made above, from the reading's place among the readings (i); ids follow it.
  CHECK(journal_scalar(
            db,
            "SELECT COUNT(*) FROM (SELECT *, row_number() OVER (ORDER BY id) AS i FROM observations) "
            "WHERE bed = 'bed-1' AND seq = i + (i > 40) AND device = iif(i % 2 = 0, 'ox', 'cuff') "
            "AND mdc_code = 150000 + i AND value = i + 0.25 AND quality = i % 32 "
            "AND device_time_us IS iif(i % 3 = 0, 1000 * i, NULL) AND received_us = 2000 * i "
            "AND drill = (i % 5 = 0)") == kReadings);
}

TEST_CASE(
    "Readings of beds and devices taking turns are each committed with their own bed's and device's names "
    "and columns, and link events handed over among them are each written once, as handed over") {
  test::TempDir dir;
  create_journal(dir);
  // Names longer than a string keeps in place; a reading's bed or device
  // differs from the one's before it as often as it repeats.
  const std::vector<std::string> beds{"bed-1", "intensive-care-east-bed-12", "bed-3"};
  const std::vector<std::string> devices{"ox", "bedside-monitor-in-room-12"};
  constexpr std::uint64_t kReadings = 300;
  std::map<std::uint64_t, ObservationRow> expected;  // by seq, unique here
  std::set<std::tuple<std::string, std::uint64_t, std::string>> links;
  Reports reports;
  {
    // One batch, at the stop: link events handed over at once pile up in the queue meanwhile.
    JournalWriter w{{.path = dir.file("journal.db"), .flush_interval = 60s, .batch_rows = 5000},
                    reports.callback()};
    for (std::uint64_t i = 0; i < kReadings; ++i) {
      const core::Observation o{
          .bed = beds[i % beds.size()],
          .device = devices[(i / 2) % devices.size()],
          .reading = {.metric = i % 2 ? core::Metric::pulse_rate : core::Metric::spo2,
                      .value = static_cast<double>(i) + 0.5,
                      .quality = {.bits = static_cast<std::uint16_t>(i % 32)},
                      .device_time = i % 3 ? std::optional{T0 + std::chrono::milliseconds(i)} : std::nullopt},
          .received = T0 + std::chrono::seconds(i),
          .seq = i + 1};
      w.write(o, i % 7 == 0);
      expected[o.seq] = observation_row(o, i % 7 == 0);
      if (i % 45 == 44) w.write(alarm(o.bed, 5000 + i, v1::RAISED, T0));  // not written, gathered meanwhile
      if (i % 30 == 29) {
        v1::BusMessage link;
        link.mutable_link()->set_bed(beds[(i / 30) % beds.size()]);
        link.mutable_link()->set_device(devices[(i / 60) % devices.size()]);
        link.mutable_link()->set_state(v1::DOWN);
        link.mutable_link()->set_seq(1000 + i);
        set_time(link.mutable_link()->mutable_time(), T0);
        links.emplace(link.link().bed(), link.link().seq(), link.link().device());
        w.write(link);
      }
      if (i % 50 == 0) w.hand_over();
    }
  }
  REQUIRE(!reports.all.empty());
  CHECK(reports.all.back().rows_written == kReadings + links.size() + kReadings / 45);
  sqlite::Database db{dir.file("journal.db"), sqlite::Database::Mode::read_only};
  CHECK(db.scalar("SELECT COUNT(*) FROM observations") == static_cast<std::int64_t>(kReadings));
  auto rows = db.prepare(
      "SELECT bed, seq, device, mdc_code, value, quality, device_time_us, received_us, drill FROM "
      "observations");
  while (rows.step()) {
    const auto& want = expected.at(static_cast<std::uint64_t>(rows.integer(1)));
    CHECK(rows.text(0) == want.bed);
    CHECK(rows.text(2) == want.device);
    CHECK(rows.integer(3) == std::int64_t{want.columns.mdc_code});
    CHECK(rows.real(4) == want.columns.value);
    CHECK(rows.integer(5) == want.columns.quality);
    CHECK((rows.is_null(6) ? std::nullopt : std::optional{rows.integer(6)}) == want.columns.device_time_us);
    CHECK(rows.integer(7) == want.columns.received_us);
    CHECK(rows.integer(8) == std::int64_t{want.columns.drill});
  }
  CHECK(db.scalar("SELECT COUNT(*) FROM link_events") == static_cast<std::int64_t>(links.size()));
  auto written = db.prepare("SELECT bed, seq, device FROM link_events");
  std::set<std::tuple<std::string, std::uint64_t, std::string>> links_written;
  while (written.step())
    links_written.emplace(written.text(0), static_cast<std::uint64_t>(written.integer(1)), written.text(2));
  CHECK(links_written == links);
}

TEST_CASE(
    "Readings are gathered on the core's side and handed over together: a few wait for hand_over(), a few "
    "dozen go on their own, a link event takes the readings before it along, and none is lost at the stop") {
  test::TempDir dir;
  create_journal(dir);
  Reports reports;
  {
    JournalWriter w{{.path = dir.file("journal.db"), .flush_interval = 50ms}, reports.callback()};
    std::uint64_t seq = 0;
    for (std::size_t i = 0; i < JournalWriter::kHandOverRows; ++i)
      w.write(observation("bed-1", ++seq, 97, T0 + std::chrono::seconds(seq)));
    REQUIRE(reports.wait([](const auto& r) { return r.rows_written == JournalWriter::kHandOverRows; }));
    w.write(observation("bed-1", ++seq, 97, T0 + std::chrono::seconds(seq)));
    w.hand_over();
    REQUIRE(reports.wait([](const auto& r) { return r.rows_written == JournalWriter::kHandOverRows + 1; }));
    w.write(observation("bed-1", ++seq, 97, T0 + std::chrono::seconds(seq)));
    v1::BusMessage link;
    link.mutable_link()->set_bed("bed-1");
    link.mutable_link()->set_device("ox");
    link.mutable_link()->set_state(v1::DOWN);
    link.mutable_link()->set_seq(++seq);
    set_time(link.mutable_link()->mutable_time(), T0 + std::chrono::seconds(seq));
    w.write(link);
    REQUIRE(reports.wait([](const auto& r) { return r.rows_written == JournalWriter::kHandOverRows + 3; }));
    w.write(observation("bed-1", ++seq, 97, T0 + std::chrono::seconds(seq)));
  }  // gathered, never handed over: the stop takes it along
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM observations") ==
        static_cast<std::int64_t>(JournalWriter::kHandOverRows + 3));
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM link_events") == 1);
}

TEST_CASE(
    "A trend asked for right after a reading waits for it: the query's ticket covers the readings gathered "
    "before it, and the writer commits them at once, not at the next flush interval") {
  test::TempDir dir;
  Reports reports;
  auto o = options(dir);
  o.flush_interval = 60s;
  Journal j{o, reports.callback()};
  REQUIRE(j.open("d1", T0));
  for (std::uint64_t seq = 1; seq <= 3; ++seq)
    j.queue(observation("bed-1", seq, 97, T0 + std::chrono::seconds(seq)).observation());
  const auto ticket = j.writes_ticket();
  CHECK_FALSE(j.writes_done(ticket));
  j.flush_writes();
  REQUIRE(reports.wait([](const auto& r) { return r.rows_written == 3; }));
  CHECK(j.writes_done(ticket));
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM observations") == 3);
  // Nothing handed over since: a new ticket is done at once.
  CHECK(j.writes_done(j.writes_ticket()));
}

TEST_CASE("A reading without a value (the device says invalid) is not journalled and stops nothing") {
  test::TempDir dir;
  Reports reports;
  Journal j{options(dir), reports.callback()};
  REQUIRE(j.open("d1", T0));
  j.queue(observation("bed-1", 1, 97, T0));
  j.queue(observation("bed-1", 2, std::numeric_limits<double>::quiet_NaN(), T0 + 1s));
  j.queue(observation("bed-1", 3, 96, T0 + 2s));
  j.hand_over();
  REQUIRE(reports.wait([](const auto& r) { return r.rows_written == 2; }));
  CHECK(j.available());
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM observations WHERE bed = 'bed-1'") == 2);
  CHECK(seqs(j.reader()->messages({.bed = "bed-1"})) == std::vector<std::uint64_t>{1, 3});
}

TEST_CASE(
    "Replay gives a bed's stream after a sequence number in order: readings, alarms, context and links") {
  test::TempDir dir;
  Reports reports;
  Journal j{options(dir), reports.callback()};
  REQUIRE(j.open("d1", T0));
  j.queue(observation("bed-1", 1, 97, T0));
  REQUIRE(j.write_bed("bed-1", {alarm("bed-1", 2, v1::RAISED, T0 + 1s)}, state("bed-1", ""), T0 + 1s));
  j.queue(observation("bed-1", 3, 84, T0 + 2s));
  j.queue(observation("bed-2", 3, 99, T0 + 2s));  // another bed's stream, with its own numbers
  j.queue(observation("bed-1", 4, 84, T0 + 3s));
  REQUIRE(j.write_bed("bed-1", {context("bed-1", 5, "admitted", T0 + 4s)}, state("bed-1", "PAT-1"), T0 + 4s));
  v1::BusMessage link;
  link.mutable_link()->set_bed("bed-1");
  link.mutable_link()->set_device("ox");
  link.mutable_link()->set_state(v1::DOWN);
  link.mutable_link()->set_seq(6);
  set_time(link.mutable_link()->mutable_time(), T0 + 5s);
  j.queue(link);
  REQUIRE(reports.wait([](const auto& r) { return r.rows_written == 5; }));

  auto& r = *j.reader();
  CHECK(seqs(r.messages({.bed = "bed-1", .after_seq = 2})) == std::vector<std::uint64_t>{3, 4, 5, 6});
  CHECK(seqs(r.messages({.bed = "bed-1", .after_seq = 0, .max = 2})) == std::vector<std::uint64_t>{1, 2});
  CHECK(seqs(r.messages({.bed = "bed-1", .after_seq = 1, .before_seq = 5})) ==
        std::vector<std::uint64_t>{2, 3, 4});
  CHECK(seqs(r.messages({.bed = "bed-1", .kinds = {"alarm", "ctx"}})) == std::vector<std::uint64_t>{2, 5});
  CHECK(seqs(r.messages({.bed = "bed-1", .from = T0 + 2s, .to = T0 + 4s})) ==
        std::vector<std::uint64_t>{3, 4});
  const auto replayed = r.messages({.bed = "bed-1", .after_seq = 2, .max = 1});
  REQUIRE(replayed.size() == 1);
  const auto& o = replayed[0].observation();
  CHECK((o.metric() == "spo2" && o.value() == 84 && o.unit() == "%" && o.mdc_code() == 150456));
  CHECK(from_proto(o.received()) == T0 + 2s);
  CHECK(r.last_journalled_seq("bed-1") == 6);
}

TEST_CASE("Every command is journalled with its author, the request and the result, refusals too") {
  test::TempDir dir;
  Reports reports;
  Journal j{options(dir), reports.callback()};
  REQUIRE(j.open("d1", T0));
  v1::CommandRequest req;
  req.set_request_id("r-1");
  req.set_actor("nurse Ana");
  req.set_station("station-1");
  req.mutable_acknowledge()->set_bed("bed-1");
  req.mutable_acknowledge()->set_alarm_id("bed-1:desaturation:1");
  v1::CommandReply ok;
  ok.set_ok(true);
  ok.set_message("acknowledged bed-1:desaturation:1");
  REQUIRE(j.write_command(req, ok, T0));
  v1::CommandReply refused;
  refused.set_ok(false);
  refused.set_error("reset.alarm_id: is required");
  refused.set_error_field("reset.alarm_id");
  req.mutable_reset()->set_bed("bed-1");
  REQUIRE(j.write_command(req, refused, T0 + 1s));
  // Durable in the intent log when write_command() returns; in SQLite once the writer has committed it.
  REQUIRE(j.wait_bed_writes(5s));
  sqlite::Database db{dir.file("journal.db"), sqlite::Database::Mode::read_only};
  auto s = db.prepare("SELECT actor, station, command, bed, ok, result, request FROM commands ORDER BY id");
  REQUIRE(s.step());
  CHECK((s.text(0) == "nurse Ana" && s.text(1) == "station-1" && s.text(2) == "acknowledge" &&
         s.text(3) == "bed-1"));
  CHECK((s.integer(4) == 1 && s.text(5) == "acknowledged bed-1:desaturation:1"));
  CHECK(s.text(6).find("\"alarm_id\":\"bed-1:desaturation:1\"") != std::string::npos);
  REQUIRE(s.step());
  CHECK((s.text(2) == "reset" && s.integer(4) == 0 && s.text(5) == "reset.alarm_id: is required"));
}

TEST_CASE("Admission and infusion context events open and close the bed's patient and infusion sessions") {
  test::TempDir dir;
  Reports reports;
  Journal j{options(dir), reports.callback()};
  REQUIRE(j.open("d1", T0));
  REQUIRE(j.write_bed("bed-1", {context("bed-1", 1, "admitted", T0 - 60s)}, state("bed-1", "PAT-1"), T0));
  REQUIRE(j.write_bed("bed-1", {context("bed-1", 1, "admitted", T0)}, state("bed-1", "PAT-1"), T0));  // again
  REQUIRE(
      j.write_bed("bed-1", {context("bed-1", 2, "infusion_started", T0 + 60s)}, state("bed-1", "PAT-1"), T0));
  REQUIRE(j.write_bed(
      "bed-1",
      {context("bed-1", 3, "infusion_stopped", T0 + 2400s), context("bed-1", 4, "discharged", T0 + 2400s)},
      state("bed-1", ""), T0));
  auto sessions = j.reader()->sessions("bed-1");
  REQUIRE(sessions.size() == 3);
  CHECK(sessions[0].ended == T0);  // the admission before, ended by the new one
  sessions.erase(sessions.begin());
  CHECK((sessions[0].kind == "patient" && sessions[0].patient_id == "PAT-1" && sessions[0].started == T0));
  CHECK((sessions[1].kind == "infusion" && sessions[1].started == T0 + 60s));
  for (const auto& s : sessions) {
    REQUIRE(s.ended);
    CHECK(*s.ended == T0 + 2400s);
    CHECK(s.started_by == "nurse Ana at station-1");
  }
  CHECK(j.reader()->session(sessions[1].id)->bed == "bed-1");
}

TEST_CASE("Retention deletes readings, alarms and commands older than the cutoff and keeps the bed state") {
  test::TempDir dir;
  Reports reports;
  auto o = options(dir);
  o.retention = std::chrono::hours{24 * 30};
  Journal j{o, reports.callback()};
  REQUIRE(j.open("d1", T0));
  const auto old = T0 - std::chrono::hours{24 * 40};
  for (std::uint64_t i = 1; i <= 5000; ++i)
    j.queue(observation("bed-1", i, 97, old + std::chrono::seconds(i)));
  for (std::uint64_t i = 5001; i <= 5100; ++i)
    j.queue(observation("bed-1", i, 97, T0 + std::chrono::seconds(i)));
  j.hand_over();
  REQUIRE(j.write_bed("bed-1", {alarm("bed-1", 1, v1::RAISED, old)}, state("bed-1", "PAT-1"), old));
  REQUIRE(j.write_bed("bed-1", {alarm("bed-1", 5101, v1::CLEARED, T0)}, state("bed-1", "PAT-1"), T0));
  REQUIRE(reports.wait([](const auto& r) { return r.rows_written == 5100; }));
  j.prune(T0);
  // 5000 old readings in chunks of 2000: three chunks, then one that finds nothing.
  REQUIRE(reports.wait([](const auto& r) { return r.rows_pruned == 5001; }));
  j.close(T0);
  const auto path = dir.file("journal.db");
  CHECK(journal_scalar(path, "SELECT COUNT(*) FROM observations") == 100);
  CHECK(journal_scalar(path, "SELECT MIN(seq) FROM observations") == 5001);
  CHECK(journal_scalar(path, "SELECT COUNT(*) FROM alarm_transitions") == 1);
  CHECK(journal_scalar(path, "SELECT COUNT(*) FROM bed_state") == 1);
}

TEST_CASE("A journal of schema version 1 is migrated on open and keeps every row") {
  test::TempDir dir;
  {
    sqlite::Database db{dir.file("journal.db"), sqlite::Database::Mode::read_write_create};
    migrate_journal(db, 1);
    REQUIRE(journal_version(db) == 1);
    db.exec(
        "INSERT INTO observations (bed, seq, device, mdc_code, value, quality, received_us) "
        "VALUES ('bed-1', 41, 'ox', 150456, 93, 0, 1000)");
    db.exec(
        "INSERT INTO context_events (bed, seq, time_us, what, patient_id, actor, station, message, "
        "old_value, "
        "new_value, event) VALUES ('bed-1', 42, 2000, 'admitted', 'PAT-1', 'nurse', '', 'admitted', '', '', "
        "x'')");
  }
  Reports reports;
  Journal j{options(dir), reports.callback()};
  REQUIRE(j.open("d1", T0));
  j.close(T0);
  sqlite::Database db{dir.file("journal.db"), sqlite::Database::Mode::read_only};
  CHECK(journal_version(db) == journal_schema_version());
  CHECK(db.scalar("SELECT COUNT(*) FROM schema_version") == journal_schema_version());
  CHECK(db.scalar("SELECT value FROM observations WHERE seq = 41") == 93);
  JournalReader r{db};
  CHECK(r.seq_reserved().at("bed-1") == 42);  // numbers already used stay used
  CHECK(db.scalar("SELECT COUNT(*) FROM runs") == 1);
}

TEST_CASE("A restart finds whether the previous run stopped cleanly") {
  test::TempDir dir;
  Reports reports;
  {
    Journal j{options(dir), reports.callback()};
    REQUIRE(j.open("first", T0));
    j.close(T0 + 10s);
  }
  {
    Journal j{options(dir), reports.callback()};
    REQUIRE(j.open("second", T0 + 20s));
    REQUIRE(j.previous_run());
    CHECK(j.previous_run()->daemon_id == "first");
    CHECK(j.previous_run()->stopped == T0 + 10s);
    // no close: as if killed
  }
  Journal j{options(dir), reports.callback()};
  REQUIRE(j.open("third", T0 + 30s));
  CHECK(j.previous_run()->daemon_id == "second");
  CHECK(!j.previous_run()->stopped);
}

TEST_CASE("A journal path that is a folder cannot be opened, and the problem says so") {
  test::TempDir dir;
  Reports reports;
  auto o = options(dir);
  o.path = dir.path().string();
  Journal j{o, reports.callback()};
  CHECK(!j.open("d1", T0));
  CHECK(!j.available());
  CHECK(j.problem().find("cannot open the journal " + o.path) != std::string::npos);
  CHECK(j.problem().find("Is a directory") != std::string::npos);
  CHECK(!j.write_bed("bed-1", {}, state("bed-1", ""), T0));
}

TEST_CASE("A journal at its size cap reports a full disk, and writes again once retention frees room") {
  test::TempDir dir;
  Reports reports;
  auto o = options(dir);
  o.max_bytes = 256 * 1024;
  Journal j{o, reports.callback()};
  REQUIRE(j.open("d1", T0));
  std::string big(4000, 'x');
  bool failed = false;
  for (int i = 0; i < 200 && !failed; ++i) {
    auto m = alarm("bed-1", static_cast<std::uint64_t>(i + 1), v1::RAISED, T0 - std::chrono::hours{24 * 60});
    m.mutable_alarm()->set_message(big);
    failed = !j.write_bed("bed-1", {m}, state("bed-1", ""), T0);
  }
  REQUIRE(failed);
  CHECK(!j.available());
  CHECK(j.problem().find("full") != std::string::npos);
  CHECK(j.problem().find("retention_days") != std::string::npos);
  j.prune(T0);
  REQUIRE(reports.wait([](const auto& r) { return r.rows_pruned > 0 && r.ok; }));
  CHECK(j.write_bed("bed-1", {alarm("bed-1", 500, v1::CLEARED, T0)}, state("bed-1", ""), T0));
  CHECK(j.available());
}
