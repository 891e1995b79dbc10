// BedContext on its own: admission, infusion and the baseline taken from the
// readings of the last window, on a fake clock.
#include "alerts/bed_context.hpp"

#include <doctest/doctest.h>

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using core::Metric;

namespace {

struct Context {
  core::ManualClock clock;
  BedContext context{"bed-1", ketamine_iv_adult_profile(), 10min};
  std::vector<ContextChange> out;
  const Actor nurse{"nurse", "station-2"};

  void reading(Metric m, std::optional<double> value, core::Quality q = {}) {
    context.on_reading(core::Reading{m, value, q, std::nullopt}, clock.now());
  }
  // A minute and a half of SpO2 and pulse once a second, then one cuff reading.
  void stable_minutes() {
    for (int i = 0; i < 90; ++i) {
      reading(Metric::spo2, 97);
      reading(Metric::pulse_rate, 72);
      clock.advance(1s);
    }
    reading(Metric::nibp_systolic, 120);
  }
};

}  // namespace

TEST_CASE("an infusion takes the median of the last window's usable readings as its baseline") {
  Context c;
  REQUIRE(c.context.admit("p-1", ketamine_iv_adult_profile(), {}, {}, c.nurse, c.out));
  c.stable_minutes();
  c.reading(Metric::spo2, 60, [] {
    core::Quality q;
    q.set(core::QualityFlag::artifact);
    return q;
  }());
  c.reading(Metric::pulse_rate, std::nullopt);
  REQUIRE(c.context.start_infusion("ketamine", "", {}, c.nurse, c.clock.now(), c.out));
  CHECK(c.context.baseline() ==
        std::map<Metric, double>{{Metric::nibp_systolic, 120}, {Metric::pulse_rate, 72}, {Metric::spo2, 97}});
  CHECK(c.context.baseline_source() == "measured");
  REQUIRE(c.out.size() == 3);
  CHECK(c.out[1].what == "infusion_started");
  CHECK(c.out[2].what == "baseline");
  CHECK(c.out[2].new_value == "Pulse 72, NIBP sys 120, SpO₂ 97");
}

TEST_CASE("readings older than the baseline window do not count toward it") {
  Context c;
  c.stable_minutes();
  c.clock.advance(11min);
  REQUIRE(c.context.start_infusion("", "", {}, c.nurse, c.clock.now(), c.out));
  CHECK(c.context.baseline().empty());
  CHECK(c.context.baseline_source() == "unavailable");
  CHECK(c.context.infusion()->drug == "infusion");
}

TEST_CASE("the cuff is watched only while an infusion runs, from its last reading") {
  Context c;
  CHECK_FALSE(c.context.cuff_watch());
  REQUIRE(c.context.start_infusion("ketamine", "", {}, c.nurse, c.clock.now(), c.out));
  const auto started = c.clock.now();
  REQUIRE(c.context.cuff_watch());
  CHECK_FALSE(c.context.cuff_watch()->last_cuff);
  c.clock.advance(2min);
  c.reading(Metric::nibp_systolic, 130);
  CHECK(c.context.cuff_watch()->infusion_started == started);
  CHECK(c.context.cuff_watch()->last_cuff == c.clock.now());
  c.clock.advance(3min);
  REQUIRE(c.context.stop_infusion(c.nurse, c.clock.now(), c.out));
  CHECK(c.out.back().message ==
        "ketamine stopped on bed-1 by nurse at station-2 after 5 min; the baseline "
        "stays in force until discharge");
  CHECK_FALSE(c.context.cuff_watch());
}

TEST_CASE("an occupied bed refuses another patient; discharge frees it and forgets the baseline") {
  Context c;
  REQUIRE(c.context.admit("p-1", ketamine_iv_adult_profile(), {}, {{Metric::spo2, 95}}, c.nurse, c.out));
  CHECK(c.context.baseline_source() == "entered");
  CHECK_FALSE(c.context.reconfigure(ketamine_iv_adult_profile()));
  const auto refused = c.context.admit("p-2", ketamine_iv_adult_profile(), {}, {}, c.nurse, c.out);
  REQUIRE_FALSE(refused);
  CHECK(refused.failure().field == "bed");
  REQUIRE(c.context.discharge(c.nurse, c.out));
  CHECK(c.context.patient_id().empty());
  CHECK(c.context.baseline().empty());
  CHECK_FALSE(c.context.discharge(c.nurse, c.out));
  CHECK(c.context.reconfigure(ketamine_iv_adult_profile()));
}

TEST_CASE("what is saved is restored, with the recent readings for a later baseline") {
  Context c;
  REQUIRE(c.context.admit("p-1", ketamine_iv_adult_profile(), {}, {}, c.nurse, c.out));
  REQUIRE(c.context.start_infusion("ketamine", "0.5 mg/kg/h", {{Metric::spo2, 96}}, c.nurse, c.clock.now(),
                                   c.out));
  const SavedContext saved = c.context.save();
  BedContext restored{"bed-1", ketamine_iv_adult_profile(), 10min};
  c.clock.advance(7min);
  restored.restore(saved, ketamine_iv_adult_profile(), {}, std::nullopt, c.clock.now());
  CHECK(restored.patient_id() == "p-1");
  CHECK(restored.infusion()->regimen == "0.5 mg/kg/h");
  CHECK(restored.restored_text(c.clock.now()) ==
        "patient p-1, profile " + ketamine_iv_adult_profile().name +
            ", ketamine infusion running for 7 min, baseline (entered) SpO₂ 96");
}
