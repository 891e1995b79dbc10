// A reading's PCD-01 message kept in the outbox as its parts (value and a
// shared send context) reads back as the very text the encoder made when
// it was queued, across a reopen, a dead letter and a resend; contexts are
// stored once and go only when no row is left that refers to them; a
// reading for two destinations is stored once, and goes with its last copy.
#include "hl7out/reading_parts.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>

#include "hl7out/outbox.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace vigil::hl7out;
using vigil::core::TimePoint;

namespace {

MessageHeader header(bool test = false) {
  MessageHeader h;
  h.sending_facility = "CLINIC";
  h.receiving_application = "MIRTH";
  h.receiving_facility = "HOSP";
  h.equipment_eui64 = "0123456789ABCDEF";
  h.test = test;
  return h;
}

// The row vigild's core makes for one reading, and the text it used to queue instead.
struct Reading {
  OutboxRow row;
  std::string text;
};

Reading reading(Outbox& box, const std::string& patient, double value, TimePoint now, bool test = false) {
  const auto id = box.reserve_id();
  // Times off the millisecond, as the clock gives them: the text floors them.
  const ReportedValue v{150456, value, now - std::chrono::microseconds{1500}};
  const BedContext bed{"bed-1", patient};
  MessageHeader h = header(test);
  h.control_id = Outbox::control_id(id);
  h.time = now;
  return {{0, {}, {}, now, true, SharedReading{v, {{id, "emr", send_context(h, bed)}}}},
          encode_oru_r01(h, bed, {v})};
}

// One number a query of the outbox file gives.
std::int64_t count(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  const auto n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return n;
}

std::int64_t contexts(const std::string& path) {
  return count(path, "SELECT count(*) FROM hl7_send_contexts");
}

}  // namespace

TEST_CASE("outbox: a reading kept as its parts is sent as the text the encoder made when it was queued") {
  vigil::test::TempDir dir;
  const auto path = dir.file("outbox.db");
  vigil::core::ManualClock clock{TimePoint{std::chrono::hours{24 * 365 * 56}} +
                                 std::chrono::microseconds{123456}};
  std::vector<std::string> texts;
  {
    auto box = Outbox::open(path, clock);
    REQUIRE(box);
    auto& b = *box.value();
    std::vector<OutboxRow> rows;
    for (int i = 0; i < 100; ++i) {
      auto r = reading(b, i < 60 ? "PAT-1" : "PAT-2", 90.0 + i * 0.1, clock.now(), i % 2);
      texts.push_back(r.text);
      rows.push_back(r.row);
      clock.advance(std::chrono::microseconds{333333});
    }
    REQUIRE(b.insert(rows));
    auto h = b.head("emr");
    REQUIRE(h);
    CHECK(h->control_id == "V1");
    CHECK(h->text == texts[0]);
    CHECK(h->text.find("MSH|^~\\&|VIGIL^0123456789ABCDEF^EUI-64|CLINIC|MIRTH|HOSP|") == 0);
    CHECK(b.delivered(h->id));
    CHECK(b.dead_letter(b.head("emr")->id, 3, "AE busy"));
  }
  // Two patients, drill or not: four contexts for a hundred readings.
  CHECK(contexts(path) == 4);
  auto box = Outbox::open(path, clock);
  REQUIRE(box);
  auto& b = *box.value();
  for (std::size_t i = 2; i < texts.size(); ++i) {
    auto h = b.head("emr");
    REQUIRE(h);
    CHECK(h->control_id == Outbox::control_id(static_cast<std::int64_t>(i + 1)));
    CHECK(h->text == texts[i]);
    CHECK(b.delivered(h->id));
  }
  // The dead letter is listed and re-sent as it was.
  REQUIRE(b.kept("emr").size() == 1);
  CHECK(b.kept("emr")[0].text == texts[1]);
  CHECK(b.requeue(2));
  CHECK(b.head("emr")->text == texts[1]);
}

