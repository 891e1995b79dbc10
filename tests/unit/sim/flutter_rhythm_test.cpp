// The simulator's atrial flutter through vigil's rhythm analysis, as the
// flutter drills (`atrial-flutter`, `atrial-flutter-variable`) stream it:
// never AF; at 2:1 a tachycardia; with variable block the flutter waves read
// between the beats at the atrial rate (alerts/atrial_activity.hpp).
#include <doctest/doctest.h>

#include "tests/unit/sim/ecg_rhythm_run.hpp"

using namespace vigil;
using namespace std::chrono_literals;

namespace {

sim::ModelSettings steady() {
  sim::ModelSettings s;
  s.variability = 0;
  return s;
}

}  // namespace

TEST_CASE("simulated flutter at 310/min with 2:1 block: 155/min, tachycardia, not AF") {
  sim::PatientModel m{sim::Vitals{}, 3, steady()};
  m.set_flutter(5s, {310, sim::FlutterBlock::two_to_one});
  const alerts::RhythmState s = sim_test::analyse_lead_ii(m, 120);
  CHECK(s.available());
  CHECK(s.rhythm != alerts::Rhythm::irregular_af);
  REQUIRE(s.ventricular_rate_bpm);
  CHECK(*s.ventricular_rate_bpm == doctest::Approx(155).epsilon(0.03));
  CHECK(s.tachycardia);
}

TEST_CASE(
    "simulated flutter at 300/min with variable block: not AF, flutter waves every 0.2 s between beats") {
  sim::PatientModel m{sim::Vitals{}, 6, steady()};
  m.set_flutter(5s, {300, sim::FlutterBlock::variable});
  const alerts::RhythmState s = sim_test::analyse_lead_ii(m, 150);
  CHECK(s.available());
  CHECK(s.rhythm != alerts::Rhythm::irregular_af);
  REQUIRE(s.atrial);
  CHECK(s.atrial->cycle_s == doctest::Approx(0.2).epsilon(0.05));
  CHECK(s.atrial->regularity >= alerts::RhythmConfig{}.flutter_regularity);
}
