#include "journal/trend_query.hpp"

#include <doctest/doctest.h>

#include "core/metric.hpp"
#include "journal/journal.hpp"
#include "tests/unit/temp_dir.hpp"
#include "wire/timestamp.hpp"
#include "wire/trend_event_kinds.hpp"

using namespace std::chrono_literals;
using namespace vigil;
using namespace vigil::journal;
namespace v1 = vigil::v1;

namespace {

const core::TimePoint kTrendStart{std::chrono::seconds{1'800'000'000}};

v1::Observation reading(core::Metric m, double value, core::TimePoint received) {
  static std::uint64_t seq = 0;
  v1::Observation o;
  o.set_bed("bed-1");
  o.set_device("ox");
  o.set_mdc_code(core::code(m));
  o.set_metric(std::string{core::name(m)});
  o.set_value(value);
  o.set_seq(++seq);
  wire::set_time(o.mutable_received(), received);
  return o;
}

v1::BusMessage context(const std::string& bed, const std::string& what, const std::string& message,
                       core::TimePoint time, bool drill = false) {
  static std::uint64_t seq = 0;
  v1::BusMessage m;
  auto* c = m.mutable_context();
  c->set_bed(bed);
  c->set_what(what);
  c->set_message(message);
  c->set_actor("A. Diaz");
  c->set_station("station-1");
  c->set_patient_id("PAT-7");
  c->set_seq(++seq);
  c->set_drill(drill);
  wire::set_time(c->mutable_time(), time);
  return m;
}

// Two hours of bed-1 written by the journal's own writer: SpO₂ and pulse
// each second, 97 % and 80 /min; at 1 h a 40-second desaturation to 84 %;
// from 1h30 ten minutes with the probe off (readings flagged, then none);
// a cuff measurement every 15 minutes; bed-2 beside it. Its context: an
// infusion started at 0h05, a limit changed at 0h30, oxygen given at
// 1h00m10, the infusion paused at 1h00m20, resumed and stopped in the
// second hour; a note on bed-2.
struct TwoHours {
  test::TempDir dir;
  TwoHours() {
    JournalOptions o;
    o.path = dir.file("journal.db");
    // An hour per run of the journal, so that the writer's queue (which
    // sheds readings beyond its bound) never fills however slow the disk.
    for (int hour = 0; hour < 2; ++hour) {
      Journal j{o, [](const JournalWriterReport&) {}};
      REQUIRE(j.open("d1", kTrendStart + std::chrono::hours{hour}));
      write_hour(j, hour);
      write_context(j, hour);
      REQUIRE(j.readings_shed() == 0);
      j.close(kTrendStart + std::chrono::hours{hour + 1});
    }
  }
  static void write_hour(Journal& j, int hour) {
    for (int s = hour * 3600; s < (hour + 1) * 3600; ++s) {
      const auto t = kTrendStart + std::chrono::seconds{s};
      const bool probe_off = s >= 5400 && s < 6000;
      if (probe_off && s < 5410) {
        auto off = reading(core::Metric::spo2, 0, t);
        off.mutable_quality()->set_sensor_off(true);
        j.queue(off);
      } else if (!probe_off) {
        const bool desaturated = s >= 3600 && s < 3640;
        j.queue(reading(core::Metric::spo2, desaturated ? 84 + (s - 3600) % 3 : 97, t));
        j.queue(reading(core::Metric::pulse_rate, 80, t));
      }
      if (s % 900 == 0) {
        j.queue(reading(core::Metric::nibp_systolic, 120 + s / 900, t));
        j.queue(reading(core::Metric::nibp_diastolic, 70, t));
      }
      if (s % 60 == 0) {
        auto other = reading(core::Metric::spo2, 50, t);
        other.set_bed("bed-2");
        j.queue(other);
      }
      j.hand_over();
    }
  }
  static void write_context(Journal& j, int hour) {
    const auto at = [](auto d) { return kTrendStart + d; };
    const v1::journal::BedState state;
    if (hour == 0) {
      REQUIRE(
          j.write_bed("bed-1",
                      {context("bed-1", "infusion_started", "ketamine started on bed-1 by A. Diaz", at(5min)),
                       context("bed-1", "limit_changed", "desaturation limit set to 88", at(30min))},
                      state, at(30min)));
      return;
    }
    REQUIRE(j.write_bed(
        "bed-1",
        {context("bed-1", "intervention",
                 "Intervention on bed-1 by A. Diaz at station-1: oxygen: nasal cannula 2 L/min",
                 at(1h + 10s)),
         context("bed-1", "infusion_paused", "ketamine paused on bed-1 by A. Diaz: SpO2 84", at(1h + 20s)),
         context("bed-1", "infusion_resumed", "ketamine resumed on bed-1 by A. Diaz", at(70min)),
         context("bed-1", "infusion_stopped", "ketamine stopped on bed-1 by A. Diaz", at(110min))},
        state, at(110min)));
    REQUIRE(j.write_bed("bed-2", {context("bed-2", "note", "Note on bed-2 by A. Diaz: asleep", at(1h + 15s))},
                        state, at(110min)));
  }
  core::Result<v1::TrendPage> query(const v1::TrendQuery& q) {
    sqlite::Database db{dir.file("journal.db"), sqlite::Database::Mode::read_only};
    return trend(db, q);
  }
  v1::TrendPage page(const v1::TrendQuery& q) {
    auto p = query(q);
    REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error()));
    return p.value();
  }
};

// Written once for the whole file (every case only reads it): a quarter of
// a second of journal writing each time is CI time for nothing.
TwoHours& journalled() {
  static TwoHours bed;
  return bed;
}

v1::TrendQuery two_hours(std::uint32_t points) {
  v1::TrendQuery q;
  q.set_bed("bed-1");
  wire::set_time(q.mutable_from(), kTrendStart);
  wire::set_time(q.mutable_to(), kTrendStart + 2h);
  q.set_points(points);
  return q;
}

const v1::TrendSeries& series(const v1::TrendPage& p, const std::string& metric) {
  for (const auto& s : p.series())
    if (s.metric() == metric) return s;
  FAIL("no series " << metric);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE(
    "two hours of 1 Hz SpO2 come back as 60 two-minute buckets; the 40 s desaturation keeps its depth") {
  auto& bed = journalled();
  const auto p = bed.page(two_hours(60));
  CHECK(p.bucket_ms() == 120'000);
  const auto& spo2 = series(p, "spo2");
  CHECK(spo2.unit() == "%");
  CHECK_FALSE(spo2.episodic());
  // 60 buckets less the five the probe-off gap leaves empty (1h30 to 1h40).
  CHECK(spo2.buckets_size() == 55);
  const auto& dip = spo2.buckets(30);  // 1h00 to 1h02
  CHECK(wire::from_proto(dip.start()) == kTrendStart + 1h);
  CHECK(dip.min() == 84);
  CHECK(wire::from_proto(dip.min_time()) == kTrendStart + 1h);
  CHECK(dip.max() == 97);
  CHECK(dip.count() == 120);
  CHECK(spo2.buckets(29).min() == 97);
  CHECK(spo2.excluded() == 10);  // the readings flagged sensor off
}

TEST_CASE("no reading is carried over a gap: the buckets of the probe-off minutes are absent") {
  auto& bed = journalled();
  const auto p = bed.page(two_hours(60));
  const auto& pulse = series(p, "pulse");
  REQUIRE(pulse.buckets_size() == 55);
  CHECK(wire::from_proto(pulse.buckets(44).start()) == kTrendStart + 88min);
  CHECK(wire::from_proto(pulse.buckets(45).start()) == kTrendStart + 100min);
  CHECK(pulse.excluded() == 0);
}

TEST_CASE("every cuff measurement is kept as taken, whatever the number of points") {
  auto& bed = journalled();
  const auto p = bed.page(two_hours(4));
  const auto& sys = series(p, "nibp_sys");
  CHECK(sys.episodic());
  CHECK(sys.unit() == "mm[Hg]");
  CHECK(sys.buckets_size() == 0);
  REQUIRE(sys.samples_size() == 8);
  CHECK(sys.samples(0).value() == 120);
  CHECK(sys.samples(7).value() == 127);
  CHECK(wire::from_proto(sys.samples(7).time()) == kTrendStart + 105min);
  CHECK_FALSE(sys.samples_cut());
  CHECK(series(p, "nibp_dia").samples_size() == 8);
  CHECK(series(p, "spo2").buckets_size() <= 4);
}

TEST_CASE("only the asked metrics, only the asked bed; metrics without readings are left out") {
  auto& bed = journalled();
  auto q = two_hours(10);
  q.add_metric("spo2");
  auto p = bed.page(q);
  REQUIRE(p.series_size() == 1);
  CHECK(p.series(0).buckets(0).max() == 97);  // never bed-2's 50

  p = bed.page(two_hours(10));
  std::vector<std::string> metrics;
  for (const auto& s : p.series()) metrics.push_back(s.metric());
  CHECK(metrics == std::vector<std::string>{"pulse", "nibp_sys", "nibp_dia", "spo2"});
}

TEST_CASE("a query it cannot serve is refused with the field at fault") {
  auto& bed = journalled();
  auto q = two_hours(10);
  wire::set_time(q.mutable_to(), kTrendStart + 25h);
  auto r = bed.query(q);
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure().field == "to");

  q = two_hours(1001);
  r = bed.query(q);
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure().field == "points");

  q = two_hours(10);
  q.add_metric("sp02");
  r = bed.query(q);
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure().field == "metric[0]");
  CHECK(r.error().find("'sp02' is not a metric name") != std::string::npos);

