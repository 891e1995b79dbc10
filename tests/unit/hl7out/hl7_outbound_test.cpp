#include "hl7out/hl7_outbound.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include "hl7_fields.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace vigil::hl7out;
using namespace std::chrono;
using vigil::test::segments;

// The routing rules, with the senders never started (nothing connects):
// what each destination's queue holds is read back from the outbox file.
namespace {
const vigil::core::TimePoint kT = sys_days{year{2026} / 12 / 5};

void set(google::protobuf::Timestamp* t, vigil::core::TimePoint p) {
  t->set_seconds(duration_cast<seconds>(p.time_since_epoch()).count());
}

vigil::v1::BusMessage reading(std::uint32_t mdc, double value, bool drill, vigil::core::TimePoint at) {
  vigil::v1::BusMessage m;
  auto* o = m.mutable_observation();
  o->set_bed("bed-1");
  o->set_mdc_code(mdc);
  o->set_value(value);
  o->set_drill(drill);
  set(o->mutable_received(), at);
  return m;
}

vigil::v1::BusMessage raised(bool drill) {
  vigil::v1::BusMessage m;
  auto* e = m.mutable_alarm();
  e->set_alarm_id("A-1");
  e->set_condition("device_lost:ox");
  e->set_kind(vigil::v1::TECHNICAL);
  e->set_priority(vigil::v1::MEDIUM);
  e->set_transition(vigil::v1::RAISED);
  e->set_active(true);
  e->set_drill(drill);
  return m;
}

struct Fixture {
  vigil::test::TempDir dir;
  boost::asio::io_context io;
  vigil::core::ManualClock clock{kT};
  std::string patient;
  vigil::v1::config::DaemonConfig config;

  Fixture() {
    config.set_equipment_eui64("0123456789ABCDEF");
    config.set_hl7_outbox_path(dir.file("outbox.db"));
    auto* emr = config.add_hl7_destination();
    emr->set_name("emr");
    emr->set_address("127.0.0.1:9");
    emr->set_readings(true);
    emr->set_alarms(true);
    auto* test = config.add_hl7_destination();
    test->set_name("test");
    test->set_address("127.0.0.1:9");
    test->set_readings(true);
    test->set_drill(vigil::v1::config::DRILL_AS_TEST);
    test->set_reading_period_s(60);
  }
  // What is queued, once the writer has written what it was handed.
  std::vector<std::string> queued(Hl7Outbound& outbound, const std::string& destination) {
    outbound.sync();
    std::vector<std::string> out;
    auto box = Outbox::open(dir.file("outbox.db"), clock);
    REQUIRE(box);
    while (auto h = box.value()->head(destination)) {
      out.push_back(h->text);
      box.value()->delivered(h->id);
    }
    return out;
  }
};
}  // namespace

TEST_CASE("outbound: no readings without an admitted patient; alarms all the same, without PID-3") {
  Fixture f;
  Hl7Outbound out{f.io, f.clock, f.config, [&](const std::string&) { return f.patient; }};
  out.on_bus_message(reading(150456, 97, false, kT), "bed-1");
  out.on_bus_message(raised(false), "bed-1");
  f.patient = "P1";
  out.on_bus_message(reading(150456, 96, false, kT), "bed-1");
  out.on_bus_message(reading(150448, 3.1, false, kT), "bed-1");  // perfusion index: no confirmed code
  const auto emr = f.queued(out, "emr");
  REQUIRE(emr.size() == 2);
  CHECK(segments(emr[0])[0][9] == "ORU^R40^ORU_R40");
  CHECK(segments(emr[0])[1][3].empty());
  CHECK(segments(emr[1])[0][9] == "ORU^R01^ORU_R01");
  CHECK(segments(emr[1])[1][3] == "P1^^^^MR");
  CHECK(segments(emr[1])[6][5] == "96");
  CHECK(f.queued(out, "test").empty());  // periodic, and takes no alarms
}

