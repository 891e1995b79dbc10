// Staff set the baseline again, before or while the infusion runs: entered,
// or measured anew from the last window. The rules judge by the new one from
// the next reading on, never what came before; a measurement that would lose
// a value in force is refused and nothing changes.
#include <doctest/doctest.h>

#include "alerts/bed_alarms.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using core::Metric;

namespace {

struct Admitted {
  core::ManualClock clock;
  BedAlarms bed{"bed-1", ketamine_iv_adult_profile()};
  BedOutput out;
  Actor nurse{"nurse Ana", "station-1"};

  Admitted() { REQUIRE(bed.admit("PAT-5", ketamine_iv_adult_profile(), {}, {}, nurse, clock.now(), out)); }

  void cuff(double sys, double dia) {
    for (auto [m, v] : {std::pair{Metric::nibp_systolic, sys}, {Metric::nibp_diastolic, dia}})
      bed.on_reading("monitor", core::Reading{m, v, {}, {}}, clock.now(), out);
  }
  // Ten minutes of SpO₂ 97 and pulse 72 each second, a cuff reading at their start.
  void calm(double sys, double dia) {
    cuff(sys, dia);
    for (int i = 0; i < 600; ++i) {
      bed.on_reading("monitor", core::Reading{Metric::spo2, 97.0, {}, {}}, clock.now(), out);
      bed.on_reading("monitor", core::Reading{Metric::pulse_rate, 72.0, {}, {}}, clock.now(), out);
      bed.tick(clock.now(), out);
      clock.advance(1s);
    }
  }
  // The physiological alarms' transitions (a cuff overdue is beside the point here).
  std::vector<std::string> raised() const {
    std::vector<std::string> v;
    for (const auto& a : out.alarms)
      if (a.kind == AlarmKind::physiological)
        v.push_back(std::string{to_string(a.transition)} + " " + a.condition);
    return v;
  }
};

}  // namespace

TEST_CASE("a baseline entered while the infusion runs judges the next cuff reading, not the one before") {
  Admitted b;
  b.calm(128, 78);
  REQUIRE(b.bed.start_infusion("ketamine", "", {}, b.nurse, b.clock.now(), b.out));
  b.clock.advance(5min);
  b.cuff(165, 90);  // +29 % over the measured 128: no surge
  CHECK(b.raised().empty());
  const auto r = b.bed.set_baseline({{Metric::nibp_systolic, 120}, {Metric::nibp_diastolic, 75}},
                                    Actor{"nurse Ben", "station-2"}, b.clock.now(), b.out);
  REQUIRE(r);
  CHECK(r.value() ==
        "baseline on bed-1 measured and entered by nurse Ben at station-2: Pulse 72, NIBP sys 120, NIBP dia "
        "75, "
        "SpO₂ 97; replaces (measured) Pulse 72, NIBP sys 128, NIBP dia 78, SpO₂ 97");
  CHECK(b.bed.baseline_source() == "measured and entered");
  const auto& c = b.out.context.back();
  CHECK(c.what == "baseline");
  CHECK(c.old_value == "Pulse 72, NIBP sys 128, NIBP dia 78, SpO₂ 97");
  CHECK(c.new_value == "Pulse 72, NIBP sys 120, NIBP dia 75, SpO₂ 97");
  CHECK(c.message.starts_with(
      "baseline (measured and entered, set by nurse Ben at station-2 while the infusion "
      "runs): "));
  // The 165 taken before is not judged again: a minute on, nothing.
  for (int i = 0; i < 60; ++i) {
    b.bed.tick(b.clock.now(), b.out);
    b.clock.advance(1s);
  }
  CHECK(b.raised().empty());
  b.cuff(165, 90);  // +37.5 % over the new 120, above the 160 floor
  CHECK(b.raised() == std::vector<std::string>{"raised bp_surge"});
  CHECK(b.out.alarms.back().baseline == 120);
}