TEST_CASE("outbox: a send context goes only once no row is left that refers to it") {
  vigil::test::TempDir dir;
  const auto path = dir.file("outbox.db");
  vigil::core::ManualClock clock{TimePoint{std::chrono::hours{24 * 365 * 56}}};
  auto box = Outbox::open(path, clock);
  REQUIRE(box);
  auto& b = *box.value();
  const auto first = reading(b, "PAT-1", 95, clock.now());
  const auto second = reading(b, "PAT-2", 94, clock.now());
  const auto again = reading(b, "PAT-1", 93, clock.now());
  REQUIRE(b.insert({first.row, second.row}));
  REQUIRE(b.insert({again.row}));
  CHECK(contexts(path) == 2);
  CHECK(b.delivered(1));
  CHECK(b.delivered(2));
  clock.advance(std::chrono::seconds{1});
  // Row 1 goes, but row 3 still refers to PAT-1's context; PAT-2's has no row left.
  CHECK(b.prune(clock.now(), 100) == 2u);
  CHECK(contexts(path) == 1);
  CHECK(b.head("emr")->text == again.text);
  // A context pruned and needed again is stored again, not taken from a stale memory of it.
  CHECK(b.delivered(3));
  CHECK(b.prune(clock.now() + std::chrono::seconds{1}, 100) == 1u);
  CHECK(contexts(path) == 0);
  const auto later = reading(b, "PAT-1", 92, clock.now());
  REQUIRE(b.insert({later.row}));
  CHECK(contexts(path) == 1);
  CHECK(b.head("emr")->text == later.text);
}

TEST_CASE("outbox: a reading row takes a fraction of the bytes its text did") {
  vigil::test::TempDir dir;
  vigil::core::ManualClock clock{TimePoint{std::chrono::hours{24 * 365 * 56}}};
  // Enough that the file's fixed pages (schema, empty tables) are a few bytes a reading.
  constexpr int n = 4000;
  auto size_of = [&](const char* name, bool as_parts) {
    const auto path = dir.file(name);
    {
      auto box = Outbox::open(path, clock);
      REQUIRE(box);
      auto& b = *box.value();
      std::vector<OutboxRow> rows;
      for (int i = 0; i < n; ++i) {
        auto r = reading(b, "PAT-1", 90.0 + i % 10, clock.now());
        const auto& copy = r.row.parts->copies[0];
        if (!as_parts) r.row = {copy.id, copy.destination, r.text, r.row.queued, true, std::nullopt};
        rows.push_back(std::move(r.row));
        clock.advance(std::chrono::milliseconds{500});
      }
      REQUIRE(b.insert(rows));
    }
    // Delivered, as Outbox::delivered marks a row, in one transaction rather than one by one.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "UPDATE hl7_outbox SET state = 'delivered', done_ms = queued_ms", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
    sqlite3_close(db);  // the last connection: the write-ahead log is checkpointed into the file
    return static_cast<double>(std::filesystem::file_size(path)) / n;
  };
  const double text = size_of("text.db", false), parts = size_of("parts.db", true);
  CHECK(text > 600);
  // About 91 (82 in the bench's larger file): a delivered row is in no index but the one pruning reads
  // (about 25 bytes more while the queue's index held it).
  CHECK(parts < 100);
}