TEST_CASE("outbound: a reading for two every-reading destinations is stored once, a message for each") {
  Fixture f;
  f.patient = "P1";
  auto* research = f.config.add_hl7_destination();
  research->set_name("research");
  research->set_address("127.0.0.1:9");
  research->set_readings(true);
  research->set_receiving_application("RESEARCH");
  Hl7Outbound out{f.io, f.clock, f.config, [&](const std::string&) { return f.patient; }};
  out.on_bus_message(reading(150456, 96, false, kT), "bed-1");
  out.on_bus_message(reading(150456, 95, false, kT + 1s), "bed-1");
  out.sync();
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(f.dir.file("outbox.db").c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM hl7_readings), (SELECT count(*) FROM hl7_outbox)", -1,
                     &s, nullptr);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  CHECK(sqlite3_column_int(s, 0) == 2);
  CHECK(sqlite3_column_int(s, 1) == 4);
  sqlite3_finalize(s);
  sqlite3_close(db);
  const auto emr = f.queued(out, "emr");
  const auto other = f.queued(out, "research");
  REQUIRE(emr.size() == 2);
  REQUIRE(other.size() == 2);
  // Each its own MSH-10 (in bus order: V1 and V2 for the first reading) and its own MSH-5.
  CHECK(segments(emr[0])[0][10] == "V1");
  CHECK(segments(other[0])[0][10] == "V2");
  CHECK(segments(emr[1])[0][10] == "V3");
  CHECK(segments(other[1])[0][5] == "RESEARCH");
  CHECK(segments(emr[1])[6][5] == "95");
  CHECK(segments(other[1])[6][5] == "95");
}

TEST_CASE("outbound: a drill reaches only the destination that takes it, as MSH-11 T") {
  Fixture f;
  f.patient = "P1";
  Hl7Outbound out{f.io, f.clock, f.config, [&](const std::string&) { return f.patient; }};
  out.start();
  out.on_bus_message(reading(150456, 97, true, kT), "bed-1");
  out.on_bus_message(raised(true), "bed-1");
  CHECK(f.queued(out, "emr").empty());
  f.clock.advance(61s);
  out.tick(f.clock.now());
  const auto test = f.queued(out, "test");
  REQUIRE(test.size() == 1);
  CHECK(segments(test[0])[0][11] == "T");
}

TEST_CASE("outbound: periodic cadence sends each period's median per metric, NIBP as it comes") {
  Fixture f;
  f.patient = "P1";
  Hl7Outbound out{f.io, f.clock, f.config, [&](const std::string&) { return f.patient; }};
  out.start();
  for (double v : {95.0, 99.0, 90.0, 97.0, 96.0}) out.on_bus_message(reading(150456, v, false, kT), "bed-1");
  out.on_bus_message(reading(149530, 70, false, kT), "bed-1");
  out.on_bus_message(reading(150021, 120, false, kT), "bed-1");
  auto test = f.queued(out, "test");
  REQUIRE(test.size() == 1);                                                // the NIBP at once
  CHECK(segments(test[0])[7][3] == "150021^MDC_PRESS_BLD_NONINV_SYS^MDC");  // after the NIBP channel row
  f.clock.advance(30s);
  out.tick(f.clock.now());
  CHECK(f.queued(out, "test").empty());  // the period is not over
  f.clock.advance(31s);
  out.tick(f.clock.now());
  test = f.queued(out, "test");
  REQUIRE(test.size() == 1);
  const auto s = segments(test[0]);
  REQUIRE(s.size() == 8);
  CHECK(s[6][5] == "96");  // the median of 90 95 96 97 99
  CHECK(s[7][3] == "149530^MDC_PULS_OXIM_PULS_RATE^MDC");
  f.clock.advance(61s);
  out.tick(f.clock.now());
  CHECK(f.queued(out, "test").empty());  // nothing new, nothing sent
}

