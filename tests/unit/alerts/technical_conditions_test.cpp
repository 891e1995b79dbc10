// TechnicalConditions on its own: the reports it gives the alarm engine for
// device status, links and the cuff's schedule, on a fake clock.
#include "alerts/technical_conditions.hpp"

#include <doctest/doctest.h>

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using core::DeviceCondition;

namespace {
core::DeviceConditions with(std::initializer_list<DeviceCondition> list) {
  core::DeviceConditions c;
  for (auto d : list) c.set(d);
  return c;
}
}  // namespace

TEST_CASE("a device condition is reported while present and once when it ends") {
  TechnicalConditions t;
  auto r = t.device_conditions("oxi", with({DeviceCondition::sensor_off}));
  REQUIRE(r.size() == 1);
  CHECK(r[0].condition == "sensor_off:oxi");
  CHECK(r[0].present);
  CHECK(r[0].kind == AlarmKind::technical);
  CHECK(r[0].priority == Priority::medium);
  CHECK(r[0].delay == 10s);
  CHECK(r[0].message == "oxi: sensor off the patient");
  CHECK(t.device_conditions("oxi", with({DeviceCondition::sensor_off})).size() == 1);
  r = t.device_conditions("oxi", {});
  REQUIRE(r.size() == 1);
  CHECK_FALSE(r[0].present);
  CHECK(t.device_conditions("oxi", {}).empty());
  CHECK(t.reported().at("oxi").bits == 0);
}

TEST_CASE("a device lost is medium; coming back ends the conditions it had reported") {
  TechnicalConditions t;
  (void)t.device_conditions("oxi", with({DeviceCondition::searching}));
  auto r = t.link("oxi", "masimo", true, "silent for 10 s");
  REQUIRE(r.size() == 1);
  CHECK(r[0].condition == "device_lost:oxi");
  CHECK(r[0].present);
  CHECK(r[0].priority == Priority::medium);
  CHECK(r[0].message == "oxi (masimo): silent for 10 s");
  CHECK(r[0].rule == AlarmRule::technical);
  r = t.link("oxi", "masimo", false, "");
  REQUIRE(r.size() == 2);
  CHECK_FALSE(r[0].present);
  CHECK(r[0].message == "oxi (masimo): receiving again");
  CHECK(r[1].condition == "searching:oxi");
  CHECK_FALSE(r[1].present);
}

TEST_CASE("restored device conditions are seen to end, so their restored alarms can clear") {
  TechnicalConditions t;
  t.restore({{"oxi", with({DeviceCondition::no_sensor})}});
  const auto r = t.device_conditions("oxi", {});
  REQUIRE(r.size() == 1);
  CHECK(r[0].condition == "no_sensor:oxi");
  CHECK_FALSE(r[0].present);
}

TEST_CASE("no cuff reading for a cycle of an infusion is low, for two cycles medium") {
  core::ManualClock clock;
  const CuffWatch watch{clock.now(), std::nullopt, 5min, 60s};
  CHECK_FALSE(TechnicalConditions::nibp_overdue(watch, false, clock.now())->present);
  clock.advance(6min + 1s);
  auto r = TechnicalConditions::nibp_overdue(watch, false, clock.now());
  CHECK(r->present);
  CHECK(r->priority == Priority::low);
  CHECK(r->value == 361);
  CHECK(r->limit == 360);
  CHECK(r->message == "no blood pressure reading for 6 min during the infusion (cuff cycle 5 min)");
  clock.advance(5min);
  r = TechnicalConditions::nibp_overdue(watch, true, clock.now());
  CHECK(r->present);
  CHECK(r->priority == Priority::medium);
  // A cuff reading restarts the count.
  const CuffWatch measured{watch.infusion_started, clock.now() - 1min, 5min, 60s};
  CHECK_FALSE(TechnicalConditions::nibp_overdue(measured, true, clock.now())->present);
}

TEST_CASE("without an infusion nibp_overdue only clears an alarm that still has a signal") {
  const core::TimePoint now{};
  CHECK_FALSE(TechnicalConditions::nibp_overdue(std::nullopt, false, now));
  const auto r = TechnicalConditions::nibp_overdue(std::nullopt, true, now);
  REQUIRE(r);
  CHECK_FALSE(r->present);
}

TEST_CASE("garbled streams are low and an unavailable journal is medium") {
  const auto g = TechnicalConditions::garbled("mon", true, "40 bad frames in 60 s");
  CHECK(g.condition == "garbled_stream:mon");
  CHECK(g.priority == Priority::low);
  CHECK(g.message == "mon: 40 bad frames in 60 s");
  const auto j = TechnicalConditions::journal(false, "disk full");
  CHECK(j.present);
  CHECK(j.priority == Priority::medium);
  CHECK(j.message ==
        "journal unavailable: disk full; alarms are still published but would not survive a restart");
  CHECK_FALSE(TechnicalConditions::journal(true, "").present);
}
