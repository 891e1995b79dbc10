// vigil-ctl export on a journal written by the journal itself: what a
// clinic's quality review gets for a bed or an infusion session.
#include "tools/ctl/export_journal.hpp"

#include <doctest/doctest.h>

#include <sstream>

#include "journal/bus_messages.hpp"
#include "journal/journal.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace vigil;
using namespace vigil::tools;
using namespace std::chrono_literals;
namespace v1 = vigil::v1;

namespace {

const core::TimePoint T0 = *parse_time("2026-11-23T08:00:00Z");

v1::BusMessage reading(std::uint64_t seq, double spo2, core::TimePoint t, bool artifact = false) {
  core::Observation o;
  o.bed = "bed-1";
  o.device = "ox";
  o.reading = core::Reading{core::Metric::spo2, spo2, {}, {}};
  if (artifact) o.reading.quality.set(core::QualityFlag::artifact);
  o.received = t;
  o.seq = seq;
  v1::BusMessage m;
  *m.mutable_observation() = wire::to_proto(o, false);
  return m;
}

v1::BusMessage context(std::uint64_t seq, const std::string& what, const std::string& message,
                       core::TimePoint t) {
  v1::BusMessage m;
  auto* c = m.mutable_context();
  c->set_bed("bed-1");
  c->set_what(what);
  c->set_actor("nurse Ana");
  c->set_station("station-1");
  c->set_patient_id("PAT-5");
  c->set_message(message);
  c->set_seq(seq);
  wire::set_time(c->mutable_time(), t);
  return m;
}

v1::BusMessage desaturation(std::uint64_t seq, v1::AlarmTransition tr, core::TimePoint t) {
  v1::BusMessage m;
  auto* a = m.mutable_alarm();
  a->set_bed("bed-1");
  a->set_alarm_id("bed-1:desaturation:1");
  a->set_condition("desaturation");
  a->set_transition(tr);
  a->set_priority(v1::HIGH);
  a->set_kind(v1::PHYSIOLOGICAL);
  a->set_metric("spo2");
  a->set_value(83);
  a->set_limit(85);
  a->set_active(tr == v1::RAISED);
  a->set_message("Severe desaturation: spo2 83 %, limit < 85");
  a->set_seq(seq);
  wire::set_time(a->mutable_time(), t);
  return m;
}

// A morning on bed-1: admission, an infusion from 08:10 to 08:50 with a
// desaturation at 08:20, readings every minute from 08:00 to 09:00.
struct Morning {
  test::TempDir dir;
  std::string path = dir.file("journal.db");
  Morning() {
    journal::JournalOptions o;
    o.path = path;
    o.flush_interval = 20ms;
    journal::Journal j{o, [](const journal::JournalWriterReport&) {}};
    REQUIRE(j.open("d", T0));
    std::uint64_t seq = 0;
    v1::journal::BedState state;
    auto write = [&](const v1::BusMessage& m, core::TimePoint t) {
      REQUIRE(j.write_bed("bed-1", {m}, state, t));
    };
    write(context(++seq, "admitted", "patient PAT-5 admitted", T0), T0);
    for (int minute = 0; minute < 60; ++minute) {
      const auto t = T0 + std::chrono::minutes{minute};
      if (minute == 10) write(context(++seq, "infusion_started", "ketamine, started by nurse Ana", t), t);
      if (minute == 20) write(desaturation(++seq, v1::RAISED, t + 1s), t);
      if (minute == 22) write(desaturation(++seq, v1::CLEARED, t + 1s), t);
      if (minute == 50) write(context(++seq, "infusion_stopped", "ketamine stopped", t), t);
      j.queue(reading(++seq, minute >= 20 && minute < 22 ? 83 : 97, t + 2s, minute == 30));
    }
    j.close(T0 + 2h);
  }
};

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in{text};
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

}  // namespace

TEST_CASE("Times are read as UTC with Z or an offset and as local time without, and refused otherwise") {
  CHECK(iso_time(*parse_time("2026-11-23T08:00:00Z")) == "2026-11-23T08:00:00.000Z");
  CHECK(iso_time(*parse_time("2026-11-23T09:30+01:00")) == "2026-11-23T08:30:00.000Z");
  CHECK(iso_time(*parse_time("2026-11-23T07:00:00-01:00")) == "2026-11-23T08:00:00.000Z");
  CHECK(parse_time("2026-11-23").ok());
  CHECK(parse_time("2026-11-23 08:05").ok());
  for (const char* bad : {"yesterday", "2026-13-01", "2026-11-23T8:00", "2026-11-23T08:00Zulu", ""})
    CHECK_MESSAGE(!parse_time(bad).ok(), bad);
}

TEST_CASE("A bed's hour as CSV: one row per reading, alarm transition and context event, in stream order") {
  Morning m;
  std::ostringstream out;
  ExportRequest r;
  r.journal = m.path;
  r.bed = "bed-1";
  r.from = T0 + 15min;
  r.to = T0 + 25min;
  auto n = export_journal(r, out);
  REQUIRE(n.ok());
  CHECK(n->readings == 10);
  CHECK(n->alarms == 2);
  CHECK(n->context == 0);
  const auto rows = lines(out.str());
  REQUIRE(rows.size() == 13);
  CHECK(rows[0].starts_with("time,bed,seq,kind,device,metric,value,unit,quality"));
  CHECK(rows[1].starts_with("2026-11-23T08:15:02.000Z,bed-1,"));
  CHECK(rows[1].find(",reading,ox,spo2,97,%,ok,") != std::string::npos);
  const auto raised =
      std::find_if(rows.begin(), rows.end(), [](auto& l) { return l.find(",RAISED,") != l.npos; });
  REQUIRE(raised != rows.end());
  CHECK(raised->find("2026-11-23T08:20:01.000Z,bed-1,") == 0);
  CHECK(raised->find(
            ",alarm,,spo2,83,,,,bed-1:desaturation:1,desaturation,RAISED,HIGH,PHYSIOLOGICAL,85,1,0,0,,") !=
        std::string::npos);
  CHECK(raised->find("\"Severe desaturation: spo2 83 %, limit < 85\"") !=
        std::string::npos);  // quoted: a comma
  // The desaturation's readings come between its transitions, as they were published.
  CHECK(rows[std::distance(rows.begin(), raised) + 1].find(",spo2,83,") != std::string::npos);
}