TEST_CASE("outbound: an active alarm's state goes out again every alarm_keepalive_s until it ends") {
  Fixture f;
  f.config.mutable_hl7_destination(0)->set_alarm_keepalive_s(30);
  Hl7Outbound out{f.io, f.clock, f.config, [&](const std::string&) { return f.patient; }};
  out.on_bus_message(raised(false), "bed-1");
  CHECK(f.queued(out, "emr").size() == 1);
  f.clock.advance(29s);
  out.tick(f.clock.now());
  CHECK(f.queued(out, "emr").empty());
  f.clock.advance(1s);
  out.tick(f.clock.now());
  auto emr = f.queued(out, "emr");
  REQUIRE(emr.size() == 1);
  auto s = segments(emr[0]);
  CHECK(s[3][29] == "^A-1&VIGIL&0123456789ABCDEF&EUI-64");
  CHECK(s[6][5] == "continue");
  CHECK(s[7][5] == "active");
  auto cleared = raised(false);
  cleared.mutable_alarm()->set_transition(vigil::v1::CLEARED);
  cleared.mutable_alarm()->set_active(false);
  out.on_bus_message(cleared, "bed-1");
  emr = f.queued(out, "emr");
  REQUIRE(emr.size() == 1);
  CHECK(segments(emr[0])[6][5] == "end");
  f.clock.advance(60s);
  out.tick(f.clock.now());
  CHECK(f.queued(out, "emr").empty());
}

TEST_CASE("outbound: dead letters are listed with their type and re-sent only to a configured destination") {
  Fixture f;
  Hl7Outbound out{f.io, f.clock, f.config, [&](const std::string&) { return f.patient; }};
  out.on_bus_message(raised(false), "bed-1");
  out.sync();
  {
    auto box = Outbox::open(f.dir.file("outbox.db"), f.clock);
    REQUIRE(box);
    auto& b = *box.value();
    CHECK(b.dead_letter(b.head("emr")->id, 3, "AE unknown patient"));
    CHECK(b.enqueue(
        "gone", [](const std::string& id) { return "MSH|" + id; }, kT));
    CHECK(b.rejected(b.head("gone")->id, "AR no"));
  }
  const auto kept = out.kept("emr");
  REQUIRE(kept.size() == 1);
  const auto p = to_proto(kept[0]);
  CHECK(p.message_type() == "ORU^R40^ORU_R40");
  CHECK(p.control_id() == "V1");
  CHECK(p.state() == "dead");
  CHECK(p.reason() == "AE unknown patient");
  CHECK(out.kept("").size() == 2);
  CHECK(out.status()[0].kept == 1);

  const auto gone = out.resend(2);
  REQUIRE(!gone);
  CHECK(gone.failure().text().find("no longer configured") != std::string::npos);
  CHECK(!out.resend(77));
  const auto r = out.resend(1);
  REQUIRE(r);
  CHECK(r.value() == "HL7 message 1 (V1, dead) queued again for emr");
  CHECK(out.kept("emr").empty());
  const auto again = out.resend(1);
  REQUIRE(!again);
  CHECK(again.failure().text().find("still queued") != std::string::npos);
  const auto emr = f.queued(out, "emr");
  REQUIRE(emr.size() == 1);
  CHECK(segments(emr[0])[0][10] == "V1");
}

