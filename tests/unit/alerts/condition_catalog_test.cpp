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
  // Conditions nobody implemented yet are not claimed.
  CHECK_FALSE(find(v, "af_rvr"));
}

TEST_CASE("a disabled rule is not a condition the bed can raise") {
  auto profile = ketamine_iv_adult_profile();
  for (auto& r : profile.rules)
    if (r.condition == "bp_surge") r.enabled = false;
  CHECK_FALSE(find(known_conditions(profile), "bp_surge"));
}
