#include "core/metric.hpp"

#include <doctest/doctest.h>

#include "core/observation.hpp"

using namespace vigil::core;

TEST_CASE("MDC codes are partition 2 term codes from the Rosetta tables") {
  CHECK(code(Metric::spo2) == 2 * 65536 + 19384);
  CHECK(code(Metric::pulse_rate) == 2 * 65536 + 18458);
  CHECK(code(Metric::nibp_systolic) == 2 * 65536 + 18949);
  CHECK(code(Metric::perfusion_index) == 2 * 65536 + 19376);
  CHECK(code(Metric::heart_rate) == 2 * 65536 + 16770);
}

TEST_CASE("every metric can be found by code, name and MDC reference") {
  for (const auto& m : all_metrics()) {
    CHECK(metric_from_code(code(m.metric)) == m.metric);
    CHECK(metric_from_name(m.name) == m.metric);
    CHECK(metric_from_mdc_ref(m.mdc_ref) == m.metric);
    CHECK_FALSE(m.ucum_unit.empty());
  }
  CHECK_FALSE(metric_from_code(42).has_value());
  CHECK_FALSE(metric_from_name("spo").has_value());
}

TEST_CASE("artifact, sensor-off and invalid values are not usable; low perfusion alone is") {
  Quality q;
  CHECK(q.usable());
  q.set(QualityFlag::low_perfusion);
  CHECK(q.usable());
  for (auto f :
       {QualityFlag::artifact, QualityFlag::sensor_off, QualityFlag::invalid, QualityFlag::questionable}) {
    Quality bad;
    bad.set(f);
    CHECK_FALSE(bad.usable());
  }
}

TEST_CASE("a reading without a value is never usable, whatever its flags say") {
  Reading r{Metric::spo2, std::nullopt, {}, std::nullopt};
  CHECK(r.quality.usable());
  CHECK_FALSE(r.usable());
  r.value = 97;
  CHECK(r.usable());
  r.quality.set(QualityFlag::artifact);
  CHECK_FALSE(r.usable());
}

TEST_CASE("an episodic value's age counts from the device's measurement time") {
  Observation o;
  o.received = TimePoint{std::chrono::seconds{1000}};
  CHECK(o.measured() == o.received);
  o.reading.device_time = TimePoint{std::chrono::seconds{940}};
  CHECK(o.measured() == TimePoint{std::chrono::seconds{940}});
}