TEST_CASE("outbound: a reload keeps a periodic destination's window and the alarms held for keep-alive") {
  Fixture f;
  f.patient = "P1";
  f.config.mutable_hl7_destination(0)->set_alarm_keepalive_s(30);
  auto before =
      std::make_unique<Hl7Outbound>(f.io, f.clock, f.config, [&](const std::string&) { return f.patient; });
  before->start();
  for (double v : {95.0, 99.0, 90.0}) before->on_bus_message(reading(150456, v, false, kT), "bed-1");
  before->on_bus_message(raised(false), "bed-1");
  CHECK(f.queued(*before, "emr").size() == 4);  // three readings and the alarm, each as it came
  f.clock.advance(20s);
  // SIGHUP: the destination "emr" gets another address; nothing else changes.
  f.config.mutable_hl7_destination(0)->set_address("127.0.0.1:10");
  Hl7Outbound after{f.io, f.clock, f.config, [&](const std::string&) { return f.patient; },
                    std::move(before)};
  after.start();
  for (double v : {97.0, 96.0}) after.on_bus_message(reading(150456, v, false, kT), "bed-1");
  CHECK(f.queued(after, "emr").size() == 2);
  f.clock.advance(10s);  // 30 s since the alarm went out: its keep-alive is due
  after.tick(f.clock.now());
  auto emr = f.queued(after, "emr");
  REQUIRE(emr.size() == 1);
  CHECK(segments(emr[0])[6][5] == "continue");
  f.clock.advance(31s);  // the period that began before the reload ends
  after.tick(f.clock.now());
  const auto test = f.queued(after, "test");
  REQUIRE(test.size() == 1);
  CHECK(segments(test[0])[6][5] == "96");  // the median of 90 95 96 97 99: values from both sides of it
}

TEST_CASE("outbound: a reading queued before a reload and a new admission goes out as it was queued") {
  Fixture f;
  f.patient = "P1";
  f.config.mutable_hl7_destination(0)->set_receiving_application("MIRTH");
  auto before =
      std::make_unique<Hl7Outbound>(f.io, f.clock, f.config, [&](const std::string&) { return f.patient; });
  before->on_bus_message(reading(150456, 95, false, kT), "bed-1");
  before->sync();
  // The receiver was down: the reading is still queued when the bed gets
  // another patient and a reload gives the destination another MSH-5.
  f.patient = "P2";
  f.config.mutable_hl7_destination(0)->set_receiving_application("OIE");
  Hl7Outbound after{f.io, f.clock, f.config, [&](const std::string&) { return f.patient; },
                    std::move(before)};
  after.on_bus_message(reading(150456, 94, false, kT), "bed-1");
  const auto emr = f.queued(after, "emr");
  REQUIRE(emr.size() == 2);
  CHECK(segments(emr[0])[0][5] == "MIRTH");
  CHECK(segments(emr[0])[1][3] == "P1^^^^MR");
  CHECK(segments(emr[0])[6][5] == "95");
  CHECK(segments(emr[1])[0][5] == "OIE");
  CHECK(segments(emr[1])[1][3] == "P2^^^^MR");
}

TEST_CASE("outbound: messages done with are pruned hourly once older than hl7_retention_days; queued never") {
  Fixture f;
  f.config.set_hl7_retention_days(2);
  Hl7Outbound out{f.io, f.clock, f.config, [&](const std::string&) { return f.patient; }};
  out.on_bus_message(raised(false), "bed-1");  // V1, delivered below
  CHECK(f.queued(out, "emr").size() == 1);
  const auto delivered_at = f.clock.now();
  f.clock.advance(1s);
  out.on_bus_message(raised(false), "bed-1");  // V2, never delivered
  out.tick(f.clock.now());                     // the first tick prunes (nothing old yet)
  out.sync();
  auto box = Outbox::open(f.dir.file("outbox.db"), f.clock);
  REQUIRE(box);
  f.clock.set(delivered_at + days{2} - 1s);
  out.tick(f.clock.now());  // within the hour: no prune yet
  out.sync();
  CHECK(box.value()->find(1));
  f.clock.set(delivered_at + days{2} + 1h);
  out.tick(f.clock.now());
  out.sync();
  CHECK(!box.value()->find(1));
  CHECK(box.value()->find(2)->state == "queued");
  f.clock.advance(days{365});
  out.tick(f.clock.now());
  out.sync();
  CHECK(box.value()->head("emr")->control_id == "V2");
}