TEST_CASE(
    "An infusion session as JSON: its bed and time span, readings with their quality, alarms and context") {
  Morning m;
  auto sessions = journal_sessions(m.path, "bed-1");
  REQUIRE(sessions.ok());
  REQUIRE(sessions->size() == 2);
  const auto& infusion = (*sessions)[1];
  CHECK(infusion.kind == "infusion");
  CHECK(format_sessions(*sessions).find("2026-11-23T08:10:00.000Z - 2026-11-23T08:50:00.000Z") !=
        std::string::npos);
  std::ostringstream out;
  ExportRequest r;
  r.journal = m.path;
  r.session = infusion.id;
  r.format = ExportFormat::json;
  auto n = export_journal(r, out);
  REQUIRE(n.ok());
  CHECK(n->readings == 40);  // 08:10 to 08:50
  CHECK(n->alarms == 2);
  CHECK(n->context == 1);  // the start; the stop is at the session's (exclusive) end
  const std::string json = out.str();
  CHECK(json.find("\"bed\": \"bed-1\"") != std::string::npos);
  CHECK(json.find("\"session\": {\"id\": " + std::to_string(infusion.id) +
                  ", \"bed\": \"bed-1\", \"kind\": \"infusion\"") != std::string::npos);
  CHECK(json.find("\"artifact\":true") != std::string::npos);
  CHECK(json.find("\"transition\":\"RAISED\"") != std::string::npos);
  CHECK(json.find("\"what\":\"infusion_started\"") != std::string::npos);
  CHECK(json.rfind("}\n") == json.size() - 2);
}

TEST_CASE("Export refuses what it cannot do with a reason") {
  Morning m;
  std::ostringstream out;
  ExportRequest r;
  r.journal = m.path;
  CHECK(export_journal(r, out).error().find("say which bed") != std::string::npos);
  r.session = 999;
  CHECK(export_journal(r, out).error().find("no session 999") != std::string::npos);
  r.session.reset();
  r.bed = "bed-1";
  r.from = T0 + 1h;
  r.to = T0;
  CHECK(export_journal(r, out).error().find("ends before it starts") != std::string::npos);
  r.journal = m.dir.file("missing.db");
  CHECK(export_journal(r, out).error().find("journal " + r.journal) == 0);
}

TEST_CASE("vigil-ctl export --logins lists each station login event once, by the station's time") {
  test::TempDir dir;
  const auto path = dir.file("journal.db");
  {
    journal::JournalOptions o;
    o.path = path;
    journal::Journal j{o, [](const journal::JournalWriterReport&) {}};
    REQUIRE(j.open("d", T0));
    auto event = [&](v1::StationLogin::Kind kind, const std::string& who, const std::string& id,
                     core::TimePoint at, core::TimePoint journalled) {
      v1::CommandRequest r;
      r.set_actor(who.empty() ? "station-1" : who);
      r.set_station("station-1");
      auto* e = r.mutable_station_login();
      e->set_kind(kind);
      e->set_operator_name(who);
      e->set_station_id("station-1");
      e->set_address("10.0.3.7");
      e->set_detail(kind == v1::StationLogin::LOGIN_FAILED ? "wrong password, twice" : "");
      e->set_event_id(id);
      wire::set_time(e->mutable_at(), at);
      v1::CommandReply ok;
      ok.set_ok(true);
      REQUIRE(j.write_command(r, ok, journalled));
    };
    event(v1::StationLogin::LOGIN_FAILED, "Ana", "1-1", T0, T0 + 1s);
    event(v1::StationLogin::LOGIN, "Ana", "1-2", T0 + 5s, T0 + 6s);
    event(v1::StationLogin::LOGIN, "Ana", "1-2", T0 + 5s, T0 + 9s);  // sent again: its answer was lost
    event(v1::StationLogin::LOGOUT, "Ana", "1-3", T0 + 2h, T0 + 2h);
    j.close(T0 + 3h);
  }
  ExportRequest req;
  req.journal = path;
  req.to = T0 + 1h;
  std::ostringstream out;
  auto n = export_logins(req, out);
  REQUIRE(n.ok());
  CHECK(n.value() == 2);
  CHECK(lines(out.str()) ==
        std::vector<std::string>{
            "time,station,event,operator,address,detail,dropped_before,journalled",
            "2026-11-23T08:00:00.000Z,station-1,login_failed,Ana,10.0.3.7,\"wrong password, twice\",0,"
            "2026-11-23T08:00:01.000Z",
            "2026-11-23T08:00:05.000Z,station-1,login,Ana,10.0.3.7,,0,2026-11-23T08:00:06.000Z"});
  req.format = ExportFormat::json;
  req.to.reset();
  std::ostringstream json;
  REQUIRE(export_logins(req, json).value() == 3);
  CHECK(json.str().find("\"kind\":\"LOGOUT\"") != std::string::npos);
}