TEST_CASE("the baseline measured again takes the median of the last window, and says what it replaced") {
  Admitted b;
  REQUIRE(b.bed.start_infusion("ketamine", "", {{Metric::nibp_systolic, 150}, {Metric::nibp_diastolic, 95}},
                               b.nurse, b.clock.now(), b.out));
  b.clock.advance(20min);
  b.calm(132, 80);
  const auto r = b.bed.set_baseline({}, b.nurse, b.clock.now(), b.out);
  REQUIRE(r);
  CHECK(b.bed.baseline() == std::map<Metric, double>{{Metric::pulse_rate, 72},
                                                     {Metric::nibp_systolic, 132},
                                                     {Metric::nibp_diastolic, 80},
                                                     {Metric::spo2, 97}});
  CHECK(b.bed.baseline_source() == "measured");
  CHECK(b.out.context.back().old_value == "NIBP sys 150, NIBP dia 95");
}

TEST_CASE("a measurement without a cuff reading in the window is refused; the entered pressure stays") {
  Admitted b;
  REQUIRE(b.bed.start_infusion("ketamine", "", {{Metric::nibp_systolic, 128}, {Metric::nibp_diastolic, 78}},
                               b.nurse, b.clock.now(), b.out));
  b.clock.advance(15min);
  b.bed.on_reading("monitor", core::Reading{Metric::spo2, 97.0, {}, {}}, b.clock.now(), b.out);
  const auto before = b.out.context.size();
  const auto r = b.bed.set_baseline({}, b.nurse, b.clock.now(), b.out);
  REQUIRE_FALSE(r);
  CHECK(r.failure().field == "measure");
  CHECK(
      r.failure().message ==
      "the last 10 min of readings on bed-1 give no NIBP; the baseline in force (NIBP sys 128, NIBP dia 78) "
      "stays: take a reading first, or enter the values");
  CHECK(b.bed.baseline().at(Metric::nibp_systolic) == 128);
  CHECK(b.out.context.size() == before);
}

TEST_CASE("a baseline set before the start goes over what is measured at the start; discharge drops it") {
  Admitted b;
  b.calm(150, 95);  // an anxious patient's pressure: staff enter the one they know
  REQUIRE(b.bed.set_baseline({{Metric::nibp_systolic, 124}, {Metric::nibp_diastolic, 76}}, b.nurse,
                             b.clock.now(), b.out));
  b.calm(150, 95);
  REQUIRE(b.bed.start_infusion("ketamine", "", {}, b.nurse, b.clock.now(), b.out));
  CHECK(b.bed.baseline() == std::map<Metric, double>{{Metric::pulse_rate, 72},
                                                     {Metric::nibp_systolic, 124},
                                                     {Metric::nibp_diastolic, 76},
                                                     {Metric::spo2, 97}});
  CHECK(b.bed.baseline_source() == "measured and entered");
  CHECK(
      b.out.context.back().message ==
      "baseline (measured and entered, median of the last 10 min): Pulse 72, NIBP sys 124, NIBP dia 76, SpO₂ "
      "97; the values set by nurse Ana at station-1 before the start go over the measured ones");
  REQUIRE(b.bed.discharge(b.nurse, b.clock.now(), b.out));
  CHECK(b.bed.baseline().empty());
  CHECK_FALSE(b.bed.state().context.baseline_set);
  const auto refused = b.bed.set_baseline({{Metric::spo2, 97}}, b.nurse, b.clock.now(), b.out);
  REQUIRE_FALSE(refused);
  CHECK(refused.failure().field == "bed");
}

TEST_CASE("a baseline set before the start survives a restart of vigild and is kept at the start") {
  Admitted b;
  REQUIRE(b.bed.set_baseline({{Metric::nibp_systolic, 124}, {Metric::nibp_diastolic, 76}}, b.nurse,
                             b.clock.now(), b.out));
  const auto saved = b.bed.state();
  REQUIRE(saved.context.baseline_set);
  CHECK(saved.context.baseline_set->by == "nurse Ana at station-1");
  BedAlarms restarted{"bed-1", ketamine_iv_adult_profile()};
  BedOutput out;
  restarted.restore(saved, ketamine_iv_adult_profile(), {}, std::nullopt, b.clock.now(), out);
  REQUIRE(restarted.start_infusion("ketamine", "", {}, b.nurse, b.clock.now(), out));
  CHECK(restarted.baseline() ==
        std::map<Metric, double>{{Metric::nibp_systolic, 124}, {Metric::nibp_diastolic, 76}});
  CHECK(restarted.baseline_source() == "entered");
}
