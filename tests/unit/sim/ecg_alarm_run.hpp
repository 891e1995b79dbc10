#pragma once
// The simulated ECG judged by vigild's own detectors (alerts::QrsDetector
// with its shape classifier and VfDetector) into a bed's alarms
// (alerts::BedAlarms) on a fake clock, a second of lead II at a time as
// vigild's ECG beat source and tick deliver it. Shared by the rhythm alarm
// tests of the simulator (VF, VT).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "alerts/alarm_profile.hpp"
#include "alerts/bed_alarms.hpp"
#include "alerts/qrs_detector.hpp"
#include "sim/physiology.hpp"

namespace vigil::sim_test {

using namespace std::chrono_literals;

inline constexpr double kFs = 250;
inline const core::TimePoint t0{std::chrono::hours{24 * 365 * 50}};

struct EcgAlarmRun {
  std::vector<alerts::AlarmEvent> events;
  std::optional<core::Duration> raised_at;   // of the condition watched, from the start
  std::optional<core::Duration> cleared_at;  // its condition ending
  int artefact_seconds = 0;                  // the QRS detector judged the ECG artefact
};

// `seconds` of lead II (plus `motion` times the patient's motion artefact),
// watching `condition`.
inline EcgAlarmRun run_ecg_alarms(sim::PatientModel& m, int seconds, const std::string& condition,
                                  double motion = 0) {
  m.advance(std::chrono::seconds{seconds + 1});
  alerts::QrsDetector detector{kFs};
  alerts::BedAlarms bed{"bed-1", alerts::ketamine_iv_adult_profile()};
  alerts::BedOutput out;
  std::vector<alerts::QrsDetection> found;
  EcgAlarmRun r;
  for (int s = 0; s < seconds; ++s) {
    std::vector<float> x;
    for (int k = 0; k < static_cast<int>(kFs); ++k) {
      const auto t = (s * static_cast<int>(kFs) + k) * 4ms;
      x.push_back(static_cast<float>(m.ecg_lead_ii(t) + motion * m.ecg_motion_artefact(t)));
    }
    found.clear();
    detector.add(x, found);
    for (const auto& q : found) bed.on_beat(alerts::ecg_beat(q, t0 + q.sample * 4ms));
    const auto now = t0 + std::chrono::seconds{s + 1};
    bed.on_ecg_coverage(now - 1s, now, detector.signal_quality(), detector.flat(), detector.artefact(),
                        detector.vf_like());
    r.artefact_seconds += detector.artefact() ? 1 : 0;
    out.clear();
    bed.tick(now, out);
    for (const auto& e : out.alarms) {
      r.events.push_back(e);
      if (e.condition != condition) continue;
      if (e.transition == alerts::Transition::raised && !r.raised_at) r.raised_at = now - t0;
      if (e.transition == alerts::Transition::cleared && !r.cleared_at) r.cleared_at = now - t0;
    }
  }
  return r;
}

inline std::size_t raised(const EcgAlarmRun& r, const std::string& condition) {
  return static_cast<std::size_t>(std::count_if(r.events.begin(), r.events.end(), [&](const auto& e) {
    return e.condition == condition && e.transition == alerts::Transition::raised;
  }));
}

inline sim::PatientModel patient(double heart_rate, unsigned seed = 3) {
  sim::Vitals v;
  v.heart_rate = heart_rate;
  return sim::PatientModel{v, seed, sim::ModelSettings{}};
}

}  // namespace vigil::sim_test
