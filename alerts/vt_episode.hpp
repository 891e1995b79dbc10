#pragma once
// The ventricular tachycardia condition of a bed: a run of consecutive
// ventricular beats at a ventricular tachycardia's rate, judged from the
// shapes vigil's own QRS detector gives each ECG beat (QrsShapeClassifier),
// turned into the high-priority physiological condition
// `ventricular_tachycardia`. Pure: beats and their times come in as
// arguments.
//
// Onset: kRunBeats beats in a row unlike the patient's normal template
// (`ventricular`: also wider; or `unlike_normal`: not wider in this lead,
// which many ventricular beats are not, docs/rhythm.md), each after the
// first matching the recent beats unlike normal (`Beat::repeat_match` >=
// kSameFocus), at a mean rate over the run of at least kRateBpm. Sources (docs/rhythm.md "Ventricular
// tachycardia"):
//  - VT is three or more consecutive ventricular beats above 100/min
//    (2017 AHA/ACC/HRS ventricular arrhythmia guideline; sustained: 30 s).
//    Bedside monitors raise their high "V-Tach" alarm on a longer run and
//    grade shorter ones ("run", "non-sustained VT") medium: Mindray's
//    default is 6 consecutive PVCs at >= 130/min (settable 3-99 beats,
//    100-200/min). vigil takes the guideline's rate and the monitors' run:
//    6 beats at >= 100/min, so a VT of 100-150/min, which no rate limit
//    raises high, is called; triplets and salvos are not.
//  - Repetition is what tells a ventricular focus from electrode jerks
//    (ecg_artefact.hpp: a focus fires the same complex, matching at 0.9 and
//    more; jerks each have a shape of their own), so a run of shapes that do
//    not repeat is not VT. Bigeminy and isolated PVCs never make a run.
//
// Once present, the episode is kept by beats at the VT rate that are
// `ventricular`, or as wide against the normal width from before the episode
// as a ventricular beat must be: the classifier learns the VT's complex as
// its new normal template after 12 unmatched beats and then calls it
// `normal` (and the returning sinus beats `unlike_normal`), so the width is
// what still tells VT from the sinus rhythm after it. Narrow `unlike_normal`
// beats do not keep an episode; a VT of them starts a new one after it ends.
// It ends when the beats have been other than that (narrow again,
// or slower than kRateBpm over the last kRunBeats) for kClear, counted from
// the first such beat; beats that stop altogether keep it (asystole or a
// lost lead after VT is no recovery: the pause alarm speaks). Latching, as
// `ventricular_fibrillation`.
#include <deque>
#include <optional>

#include "alerts/alarm.hpp"
#include "alerts/beat.hpp"
#include "core/time.hpp"

namespace vigil::alerts {

class VtEpisode {
 public:
  static constexpr int kRunBeats = 6;
  static constexpr double kRateBpm = 100;
  static constexpr double kSameFocus = 0.8;  // EcgArtefact::kSameFocus: a focus's beats repeat
  static constexpr core::Duration kClear = std::chrono::seconds{10};

  // Every ECG beat from vigil's own detector (beats without a shape are
  // ignored: pulse and device-reported beats cannot show a QRS).
  void on_beat(const Beat& beat);
  bool present() const { return episode_.has_value(); }
  // Whether any classified ECG beat came (no ECG, no VT to judge).
  bool judged() const { return judged_; }
  ConditionReport report() const;

 private:
  bool ventricular(const Beat& beat) const;
  bool wide_like_before(const Beat& beat) const;
  // Mean rate (/min) over the last `beats` beats.
  double run_rate(int beats) const;

  bool judged_ = false;
  double normal_width_ms_ = 0;                  // running width of normal beats outside an episode
  std::deque<core::TimePoint> recent_;          // times of the last kRunBeats beats
  int run_ = 0;                                 // consecutive ventricular beats up to the latest
  std::optional<core::TimePoint> episode_;      // onset of the episode going on
  std::optional<core::TimePoint> other_since_;  // first beat since that was not VT-like
  double rate_bpm_ = 0;                         // over the last beats, when last VT-like
};

}  // namespace vigil::alerts
