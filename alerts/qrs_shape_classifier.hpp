#pragma once
// Classifies each detected QRS complex as the patient's normal (supraventricular)
// shape or as ventricular, from the ECG itself. Pure: samples and R-wave
// indices in, a shape out; no clock, no I/O.
//
// Why and how (docs/rhythm.md has the numbers):
//  - A premature ventricular beat and its compensatory pause make an RR
//    series irregular without any atrial fibrillation; monitors leave such
//    beats out of AF analysis by their shape. A ventricular beat starts in
//    the ventricle, away from the conduction system, so its QRS is wide
//    (>= 120 ms, against 70-100 ms for a conducted beat) and its shape differs
//    from the patient's usual beats. Both facts are used, relative to the
//    patient's own running template, not to absolute numbers alone (leads
//    and patients differ).
//  - Signal: 0.5 Hz high-pass (baseline wander) and 40 Hz low-pass (mains,
//    muscle), a segment of +-100 ms around the R wave.
//  - Similarity: the largest Pearson correlation with the template over
//    shifts of up to +-20 ms (the R-wave fiducial of a beat moves a little).
//  - Width: the time over which the middle 80 % of the segment's slope
//    energy falls (wide, slurred complexes spread their slope over longer).
//  - Template: the first beats are collected; the shape that repeats (at
//    least 3 of 9 correlate >= 0.9 with it) and is the narrowest such shape
//    becomes the template, so bigeminy from the first beat still gives the
//    narrow conducted beat as "normal". Beats matching it (>= 0.9) update it
//    slowly. When nothing has matched for 12 beats in a row the template is
//    learnt again (a lead change, a new conduction pattern).
//  - Atrial activity: in sinus rhythm a P wave sits at a fixed distance
//    before each conducted QRS (PR interval 120-200 ms), so the stretch from
//    250 to 90 ms before the R wave repeats beat after beat; in AF it holds
//    fibrillatory waves that do not. Each normal beat's stretch, read
//    through a further 15 Hz low-pass (P waves are slow; muscle noise hid
//    the small P waves of MIT-BIH 200), is correlated with the running
//    average of that stretch over the normal beats before it (no shift
//    allowed: a P wave is locked to its QRS). Beats that follow a normal
//    beat are used, and beats that follow an ectopic beat by enough for its
//    T wave to be over (the stretch starting >= 0.45 s after its R wave):
//    in ventricular bigeminy every conducted beat follows a PVC.
//  - Call: correlation >= 0.85: normal. Below that, ventricular when the
//    beat is also wider than the template by a quarter (and at least 20 ms);
//    otherwise unknown (noise, an artefact or an aberrant but narrow beat is
//    not called ventricular). Conducted beats match their template at 0.9
//    or more in all but noisy stretches; a ventricular beat that looks
//    narrow in this lead often still matches at 0.8-0.85 (MIT-BIH 106: a
//    quarter of its PVCs), and each one kept in the AF analysis makes a
//    short-long pair (0.8 -> 0.85: 106's false AF beats 249 -> 40;
//    docs/rhythm.md).
#include <cstdint>
#include <optional>
#include <vector>

#include "alerts/atrial_activity.hpp"
#include "alerts/beat.hpp"
#include "alerts/biquad_filter.hpp"

namespace vigil::alerts {

struct QrsShape {
  BeatShape shape = BeatShape::unknown;
  double correlation = 0;  // with the normal template; 0 while learning
  double width_ms = 0;     // slope-energy width of this complex
  // Normal beats: correlation of the stretch 300-70 ms before the R wave with
  // the running average of that stretch over normal beats (the P wave).
  std::optional<double> p_wave;
  // Normal beats: the atrial activity between the beats so far
  // (alerts/atrial_activity.hpp).
  std::optional<AtrialWaves> atrial;
  // Beats unlike normal: the best correlation with the last few such beats
  // (absent when there were none). A ventricular focus fires the same
  // complex each time, so its beats match one another as a normal beat
  // matches the template; electrode jerks taken for beats are each a
  // different shape (alerts/ecg_artefact.hpp).
  std::optional<double> unlike_match;
};

// Whether a complex of `width_ms` is as much wider than the normal width as
// a ventricular beat's is: by a quarter, and at least 20 ms.
bool wider_than_normal(double width_ms, double normal_width_ms);

class QrsShapeClassifier {
 public:
  explicit QrsShapeClassifier(double sampling_hz);

  // Every sample, in order, in mV (the same stream the QRS detector gets).
  void add(double x);
  // The complex whose R wave is at `r_sample` (counted from the first sample
  // given). Needs the samples up to 120 ms after the R wave; earlier calls,
  // or calls for samples no longer kept (3 s), give `unknown`.
  QrsShape classify(std::int64_t r_sample);
  // How many samples after the R wave classify() needs.
  std::int64_t lookahead() const { return half_ + max_shift_; }

 private:
  bool segment(std::int64_t centre, std::vector<double>& out) const;
  double width_ms(const std::vector<double>& seg) const;
  void learn(const std::vector<double>& seg, double width);

  double fs_;
  std::int64_t half_, max_shift_, ring_size_;
  std::int64_t p_from_, p_to_;  // samples before the R wave
  std::int64_t p_clear_;        // from an ectopic beat's R wave to a readable P stretch
  Biquad high_pass_, low_pass_, p_low_pass_;
  std::vector<double> ring_, p_ring_;
  std::int64_t n_ = 0;

  std::optional<double> p_wave_match(std::int64_t r_sample);
  std::optional<double> match_recent_unlike(const std::vector<double>& wide);

  AtrialActivity atrial_;
  std::vector<double> p_template_;
  int p_beats_ = 0;
  bool previous_normal_ = false;
  std::optional<std::int64_t> previous_r_;
  std::vector<double> template_;
  double template_width_ms_ = 0;
  std::vector<std::vector<double>> learning_;
  std::vector<double> learning_widths_;
  int unmatched_run_ = 0;
  std::vector<std::vector<double>> recent_unlike_;  // centres of the last beats unlike normal
};

}  // namespace vigil::alerts
