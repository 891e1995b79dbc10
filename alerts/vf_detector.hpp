#pragma once
// Whether the last few seconds of ECG look like ventricular fibrillation or a
// coarse, fast ventricular tachycardia: a chaotic or sine-like swing of the
// whole trace with no isoelectric baseline between complexes. Owned by each
// QrsDetector; pure: samples in, no clock.
//
// A QRS detector cannot see VF: it counts the swings as beats too close
// together with shapes that do not repeat, which is just what motion
// artefact looks like to it (EcgArtefact). So VF is judged on the waveform
// itself, by two published time-domain measures computed on the same
// window, both of which must agree:
//  - VF filter leakage (Kuo & Dillman, Computers in Cardiology 1978; as
//    given by Amann, Tratnig & Unterkofler, BioMed Eng OnLine 4:60, 2005):
//    the mean half period N of the trace is estimated from the ratio of its
//    mean magnitude to its mean slope (pi * sum|x| / sum|x_i - x_(i-1)|,
//    exact for a sine), and the trace is added to itself delayed by N. A
//    quasi-sinusoidal VF cancels (leakage near 0); a QRS train, whose energy
//    is spread over many frequencies, does not (leakage near 1);
//  - threshold crossing sample count, TCSC (Arafat, Chowdhury & Hasan,
//    Signal Image Video Process. 5:1-10, 2011, online 2009): the window is
//    tapered at both ends (a quarter second of raised cosine), scaled to its
//    largest magnitude, and the share of samples above 0.2 of it counted.
//    Between QRS complexes an organised ECG rests near its baseline (low
//    share); VF spends most of its time away from it (high share).
// Filter leakage alone calls a slow, smooth T wave train; TCSC alone calls
// broadband noise, which leaves no baseline either. Both together call
// neither, and both rest on a property of VF, not on fitted records.
// A window whose swing is under kMinSwingMv is not judged VF: so small a
// trace is a lead off or asystole (the pause alarm's business), and its
// scaled noise would look like VF to TCSC.
//
// Preprocessing as in Amann et al.: 1 Hz high-pass (baseline wander) and,
// at sampling rates that allow it, a 30 Hz low-pass (mains, muscle noise).
// Judged every kStepSeconds over the last kWindowSeconds.
#include <cstdint>
#include <optional>
#include <vector>

#include "alerts/biquad_filter.hpp"

namespace vigil::alerts {

struct VfJudgement {
  double leakage = 1;   // 0 a pure sine, about 1 a QRS train
  double tcsc = 0;      // share of the window above 0.2 of its largest magnitude
  double swing_mv = 0;  // peak to peak of the filtered window
  bool vf_like = false;
  std::int64_t end_sample = 0;  // the window ends before this sample
};

class VfDetector {
 public:
  static constexpr double kWindowSeconds = 4.0;
  static constexpr double kStepSeconds = 1.0;
  static constexpr double kMaxLeakage = 0.45;
  static constexpr double kMinTcsc = 0.45;
  static constexpr double kMinSwingMv = 0.15;

  explicit VfDetector(double sampling_hz);

  // Every sample, in order, in mV.
  void add(double x);
  // The latest judgement; none during the first window.
  const std::optional<VfJudgement>& judgement() const { return judgement_; }
  bool vf_like() const { return judgement_ && judgement_->vf_like; }

  // The measures of one window of filtered samples (oldest first).
  static VfJudgement judge(const std::vector<double>& window, double sampling_hz);

 private:
  double fs_;
  std::int64_t step_;
  Biquad high_pass_;
  std::optional<Biquad> low_pass_;
  std::vector<double> ring_;
  std::vector<double> window_;  // reused
  std::int64_t n_ = 0;
  std::optional<VfJudgement> judgement_;
};

}  // namespace vigil::alerts
