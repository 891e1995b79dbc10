// The simulator's atrial fibrillation through vigil's rhythm analysis, as the
// AF drills stream lead II: called AF (the positive twin of
// flutter_rhythm_test.cpp, whose flutter must never be). Irregular
// intervals, no P wave and fibrillatory waves between the beats
// (sim/ecg_wave.hpp) are what the analyzer's AF decision reads.
#include <doctest/doctest.h>

#include "tests/unit/sim/ecg_rhythm_run.hpp"

using namespace vigil;
using namespace std::chrono_literals;

TEST_CASE("simulated AF at 140/min, lead II through the rhythm analyzer: called AF, tachycardia") {
  for (const unsigned seed : {3u, 5u, 7u}) {
    CAPTURE(seed);
    sim::PatientModel m{sim::Vitals{}, seed, sim::ModelSettings{}};
    m.set_rhythm(5s, sim::Rhythm::atrial_fibrillation);
    m.ramp(sim::Param::heart_rate, 140, 5s, 10s);
    const alerts::RhythmState s = sim_test::analyse_lead_ii(m, 90);
    CHECK(s.available());
    CHECK(s.rhythm == alerts::Rhythm::irregular_af);
    REQUIRE(s.ventricular_rate_bpm);
    CHECK(*s.ventricular_rate_bpm == doctest::Approx(140).epsilon(0.1));
    CHECK(s.tachycardia);
  }
}
