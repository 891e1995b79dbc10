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
//
// A patient connected while already in VT (or whose lead is attached during
// one) gives the classifier the VT complex as its first template: every beat
// is then `normal` and no run above starts. So a second way in, which needs
// no narrow beat first: kRunBeats beats in a row that match the template
// (one repeating shape, not artefact) and are wide in absolute terms (QRS
// 120 ms or more: kWideComplexMs on the classifier's scale), at kRateBpm or
// more. A wide-complex tachycardia is treated as VT until shown
// otherwise (the P-wave stretch cannot show it: at these rates it holds the
// previous beat's T wave, which repeats as a P wave would). Shown otherwise
// means: the same wide template has been seen at a rate below kRateBpm (a
// bundle branch block's own conducted beats), and the way is closed until the
// normal beats are narrow again (docs/rhythm.md says what such a patient gets
// when first seen in sinus tachycardia). Such beats also keep an episode.
#include <optional>
#include <vector>

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
  // QRS 120 ms, the width of a ventricular or bundle-branch-block complex, as
  // the classifier measures widths (the span of the middle 80 % of the slope
  // energy, shorter than onset to offset): the simulator's narrow and wide
  // complexes drawn 120 ms long measure 52 and 80 (docs/rhythm.md).
  static constexpr double kWideComplexMs = 64;

  // Every ECG beat from vigil's own detector (beats without a shape are
  // ignored: pulse and device-reported beats cannot show a QRS).
  // `in_vf`: the VF detector holds the ECG to be fibrillating. The
  // classifier then relearns its template on the fibrillation's deflections,
  // which are wide and fast too; they are no wide-complex tachycardia, and
  // the VF alarm already says "VF/VT suspected", so they start no episode
  // by the wide template.
  void on_beat(const Beat& beat, bool in_vf = false);
  bool present() const { return episode_.has_value(); }
  // Whether any classified ECG beat came (no ECG, no VT to judge).
  bool judged() const { return judged_; }
  ConditionReport report() const;

 private:
  bool ventricular(const Beat& beat) const;
  bool wide_like_before(const Beat& beat) const;
  bool wide_complex(const Beat& beat) const { return *beat.qrs_width_ms >= kWideComplexMs; }
  // Mean rate (/min) over the last `beats` beats.
  double run_rate(int beats) const;

  bool judged_ = false;
  double normal_width_ms_ = 0;  // running width of normal beats outside an episode
  // A vector: every bed has one, most never see an ECG beat, and an empty
  // deque takes 576 bytes (docs/journal.md, "Memory at 128 beds, fourth round").
  std::vector<core::TimePoint> recent_;         // times of the last kRunBeats beats
  int run_ = 0;                                 // consecutive ventricular beats up to the latest
  int wide_run_ = 0;                            // consecutive normal beats, wide in absolute terms
  bool wide_conducted_ = false;                 // the wide template was seen below kRateBpm
  bool wide_tachycardia_ = false;               // the episode came by the wide template
  std::optional<core::TimePoint> episode_;      // onset of the episode going on
  std::optional<core::TimePoint> other_since_;  // first beat since that was not VT-like
  double rate_bpm_ = 0;                         // over the last beats, when last VT-like
};

}  // namespace vigil::alerts
