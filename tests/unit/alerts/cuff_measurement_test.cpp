// A cuff measurement (systolic, diastolic, mean in one device read) is judged
// whole: a condition with rules on several of its values never clears on the
// new systolic held against the old diastolic only to rise again on the new
// diastolic in the same instant.
#include "alerts/cuff_measurement.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "tests/unit/alerts/ketamine_bed.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using core::Metric;

namespace {

core::Reading measured_reading(Metric m, double v, std::optional<core::TimePoint> measured = std::nullopt) {
  return core::Reading{m, v, {}, measured};
}

struct CuffBed : test::MeasurementBed {
  void cuff(double sys, double dia, double mean) {
    read({measured_reading(Metric::nibp_systolic, sys, clock.now()),
          measured_reading(Metric::nibp_diastolic, dia, clock.now()),
          measured_reading(Metric::nibp_mean, mean, clock.now())});
  }
};

}  // namespace

TEST_CASE("measurement_end: a cuff measurement's readings of one measured time, a streamed reading alone") {
  const core::TimePoint t{std::chrono::seconds{1000}};
  const std::vector<core::Reading> read{
      measured_reading(Metric::spo2, 97),
      measured_reading(Metric::nibp_systolic, 150, t),
      measured_reading(Metric::nibp_diastolic, 112, t),
      measured_reading(Metric::nibp_mean, 125, t),
      measured_reading(Metric::nibp_systolic, 140, t),  // the same metric again: the next measurement
      measured_reading(Metric::nibp_diastolic, 90, t + 30s),
      measured_reading(Metric::pulse_rate, 80),
      measured_reading(Metric::spo2, 96),
  };
  CHECK(measurement_end(read, 0) == 1);
  CHECK(measurement_end(read, 1) == 4);
  CHECK(measurement_end(read, 4) == 5);  // another measured time is another measurement
  CHECK(measurement_end(read, 5) == 6);
  CHECK(measurement_end(read, 6) == 7);
  CHECK(measurement_end(read, 7) == 8);
  // Without a device time, the readings of one read are one measurement.
  const std::vector<core::Reading> untimed{measured_reading(Metric::nibp_systolic, 150),
                                           measured_reading(Metric::nibp_diastolic, 112),
                                           measured_reading(Metric::spo2, 97)};
  CHECK(measurement_end(untimed, 0) == 2);
}

TEST_CASE(
    "Hypertension raised by 172/90 (systolic limit 170) goes on through 150/112, acknowledged, and clears on "
    "150/90") {
  CuffBed b;
  REQUIRE(b.bed
              .set_limit({"hypertension", Priority::medium, 170.0, std::nullopt, std::nullopt, "", "nurse",
                          "nibp_sys"},
                         b.nurse, b.clock.now(), b.out)
              .ok());
  b.cuff(172, 90, 117);
  REQUIRE(b.count("hypertension", Transition::raised) == 1);
  REQUIRE(b.hypertension());
  REQUIRE(b.bed.acknowledge(b.hypertension()->alarm_id, b.nurse, b.clock.now(), b.out).ok());
  const std::string id = b.hypertension()->alarm_id;

  b.clock.advance(5min);
  b.out.clear();
  b.cuff(150, 112, 125);
  CHECK(b.count("hypertension", Transition::cleared) == 0);
  CHECK(b.count("hypertension", Transition::raised) == 0);
  REQUIRE(b.hypertension());
  CHECK(b.hypertension()->alarm_id == id);
  CHECK(b.hypertension()->acknowledged);

  b.clock.advance(5min);
  b.out.clear();
  b.cuff(150, 90, 110);
  CHECK(b.count("hypertension", Transition::cleared) == 1);
  CHECK(b.count("hypertension", Transition::raised) == 0);
  CHECK_FALSE(b.hypertension());
}

TEST_CASE("With the shipped limits, 185/95 then 150/112 is one continuing hypertension alarm") {
  CuffBed b;
  b.cuff(185, 95, 125);
  REQUIRE(b.count("hypertension", Transition::raised) == 1);
  const std::string id = b.hypertension()->alarm_id;
  b.clock.advance(5min);
  b.out.clear();
  b.cuff(150, 112, 125);
  CHECK(b.count("hypertension", Transition::cleared) == 0);
  CHECK(b.count("hypertension", Transition::raised) == 0);
  REQUIRE(b.hypertension());
  CHECK(b.hypertension()->alarm_id == id);
}

TEST_CASE("A lone systolic is judged in the read it came in") {
  CuffBed b;
  b.read({measured_reading(Metric::nibp_systolic, 185, b.clock.now())});
  CHECK(b.count("hypertension", Transition::raised) == 1);
  b.clock.advance(5min);
  b.out.clear();
  b.read({measured_reading(Metric::nibp_systolic, 150, b.clock.now())});
  CHECK(b.count("hypertension", Transition::cleared) == 1);
}

TEST_CASE("A garbled diastolic (no value) leaves the measurement judged on what came") {
  CuffBed b;
  core::Reading garbled{Metric::nibp_diastolic, std::nullopt, {}, b.clock.now()};
  garbled.quality.set(core::QualityFlag::invalid);
  b.read({measured_reading(Metric::nibp_systolic, 185, b.clock.now()), garbled});
  CHECK(b.count("hypertension", Transition::raised) == 1);
}

TEST_CASE("Streamed readings in one read are judged one at a time: a dip inside the read is not missed") {
  CuffBed b;
  REQUIRE(b.bed
              .set_limit({"desaturation", Priority::medium, std::nullopt, 0s, std::nullopt, "", "nurse"},
                         b.nurse, b.clock.now(), b.out)
              .ok());
  b.out.clear();
  b.read({measured_reading(Metric::spo2, 85), measured_reading(Metric::spo2, 97)});
  CHECK(b.count("desaturation", Transition::raised) == 1);
  CHECK(b.count("desaturation", Transition::cleared) == 1);
}
