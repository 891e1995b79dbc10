// A patient connected while already in VT: the ECG starts in VT, so the shape
// classifier learns the VT complex as the patient's normal template and no
// beat is unlike normal. The VT alarm must still come, from the template
// itself being wide (QRS 120 ms or more), fast and regular
// (alerts/vt_episode.hpp); a narrow sinus rhythm or sinus tachycardia, or AF,
// present from the first beat raises none.
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/unit/sim/ecg_alarm_run.hpp"

using namespace vigil;
using namespace vigil::sim_test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kWideVt = "ventricular_tachycardia";

// VT at `rate` from the first beat on.
sim::PatientModel in_vt_from_start(double rate, unsigned seed) {
  auto m = patient(rate, seed);
  m.set_rhythm(0s, sim::Rhythm::ventricular_tachycardia);
  return m;
}

}  // namespace

TEST_CASE("ECG starting in VT at 150/min raises the high VT alarm within 10 s and holds it") {
  for (const unsigned seed : {3u, 7u}) {
    CAPTURE(seed);
    auto m = in_vt_from_start(150, seed);
    const auto r = run_ecg_alarms(m, 60, kWideVt);
    REQUIRE(r.raised_at);
    MESSAGE("VT alarm " << core::to_seconds(*r.raised_at) << " s after the ECG starts");
    CHECK(*r.raised_at <= 10s);
    const auto e =
        std::find_if(r.events.begin(), r.events.end(), [](const auto& x) { return x.condition == kWideVt; });
    CHECK(e->priority == alerts::Priority::high);
    CHECK(e->message.starts_with("VT — check patient: wide-complex tachycardia at"));
    CHECK(e->value == doctest::Approx(150).epsilon(0.05));
    CHECK(raised(r, kWideVt) == 1);
    CHECK_FALSE(r.cleared_at);  // a minute of VT: held by the beats' width
  }
}

TEST_CASE("ECG starting in VT at 110/min, below any high rate limit, raises the VT alarm within 12 s") {
  auto m = in_vt_from_start(110, 5);
  const auto r = run_ecg_alarms(m, 60, kWideVt);
  REQUIRE(r.raised_at);
  MESSAGE("VT alarm " << core::to_seconds(*r.raised_at) << " s after the ECG starts");
  CHECK(*r.raised_at <= 12s);
  CHECK_FALSE(r.cleared_at);
}

TEST_CASE("VT from the start that gives way to sinus rhythm ends 10-14 s later") {
  auto m = in_vt_from_start(160, 3);
  m.set_rhythm(40s, sim::Rhythm::sinus);
  m.ramp(sim::Param::heart_rate, 80, 40s, 2s);
  const auto r = run_ecg_alarms(m, 80, kWideVt);
  REQUIRE(r.raised_at);
  REQUIRE(r.cleared_at);
  CHECK(*r.cleared_at >= 40s + alerts::VtEpisode::kClear);
  CHECK(*r.cleared_at <= 40s + alerts::VtEpisode::kClear + 4s);
}

TEST_CASE("narrow rhythms present from the first beat raise no VT alarm: sinus 80, sinus 130, AF 140") {
  auto sinus = patient(80);
  CHECK(raised(run_ecg_alarms(sinus, 60, kWideVt), kWideVt) == 0);
  auto sinus_tachycardia = patient(130, 5);
  CHECK(raised(run_ecg_alarms(sinus_tachycardia, 60, kWideVt), kWideVt) == 0);
  auto af = patient(140, 7);
  af.set_rhythm(0s, sim::Rhythm::atrial_fibrillation);
  CHECK(raised(run_ecg_alarms(af, 60, kWideVt), kWideVt) == 0);
}
