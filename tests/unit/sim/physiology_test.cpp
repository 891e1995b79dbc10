#include <doctest/doctest.h>

#include "sim/physiology.hpp"

using namespace vigil::sim;
using namespace std::chrono_literals;

TEST_CASE("a ramp moves a vital sign linearly and holds the target afterwards") {
  Vitals base;
  base.systolic = 120;
  PatientModel m{base};
  m.ramp(Param::systolic, 220, 60s, 100s);
  CHECK(m.at(0s).systolic == 120);
  CHECK(m.at(60s).systolic == 120);
  CHECK(m.at(110s).systolic == doctest::Approx(170));
  CHECK(m.at(160s).systolic == 220);
  CHECK(m.at(600s).systolic == 220);
}

TEST_CASE("a later instruction starts from wherever the value is then") {
  PatientModel m{Vitals{}};
  m.ramp(Param::spo2, 80, 0s, 20s);   // 98 -> 80
  m.ramp(Param::spo2, 96, 10s, 10s);  // halfway (89) -> 96
  CHECK(m.at(10s).spo2 == doctest::Approx(89));
  CHECK(m.at(15s).spo2 == doctest::Approx(92.5));
  CHECK(m.at(30s).spo2 == 96);
}

TEST_CASE("measurements are rounded like a monitor's display and noise is reproducible from the seed") {
  PatientModel a{Vitals{}, 7}, b{Vitals{}, 7};
  for (int i = 0; i < 20; ++i) {
    auto va = a.measured(std::chrono::seconds{i}, 2.0), vb = b.measured(std::chrono::seconds{i}, 2.0);
    CHECK(va.spo2 == vb.spo2);
    CHECK(va.heart_rate == vb.heart_rate);
    CHECK(va.spo2 <= 100);
    CHECK(va.heart_rate == static_cast<int>(va.heart_rate));
  }
  PatientModel quiet{Vitals{}};
  CHECK(quiet.measured(5s, 0).heart_rate == 75);
}