  q = two_hours(10);
  q.clear_from();
  CHECK(bed.query(q).failure().field == "from");
  q = two_hours(10);
  q.clear_bed();
  CHECK(bed.query(q).failure().field == "bed");
  q = two_hours(10);
  *q.mutable_to() = q.from();
  CHECK(bed.query(q).failure().field == "to");
}

TEST_CASE(
    "the infusion's course and the oxygen given come with the trend, oldest first, in their own words") {
  auto& bed = journalled();
  const auto p = bed.page(two_hours(60));
  std::vector<std::string> what;
  for (const auto& e : p.events()) what.push_back(e.what());
  // Not the limit change (its alarms are marked already), not bed-2's note.
  CHECK(what == std::vector<std::string>{"infusion_started", "intervention", "infusion_paused",
                                         "infusion_resumed", "infusion_stopped"});
  REQUIRE(p.events_size() == 5);
  const auto& oxygen = p.events(1);
  CHECK(wire::from_proto(oxygen.time()) == kTrendStart + 1h + 10s);
  CHECK(oxygen.text() == "Intervention on bed-1 by A. Diaz at station-1: oxygen: nasal cannula 2 L/min");
  CHECK(oxygen.actor() == "A. Diaz");
  CHECK(oxygen.station() == "station-1");
  CHECK_FALSE(oxygen.drill());
  CHECK_FALSE(p.events_cut());
  // A patient's journal: nothing in it reads as a drill.
  CHECK(p.drill_readings() == 0);
  for (const auto& s : p.series()) {
    for (const auto& b : s.buckets()) CHECK_FALSE(b.drill());
    for (const auto& x : s.samples()) CHECK_FALSE(x.drill());
  }

  auto q = two_hours(60);  // the first hour only: the events after it stay out
  wire::set_time(q.mutable_to(), kTrendStart + 1h + 10s);
  CHECK(bed.page(q).events_size() == 1);
}

