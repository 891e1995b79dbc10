#include "journal/trend_query.hpp"

#include <doctest/doctest.h>

#include "core/metric.hpp"
#include "journal/journal.hpp"
#include "tests/unit/temp_dir.hpp"
#include "wire/timestamp.hpp"

using namespace std::chrono_literals;
using namespace vigil;
using namespace vigil::journal;
namespace v1 = vigil::v1;

namespace {

const core::TimePoint T0{std::chrono::seconds{1'800'000'000}};

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

// Two hours of bed-1 written by the journal's own writer: SpO₂ and pulse
// each second, 97 % and 80 /min; at 1 h a 40-second desaturation to 84 %;
// from 1h30 ten minutes with the probe off (readings flagged, then none);
// a cuff measurement every 15 minutes; bed-2 beside it.
struct TwoHours {
  test::TempDir dir;
  TwoHours() {
    JournalOptions o;
    o.path = dir.file("journal.db");
    // An hour per run of the journal, so that the writer's queue (which
    // sheds readings beyond its bound) never fills however slow the disk.
    for (int hour = 0; hour < 2; ++hour) {
      Journal j{o, [](const JournalWriterReport&) {}};
      REQUIRE(j.open("d1", T0 + std::chrono::hours{hour}));
      write_hour(j, hour);
      REQUIRE(j.readings_shed() == 0);
      j.close(T0 + std::chrono::hours{hour + 1});
    }
  }
  static void write_hour(Journal& j, int hour) {
    for (int s = hour * 3600; s < (hour + 1) * 3600; ++s) {
      const auto t = T0 + std::chrono::seconds{s};
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
  wire::set_time(q.mutable_from(), T0);
  wire::set_time(q.mutable_to(), T0 + 2h);
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
  CHECK(wire::from_proto(dip.start()) == T0 + 1h);
  CHECK(dip.min() == 84);
  CHECK(wire::from_proto(dip.min_time()) == T0 + 1h);
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
  CHECK(wire::from_proto(pulse.buckets(44).start()) == T0 + 88min);
  CHECK(wire::from_proto(pulse.buckets(45).start()) == T0 + 100min);
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
  CHECK(wire::from_proto(sys.samples(7).time()) == T0 + 105min);
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
  wire::set_time(q.mutable_to(), T0 + 25h);
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
