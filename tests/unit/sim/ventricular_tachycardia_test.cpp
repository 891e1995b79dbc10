// Ventricular tachycardia in the simulator (sim/heart_rhythm.hpp) and as
// vigild judges it: the simulated ECG through vigild's own QRS detector and
// shape classifier into the bed's alarms on a fake clock. A VT raises the
// high ventricular_tachycardia within seconds, at 180/min and at 130/min
// (where no rate limit raises a high alarm), holds while the VT lasts and
// ends 10 s after sinus rhythm returns; bigeminy, scattered PVCs, a sinus
// tachycardia, AF and electrode motion raise none.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "tests/unit/sim/ecg_alarm_run.hpp"

using namespace vigil;
using namespace vigil::sim_test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kVt = "ventricular_tachycardia";

EcgAlarmRun run(sim::PatientModel& m, int seconds, double motion = 0) {
  return run_ecg_alarms(m, seconds, kVt, motion);
}

// Sinus rhythm at 78/min, VT at `rate` from `onset`.
sim::PatientModel vt_patient(double rate, core::Duration onset, unsigned seed = 3) {
  auto m = patient(78, seed);
  m.set_rhythm(onset, sim::Rhythm::ventricular_tachycardia);
  m.ramp(sim::Param::heart_rate, rate, onset, 2s);
  return m;
}

}  // namespace

TEST_CASE("simulated VT at 180/min: every beat ventricular and regular; the oximeter counts a weak pulse") {
  auto m = vt_patient(180, 30s);
  m.advance(90s);
  const auto beats = m.beats().between(40s, 90s);
  REQUIRE(beats.size() > 100);
  std::vector<double> rr;
  for (const auto& b : beats) {
    CHECK(b.kind == sim::BeatKind::ectopic);
    CHECK(b.perfused);
    rr.push_back(core::to_seconds(b.rr));
  }
  double mean = 0;
  for (double x : rr) mean += x / static_cast<double>(rr.size());
  double var = 0;
  for (double x : rr) var += (x - mean) * (x - mean) / static_cast<double>(rr.size());
  CHECK(60 / mean == doctest::Approx(180).epsilon(0.02));
  CHECK(std::sqrt(var) / mean < 0.02);  // monomorphic VT is regular
  CHECK(m.shown(80s).pulse_rate == doctest::Approx(180).epsilon(0.03));
  // A short, wide-complex cycle fills the ventricle little: the pleth
  // swings far less than in sinus rhythm.
  double sinus_peak = 0, vt_peak = 0;
  for (core::Duration t = 10s; t < 20s; t += 10ms) sinus_peak = std::max(sinus_peak, m.pleth(t));
  for (core::Duration t = 70s; t < 80s; t += 10ms) vt_peak = std::max(vt_peak, m.pleth(t));
  CHECK(vt_peak < 0.4 * sinus_peak);
  CHECK(vt_peak > 0);
}

TEST_CASE(
    "VT at 180/min from 60 s raises the high ventricular_tachycardia within 5 s and holds while it lasts") {
  auto m = vt_patient(180, 60s);
  const auto r = run(m, 150);
  REQUIRE(r.raised_at);
  MESSAGE("VT alarm " << core::to_seconds(*r.raised_at - 60s) << " s after onset");
  CHECK(*r.raised_at > 60s);
  CHECK(*r.raised_at <= 65s);
  const auto e =
      std::find_if(r.events.begin(), r.events.end(), [](const auto& x) { return x.condition == kVt; });
  CHECK(e->priority == alerts::Priority::high);
  CHECK(e->kind == alerts::AlarmKind::physiological);
  CHECK(e->message.starts_with("VT — check patient"));
  CHECK(e->value == doctest::Approx(180).epsilon(0.05));
  CHECK(e->onset >= t0 + 60s);
  CHECK(raised(r, kVt) == 1);
  // 90 s of VT: the classifier relearns the VT complex as its template
  // after 12 beats, and the episode holds by the beats' width.
  CHECK_FALSE(r.cleared_at);
  CHECK(raised(r, "ventricular_fibrillation") == 0);  // separate wide complexes are not VF-like
}

TEST_CASE("VT at 130/min, below the high rate limit, raises the high ventricular_tachycardia") {
  auto m = vt_patient(130, 30s, 7);
  const auto r = run(m, 75);
  REQUIRE(r.raised_at);
  MESSAGE("VT alarm " << core::to_seconds(*r.raised_at - 30s) << " s after onset");
  CHECK(*r.raised_at <= 36s);
  CHECK_FALSE(r.cleared_at);
}

TEST_CASE("VT ended by sinus rhythm ends the condition 10 s later; the alarm stays latched") {
  auto m = vt_patient(170, 30s);
  m.set_rhythm(60s, sim::Rhythm::sinus);
  m.ramp(sim::Param::heart_rate, 80, 60s, 2s);
  const auto r = run(m, 90);
  REQUIRE(r.raised_at);
  REQUIRE(r.cleared_at);
  CHECK(*r.cleared_at >= 60s + alerts::VtEpisode::kClear);
  CHECK(*r.cleared_at <= 60s + alerts::VtEpisode::kClear + 4s);
  const auto cleared = std::find_if(r.events.begin(), r.events.end(), [](const auto& x) {
    return x.condition == kVt && x.transition == alerts::Transition::cleared;
  });
  CHECK(cleared->latched);
}

TEST_CASE("bigeminy, scattered PVCs, a sinus tachycardia at 170/min and AF at 140/min raise no VT alarm") {
  auto bigeminy = patient(78);
  bigeminy.set_ectopics(0s, 1, sim::Ectopy::bigeminy);
  CHECK(raised(run(bigeminy, 90), kVt) == 0);
  auto pvcs = patient(90, 5);
  pvcs.set_ectopics(0s, 20);
  CHECK(raised(run(pvcs, 90), kVt) == 0);
  auto sinus_tachycardia = patient(170);
  CHECK(raised(run(sinus_tachycardia, 60), kVt) == 0);
  auto af = patient(78);
  af.set_rhythm(5s, sim::Rhythm::atrial_fibrillation);
  af.ramp(sim::Param::heart_rate, 140, 5s, 10s);
  CHECK(raised(run(af, 90), kVt) == 0);
}

TEST_CASE("bursts of electrode motion on sinus rhythm raise no VT alarm: the jerks' shapes do not repeat") {
  for (const unsigned seed : {3u, 7u}) {
    CAPTURE(seed);
    auto m = patient(78, seed);
    const auto r = run(m, 150, 1.0);
    CHECK(r.artefact_seconds > 0);
    CHECK(raised(r, kVt) == 0);
  }
}
