#include <doctest/doctest.h>

#include <algorithm>

#include "alerts/bed_alarms.hpp"

using namespace vigil::alerts;

namespace {
const ConditionInfo* find(const std::vector<ConditionInfo>& v, const std::string& name) {
  auto it = std::find_if(v.begin(), v.end(), [&](const auto& c) { return c.condition == name; });
  return it == v.end() ? nullptr : &*it;
}
}  // namespace

TEST_CASE(
    "the condition list names every level a bed can raise, so a drill can tell missed from impossible") {
  const auto v = known_conditions(ketamine_iv_adult_profile());
  const auto* hyper = find(v, "hypertension");
  REQUIRE(hyper);
  CHECK(hyper->kind == AlarmKind::physiological);
  CHECK(hyper->priorities == std::vector{Priority::medium, Priority::high});
  REQUIRE(find(v, "desaturation"));
  REQUIRE(find(v, "nibp_overdue"));
  CHECK(find(v, "nibp_overdue")->kind == AlarmKind::technical);
  REQUIRE(find(v, "device_lost:<device>"));
  REQUIRE(find(v, "sensor_off:<device>"));
  CHECK(find(v, "sensor_off:<device>")->priorities == std::vector{Priority::medium});
  REQUIRE(find(v, "garbled_stream:<device>"));
  CHECK(find(v, "garbled_stream:<device>")->priorities == std::vector{Priority::low});
  CHECK(hyper->beats.empty());
  // Conditions nobody implemented are not claimed.
  CHECK_FALSE(find(v, "af_rvr"));
}

TEST_CASE("rhythm conditions say which beats rhythm analysis raises them from") {
  const auto v = known_conditions(ketamine_iv_adult_profile());
  const auto* af = find(v, "atrial_fibrillation");
  REQUIRE(af);
  CHECK(af->kind == AlarmKind::physiological);
  CHECK(af->priorities == std::vector{Priority::medium, Priority::high});
  CHECK(af->beats == std::vector{BeatSource::ecg, BeatSource::reported, BeatSource::pulse});
  const auto* pause = find(v, "pause");
  REQUIRE(pause);
  CHECK(pause->priorities == std::vector{Priority::high});
  CHECK(pause->beats == std::vector{BeatSource::ecg});  // a missing pulse may be the probe
  REQUIRE(find(v, "rhythm_unavailable"));
  CHECK(find(v, "rhythm_unavailable")->kind == AlarmKind::technical);
}

TEST_CASE("a profile with rhythm analysis off claims no rhythm condition") {
  auto profile = ketamine_iv_adult_profile();
  profile.rhythm.enabled = false;
  const auto v = known_conditions(profile);
  CHECK_FALSE(find(v, "atrial_fibrillation"));
  CHECK_FALSE(find(v, "pause"));
  CHECK_FALSE(find(v, "rhythm_unavailable"));
}

TEST_CASE("a disabled rule is not a condition the bed can raise") {
  auto profile = ketamine_iv_adult_profile();
  for (auto& r : profile.rules)
    if (r.condition == "bp_surge") r.enabled = false;
  CHECK_FALSE(find(known_conditions(profile), "bp_surge"));
}