TEST_CASE("a drill's readings and entries are marked as a drill's, never a patient's") {
  test::TempDir dir;
  JournalOptions o;
  o.path = dir.file("drill.db");
  {
    Journal j{o, [](const JournalWriterReport&) {}};
    REQUIRE(j.open("drill", kTrendStart));
    for (int s = 0; s < 120; ++s) {
      auto spo2 = reading(core::Metric::spo2, s < 60 ? 97 : 82, kTrendStart + std::chrono::seconds{s});
      spo2.set_drill(s >= 60);  // a drill's second minute beside a patient's first
      j.queue(spo2);
    }
    auto cuff = reading(core::Metric::nibp_systolic, 224, kTrendStart + 90s);
    cuff.set_drill(true);
    j.queue(cuff);
    j.hand_over();
    REQUIRE(j.write_bed(
        "bed-1",
        {context("bed-1", "note", "Note on bed-1 by A. Diaz: drill started", kTrendStart + 61s, true)},
        v1::journal::BedState{}, kTrendStart + 61s));
    j.close(kTrendStart + 2min);
  }
  sqlite::Database db{o.path, sqlite::Database::Mode::read_only};
  v1::TrendQuery q;
  q.set_bed("bed-1");
  wire::set_time(q.mutable_from(), kTrendStart);
  wire::set_time(q.mutable_to(), kTrendStart + 2min);
  q.set_points(2);
  auto r = trend(db, q);
  REQUIRE(r.ok());
  const auto& p = r.value();
  CHECK(p.drill_readings() == 61);
  const auto& spo2 = series(p, "spo2");
  REQUIRE(spo2.buckets_size() == 2);
  CHECK_FALSE(spo2.buckets(0).drill());
  CHECK(spo2.buckets(1).drill());
  REQUIRE(series(p, "nibp_sys").samples_size() == 1);
  CHECK(series(p, "nibp_sys").samples(0).drill());
  REQUIRE(p.events_size() == 1);
  CHECK(p.events(0).drill());
}

