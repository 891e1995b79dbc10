// Ventricular fibrillation judged from the simulated ECG by vigild's own
// detectors (alerts::QrsDetector with its VfDetector), into the bed's alarms
// (alerts::BedAlarms) on a fake clock, a second of ECG at a time as vigild's
// ECG beat source and tick deliver it: VF raises the high
// ventricular_fibrillation within 10 s although the same ECG is judged
// artefact; motion artefact on sinus rhythm and a clean sinus tachycardia at
// 170/min raise none; only organised rhythm ends it.
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/unit/sim/ecg_alarm_run.hpp"

using namespace vigil;
using namespace vigil::sim_test;
using namespace std::chrono_literals;

namespace {

EcgAlarmRun run_vf(sim::PatientModel& m, int seconds, double motion = 0) {
  return run_ecg_alarms(m, seconds, "ventricular_fibrillation", motion);
}

}  // namespace

TEST_CASE(
    "VF from 60 s raises high ventricular_fibrillation within 10 s, not before, though the ECG is judged "
    "artefact") {
  auto m = patient(78);
  m.set_rhythm(60s, sim::Rhythm::ventricular_fibrillation);
  const auto r = run_vf(m, 100);
  REQUIRE(r.raised_at);
  MESSAGE("VF alarm " << core::to_seconds(*r.raised_at - 60s) << " s after onset");
  CHECK(*r.raised_at > 60s + alerts::VfEpisode::kOnset);
  CHECK(*r.raised_at <= 70s);
  const auto e = std::find_if(r.events.begin(), r.events.end(),
                              [](const auto& x) { return x.condition == "ventricular_fibrillation"; });
  CHECK(e->priority == alerts::Priority::high);
  CHECK(e->kind == alerts::AlarmKind::physiological);
  CHECK(e->message.starts_with("VF/VT suspected — check patient"));
  CHECK(raised(r, "ventricular_fibrillation") == 1);
  CHECK_FALSE(r.cleared_at);       // VF goes on: the condition holds
  CHECK(r.artefact_seconds > 10);  // the QRS detector took it for artefact, and that held nothing back
}

TEST_CASE(
    "VF ended by a return to sinus rhythm ends the condition after 10 s of organised ECG; the alarm "
    "latches") {
  auto m = patient(78);
  m.set_rhythm(30s, sim::Rhythm::ventricular_fibrillation);
  m.set_rhythm(60s, sim::Rhythm::sinus);
  const auto r = run_vf(m, 110);
  REQUIRE(r.raised_at);
  REQUIRE(r.cleared_at);
  CHECK(*r.cleared_at >= 60s + alerts::VfEpisode::kClear);
  CHECK(*r.cleared_at <= 60s + alerts::VfEpisode::kClear + 6s);  // the 4 s window first leaves VF behind
  const auto cleared = std::find_if(r.events.begin(), r.events.end(), [](const auto& x) {
    return x.condition == "ventricular_fibrillation" && x.transition == alerts::Transition::cleared;
  });
  CHECK(cleared->latched);
}

TEST_CASE("bursts of electrode motion on sinus rhythm raise no VF alarm") {
  for (const unsigned seed : {3u, 7u}) {
    CAPTURE(seed);
    auto m = patient(78, seed);
    const auto r = run_vf(m, 150, 1.0);
    CHECK(r.artefact_seconds > 0);  // the motion is there and judged artefact
    CHECK(raised(r, "ventricular_fibrillation") == 0);
  }
}

TEST_CASE("a clean sinus tachycardia at 170/min raises no VF alarm") {
  auto m = patient(170);
  const auto r = run_vf(m, 120);
  CHECK(raised(r, "ventricular_fibrillation") == 0);
}
