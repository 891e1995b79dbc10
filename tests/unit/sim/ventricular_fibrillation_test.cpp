// Ventricular fibrillation judged from the simulated ECG by vigild's own
// detectors (alerts::QrsDetector with its VfDetector), into the bed's alarms
// (alerts::BedAlarms) on a fake clock, a second of ECG at a time as vigild's
// ECG beat source and tick deliver it: VF raises the high
// ventricular_fibrillation within 10 s although the same ECG is judged
// artefact; motion artefact on sinus rhythm and a clean sinus tachycardia at
// 170/min raise none; only organised rhythm ends it.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "alerts/alarm_profile.hpp"
#include "alerts/bed_alarms.hpp"
#include "alerts/qrs_detector.hpp"
#include "sim/physiology.hpp"

using namespace vigil;
using namespace std::chrono_literals;

namespace {

constexpr double kFs = 250;
const core::TimePoint t0{std::chrono::hours{24 * 365 * 50}};

struct Run {
  std::vector<alerts::AlarmEvent> events;
  std::optional<core::Duration> raised_at;   // of ventricular_fibrillation, from the start
  std::optional<core::Duration> cleared_at;  // its condition ending
  int artefact_seconds = 0;                  // the QRS detector judged the ECG artefact
};

// `seconds` of lead II (plus `motion` times the patient's motion artefact).
Run run(sim::PatientModel& m, int seconds, double motion = 0) {
  m.advance(std::chrono::seconds{seconds + 1});
  alerts::QrsDetector detector{kFs};
  alerts::BedAlarms bed{"bed-1", alerts::ketamine_iv_adult_profile()};
  alerts::BedOutput out;
  std::vector<alerts::QrsDetection> found;
  Run r;
  for (int s = 0; s < seconds; ++s) {
    std::vector<float> x;
    for (int k = 0; k < static_cast<int>(kFs); ++k) {
      const auto t = (s * static_cast<int>(kFs) + k) * 4ms;
      x.push_back(static_cast<float>(m.ecg_lead_ii(t) + motion * m.ecg_motion_artefact(t)));
    }
    found.clear();
    detector.add(x, found);
    for (const auto& q : found)
      bed.on_beat({t0 + q.sample * 4ms, alerts::BeatSource::ecg, std::nullopt, q.quality, q.shape.shape});
    const auto now = t0 + std::chrono::seconds{s + 1};
    bed.on_ecg_coverage(now - 1s, now, detector.signal_quality(), detector.flat(), detector.artefact(),
                        detector.vf_like());
    r.artefact_seconds += detector.artefact() ? 1 : 0;
    out.clear();
    bed.tick(now, out);
    for (const auto& e : out.alarms) {
      r.events.push_back(e);
      if (e.condition != "ventricular_fibrillation") continue;
      if (e.transition == alerts::Transition::raised && !r.raised_at) r.raised_at = now - t0;
      if (e.transition == alerts::Transition::cleared && !r.cleared_at) r.cleared_at = now - t0;
    }
  }
  return r;
}

std::size_t raised(const Run& r, const std::string& condition) {
  return static_cast<std::size_t>(std::count_if(r.events.begin(), r.events.end(), [&](const auto& e) {
    return e.condition == condition && e.transition == alerts::Transition::raised;
  }));
}

sim::PatientModel patient(double heart_rate, unsigned seed = 3) {
  sim::Vitals v;
  v.heart_rate = heart_rate;
  return sim::PatientModel{v, seed, sim::ModelSettings{}};
}

}  // namespace

TEST_CASE(
    "VF from 60 s raises high ventricular_fibrillation within 10 s, not before, though the ECG is judged "
    "artefact") {
  auto m = patient(78);
  m.set_rhythm(60s, sim::Rhythm::ventricular_fibrillation);
  const auto r = run(m, 100);
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
  const auto r = run(m, 110);
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
    const auto r = run(m, 150, 1.0);
    CHECK(r.artefact_seconds > 0);  // the motion is there and judged artefact
    CHECK(raised(r, "ventricular_fibrillation") == 0);
  }
}

TEST_CASE("a clean sinus tachycardia at 170/min raises no VF alarm") {
  auto m = patient(170);
  const auto r = run(m, 120);
  CHECK(raised(r, "ventricular_fibrillation") == 0);
}
