#pragma once
// The ventricular fibrillation condition of a bed: an episode of VF (or a
// coarse, fast ventricular tachycardia) judged from the streamed ECG
// waveform (VfDetector, vf_detector.hpp), turned into the high-priority
// physiological condition `ventricular_fibrillation`. Pure: the times of the
// waveform stretches come in as arguments.
//
// Deliberately apart from the ECG artefact judgement (EcgArtefact): to a QRS
// detector VF is beats too close together with shapes that never repeat,
// which is what it calls motion artefact. An artefact ECG neither holds back
// this condition nor clears it.
//
// Onset: the detector has judged the ECG VF-like for kOnset without a break
// (a break: kBreak of organised ECG, a flat trace, or no ECG for kBreak).
// Each judgement looks back over VfDetector::kWindowSeconds (4 s), so the
// ECG has looked like VF for about 8 s when the condition starts: long
// enough that a run of a few ventricular beats or a short burst of artefact
// does not raise it, short enough that the alarm comes within the 10 s ECG
// monitor standards ask of a tachycardia alarm (IEC 60601-2-27 / AAMI EC13
// "time to alarm"). The condition's onset is the start of the VF-like run.
// End: only kClear of organised ECG ends the episode (not VF-like, not
// flat); an ECG that stops, goes flat or keeps swinging keeps it. The alarm
// latches: staff see that VF happened even if it ended before they came.
#include <optional>

#include "alerts/alarm.hpp"
#include "core/time.hpp"

namespace vigil::alerts {

class VfEpisode {
 public:
  static constexpr core::Duration kOnset = std::chrono::seconds{5};
  static constexpr core::Duration kBreak = std::chrono::seconds{2};
  static constexpr core::Duration kClear = std::chrono::seconds{10};

  // A stretch of ECG the detector looked at, and how it looked at its end.
  void on_coverage(core::TimePoint first, core::TimePoint end, bool vf_like, bool flat);
  bool present() const { return episode_.has_value(); }
  // Whether any ECG stretch came (a bed without an ECG has no VF to judge).
  bool judged() const { return judged_; }
  ConditionReport report() const;

 private:
  bool judged_ = false;
  std::optional<core::TimePoint> run_start_;        // of the VF-like run going on
  std::optional<core::TimePoint> last_vf_end_;      // end of the latest VF-like stretch
  std::optional<core::TimePoint> organised_since_;  // of the organised ECG going on
  std::optional<core::TimePoint> episode_;          // onset of the episode going on
  core::TimePoint last_end_{};
};

}  // namespace vigil::alerts