TEST_CASE("at most 500 events a page: the newest are kept and the cut is said") {
  test::TempDir dir;
  JournalOptions o;
  o.path = dir.file("busy.db");
  {
    Journal j{o, [](const JournalWriterReport&) {}};
    REQUIRE(j.open("d1", kTrendStart));
    std::vector<v1::BusMessage> notes;
    for (int i = 0; i < 501; ++i)
      notes.push_back(
          context("bed-1", "note", "note " + std::to_string(i), kTrendStart + std::chrono::seconds{i}));
    REQUIRE(j.write_bed("bed-1", notes, v1::journal::BedState{}, kTrendStart + 10min));
    j.close(kTrendStart + 10min);
  }
  sqlite::Database db{o.path, sqlite::Database::Mode::read_only};
  v1::TrendQuery q;
  q.set_bed("bed-1");
  wire::set_time(q.mutable_from(), kTrendStart);
  wire::set_time(q.mutable_to(), kTrendStart + 1h);
  auto r = trend(db, q);
  REQUIRE(r.ok());
  REQUIRE(r.value().events_size() == static_cast<int>(kTrendEventsMax));
  CHECK(r.value().events_cut());
  CHECK(r.value().events(0).text() == "note 1");
  CHECK(r.value().events(499).text() == "note 500");
}

TEST_CASE("paging back an hour at a time: adjoining pages take each reading and event once, none twice") {
  auto& bed = journalled();
  std::uint32_t whole = 0, paged = 0;
  int events = 0;
  const auto whole_page = bed.page(two_hours(60));
  for (const auto& s : whole_page.series())
    if (s.metric() == "spo2")
      for (const auto& b : s.buckets()) whole += b.count();
  // The page's own range, then the one before it, as the station's Earlier asks.
  for (const auto from : {kTrendStart + 1h, kTrendStart}) {
    v1::TrendQuery q = two_hours(60);
    wire::set_time(q.mutable_from(), from);
    wire::set_time(q.mutable_to(), from + 1h);
    const auto p = bed.page(q);
    for (const auto& s : p.series())
      if (s.metric() == "spo2")
        for (const auto& b : s.buckets()) paged += b.count();
    events += p.events_size();
  }
  CHECK(whole == 6600);  // two hours of 1 Hz less the ten minutes of probe off
  CHECK(paged == whole);
  CHECK(events == 5);
}

TEST_CASE("a page far back in the journal, before its first reading, is empty, not refused") {
  auto& bed = journalled();
  v1::TrendQuery q = two_hours(60);
  wire::set_time(q.mutable_from(), kTrendStart - 240h);
  wire::set_time(q.mutable_to(), kTrendStart - 216h);
  const auto p = bed.page(q);
  CHECK(p.series_size() == 0);
  CHECK(p.events_size() == 0);
  CHECK(p.drill_readings() == 0);
}

TEST_CASE("every kind of the one list of trend events comes with the trend, and no kind that is not in it") {
  test::TempDir dir;
  JournalOptions o;
  o.path = dir.file("kinds.db");
  std::vector<std::string> listed;
  {
    Journal j{o, [](const JournalWriterReport&) {}};
    REQUIRE(j.open("d1", kTrendStart));
    std::vector<v1::BusMessage> events;
    auto at = kTrendStart;
    for (const auto& k : wire::kTrendEventKinds) {
      listed.emplace_back(k.what);
      events.push_back(context("bed-1", std::string{k.what}, std::string{k.label}, at += 1s));
    }
    for (const char* other : {"limit_changed", "baseline_set", "profile_changed"})
      events.push_back(context("bed-1", other, other, at += 1s));
    REQUIRE(j.write_bed("bed-1", events, v1::journal::BedState{}, at));
    j.close(at + 1s);
  }
  sqlite::Database db{o.path, sqlite::Database::Mode::read_only};
  v1::TrendQuery q;
  q.set_bed("bed-1");
  wire::set_time(q.mutable_from(), kTrendStart);
  wire::set_time(q.mutable_to(), kTrendStart + 1h);
  auto r = trend(db, q);
  REQUIRE(r.ok());
  std::vector<std::string> sent;
  for (const auto& e : r.value().events()) sent.push_back(e.what());
  CHECK(sent == listed);
}