TEST_CASE("outbox: an outbox of the second layout keeps its messages and takes readings as parts") {
  vigil::test::TempDir dir;
  const auto path = dir.file("outbox.db");
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(
              db,
              "CREATE TABLE hl7_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, destination TEXT NOT NULL,"
              " control_id TEXT NOT NULL, message TEXT NOT NULL, queued_ms INTEGER NOT NULL,"
              " ae_count INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'queued',"
              " reason TEXT NOT NULL DEFAULT '', done_ms INTEGER);"
              "CREATE INDEX hl7_outbox_done ON hl7_outbox (done_ms) WHERE state != 'queued';"
              "INSERT INTO hl7_outbox (destination, control_id, message, queued_ms)"
              " VALUES ('emr', 'V1', 'MSH|V1', 1000);"
              "PRAGMA user_version = 1",
              nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  vigil::core::ManualClock clock{TimePoint{std::chrono::hours{24 * 365 * 56}}};
  auto box = Outbox::open(path, clock);
  REQUIRE(box);
  auto& b = *box.value();
  const auto r = reading(b, "PAT-1", 95, clock.now());
  CHECK(r.row.parts->copies[0].id == 2);
  REQUIRE(b.insert({r.row}));
  CHECK(b.head("emr")->text == "MSH|V1");
  CHECK(b.delivered(1));
  CHECK(b.head("emr")->text == r.text);
}

namespace {

// One reading for the EMR and for a second system (another MSH-5), as
// vigild's core hands it over, and the two texts it stands for.
struct SharedRow {
  OutboxRow row;
  std::string emr, research;
};

SharedRow reading_for_two(Outbox& box, double value, TimePoint now) {
  const ReportedValue v{150456, value, now - std::chrono::milliseconds{200}};
  const BedContext bed{"bed-1", "PAT-1"};
  SharedRow out{{0, {}, {}, now, true, SharedReading{v, {}}}, {}, {}};
  for (const char* name : {"emr", "research"}) {
    MessageHeader h = header();
    if (name == std::string{"research"}) h.receiving_application = "RESEARCH";
    const auto id = box.reserve_id();
    h.control_id = Outbox::control_id(id);
    h.time = now;
    out.row.parts->copies.push_back({id, name, send_context(h, bed)});
    (name == std::string{"emr"} ? out.emr : out.research) = encode_oru_r01(h, bed, {v});
  }
  return out;
}

}  // namespace

TEST_CASE(
    "outbox: a reading for two destinations is stored once; each destination delivers, dead-letters, "
    "re-sends "
    "and prunes its copy on its own") {
  vigil::test::TempDir dir;
  const auto path = dir.file("outbox.db");
  vigil::core::ManualClock clock{TimePoint{std::chrono::hours{24 * 365 * 56}} +
                                 std::chrono::microseconds{777}};
  std::vector<SharedRow> readings;
  {
    auto box = Outbox::open(path, clock);
    REQUIRE(box);
    std::vector<OutboxRow> rows;
    for (int i = 0; i < 3; ++i) {
      readings.push_back(reading_for_two(*box.value(), 95 - i, clock.now()));
      rows.push_back(readings.back().row);
      clock.advance(std::chrono::milliseconds{500});
    }
    REQUIRE(box.value()->insert(rows));
  }
  CHECK(count(path, "SELECT count(*) FROM hl7_readings") == 3);
  CHECK(count(path, "SELECT count(*) FROM hl7_outbox") == 6);
  // After a restart: each destination's queue in its order, each copy the very text of its own.
  auto box = Outbox::open(path, clock);
  REQUIRE(box);
  auto& b = *box.value();
  CHECK(b.depth("emr") == 3);
  CHECK(b.depth("research") == 3);
  // The research system is down: its first copy waits (AE, then dead) while the EMR gets every reading.
  auto stuck = b.head("research");
  REQUIRE(stuck);
  CHECK(stuck->text == readings[0].research);
  CHECK(b.record_ae(stuck->id, 1, "AE busy"));
  for (const auto& r : readings) {
    auto h = b.head("emr");
    REQUIRE(h);
    CHECK(h->text == r.emr);
    CHECK(b.delivered(h->id));
  }
  CHECK(!b.head("emr"));
  CHECK(b.head("research")->text == readings[0].research);
  CHECK(b.dead_letter(stuck->id, 3, "AE busy"));
  for (std::size_t i = 1; i < readings.size(); ++i) {
    auto h = b.head("research");
    REQUIRE(h);
    CHECK(h->text == readings[i].research);
    CHECK(b.delivered(h->id));
  }
  // The dead letter is listed and re-sent; the other copies are pruned, its
  // reading stays for it and it goes as it was.
  REQUIRE(b.kept("research").size() == 1);
  CHECK(b.kept("research")[0].text == readings[0].research);
  CHECK(b.requeue(stuck->id));
  clock.advance(std::chrono::seconds{1});
  CHECK(b.prune(clock.now(), 100) == 5u);
  CHECK(count(path, "SELECT count(*) FROM hl7_readings") == 1);
  CHECK(b.head("research")->text == readings[0].research);
  CHECK(b.delivered(stuck->id));
  clock.advance(std::chrono::seconds{1});
  CHECK(b.prune(clock.now(), 100) == 1u);
  CHECK(count(path, "SELECT count(*) FROM hl7_readings") == 0);
  CHECK(count(path, "SELECT count(*) FROM hl7_send_contexts") == 0);
}

TEST_CASE("outbox: pruning in small chunks releases a shared reading only with its last copy") {
  vigil::test::TempDir dir;
  const auto path = dir.file("outbox.db");
  vigil::core::ManualClock clock{TimePoint{std::chrono::hours{24 * 365 * 56}}};
  auto box = Outbox::open(path, clock);
  REQUIRE(box);
  auto& b = *box.value();
  const auto r = reading_for_two(b, 97, clock.now());
  REQUIRE(b.insert({r.row}));
  CHECK(b.delivered(b.head("emr")->id));
  CHECK(b.delivered(b.head("research")->id));
  clock.advance(std::chrono::seconds{1});
  CHECK(b.prune(clock.now(), 1) == 1u);
  CHECK(count(path, "SELECT count(*) FROM hl7_readings") == 1);
  CHECK(count(path, "SELECT copies FROM hl7_readings") == 1);
  CHECK(b.prune(clock.now(), 1) == 1u);
  CHECK(count(path, "SELECT count(*) FROM hl7_readings") == 0);
}

TEST_CASE("outbox: an outbox of the third layout keeps its readings stored per row and takes shared ones") {
  vigil::test::TempDir dir;
  const auto path = dir.file("outbox.db");
  vigil::core::ManualClock clock{TimePoint{std::chrono::hours{24 * 365 * 56}}};
  // Version 2, as vigild wrote it before readings were shared: a reading's
  // value in its row, its context in hl7_send_contexts.
  const ReportedValue v{150456, 93, clock.now() - std::chrono::seconds{1}};
  const BedContext bed{"bed-1", "PAT-1"};
  MessageHeader h = header();
  h.control_id = "V1";
  h.time = clock.now();
  const std::string old_text = encode_oru_r01(h, bed, {v});
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const auto sql =
        "CREATE TABLE hl7_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, destination TEXT NOT NULL,"
        " control_id TEXT NOT NULL, message TEXT NOT NULL, queued_ms INTEGER NOT NULL,"
        " ae_count INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'queued',"
        " reason TEXT NOT NULL DEFAULT '', done_ms INTEGER, context INTEGER, mdc_code INTEGER, value REAL,"
        " measured_ms INTEGER);"
        "CREATE INDEX hl7_outbox_queue ON hl7_outbox (destination, state, id);"
        "CREATE INDEX hl7_outbox_done ON hl7_outbox (done_ms) WHERE state != 'queued';"
        "CREATE TABLE hl7_send_contexts (id INTEGER PRIMARY KEY, sending_application TEXT NOT NULL,"
        " sending_facility TEXT NOT NULL, receiving_application TEXT NOT NULL,"
        " receiving_facility TEXT NOT NULL, equipment_eui64 TEXT NOT NULL, test INTEGER NOT NULL,"
        " bed TEXT NOT NULL, patient_id TEXT NOT NULL, last_id INTEGER NOT NULL,"
        " UNIQUE (sending_application, sending_facility, receiving_application, receiving_facility,"
        " equipment_eui64, test, bed, patient_id));"
        "INSERT INTO hl7_send_contexts VALUES (1, 'VIGIL', 'CLINIC', 'MIRTH', 'HOSP', '0123456789ABCDEF', 0,"
        " 'bed-1', 'PAT-1', 1);"
        "INSERT INTO hl7_outbox (destination, control_id, message, queued_ms, context, mdc_code, value,"
        " measured_ms) VALUES ('emr', 'V1', '', " +
        std::to_string(
            std::chrono::duration_cast<std::chrono::milliseconds>(h.time.time_since_epoch()).count()) +
        ", 1, 150456, 93, " +
        std::to_string(
            std::chrono::duration_cast<std::chrono::milliseconds>(v.measured.time_since_epoch()).count()) +
        ");PRAGMA user_version = 2";
    CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto box = Outbox::open(path, clock);
  REQUIRE(box);
  auto& b = *box.value();
  CHECK(count(path, "PRAGMA user_version") == 3);
  const auto r = reading_for_two(b, 96, clock.now());
  CHECK(r.row.parts->copies[0].id == 2);
  REQUIRE(b.insert({r.row}));
  CHECK(b.head("emr")->text == old_text);
  CHECK(b.delivered(1));
  CHECK(b.head("emr")->text == r.emr);
  CHECK(b.head("research")->text == r.research);
  // The old row has no shared reading to release when it is pruned.
  clock.advance(std::chrono::seconds{1});
  CHECK(b.prune(clock.now(), 100) == 1u);
  CHECK(count(path, "SELECT count(*) FROM hl7_readings") == 1);
}
