#pragma once
// Whether the ECG now is motion or electrode artefact rather than a heart
// the QRS detector can count, judged from the ECG itself. Owned by each
// QrsDetector; pure: samples and the detector's beats in, no clock.
//
// A moving patient's electrodes pick up muscle noise, baseline wander and
// jerks in the 5-15 Hz band the detector listens to; the detector then
// counts jerks as beats (a derived rate of 230/min for a few seconds) or
// misses beats under them. The signal-quality index alone does not see it:
// jerks look like QRS complexes to the detector's own levels. Each piece of
// evidence below is a fact of physiology, not a threshold fitted to records:
//  - beats too close: the ventricles cannot depolarise again within their
//    refractory period; two detections less than `refractory` (250 ms,
//    240/min) apart are not two heartbeats;
//  - shapes that do not repeat: a beat unlike the patient's normal template
//    that is also unlike the last beats unlike it. A ventricular focus fires
//    the same complex every time (its beats match one another at 0.9 and
//    more); electrode jerks each have a shape of their own;
//  - muscle noise: the QRS holds little energy above 40 Hz, muscle (EMG)
//    noise spreads far above it. Per 1 s stretch, the median magnitude of
//    the ECG above 40 Hz (a median, so the QRS's own share does not count)
//    against the patient's usual QRS amplitude: at a tenth of it or more the
//    small deflections staff and the shape classifier read (P waves, the
//    QRS's onset) are lost. Only at sampling rates of 100/s and more.
// A flat line or a saturated amplifier (repeating values) is the detector's
// `flat()`, a lead off rather than artefact.
//
// The ECG is artefact while at least `suspect_beats` suspect beats fall in
// the last `window`, or a muscle-noise stretch ended less than `hold` ago:
// one odd beat is an ectopic beat or a single jerk, not an unusable trace.
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <vector>

#include "alerts/biquad_filter.hpp"
#include "alerts/qrs_shape_classifier.hpp"

namespace vigil::alerts {

// Why a stretch was judged artefact (the latest reason seen).
enum class ArtefactReason : std::uint8_t { none, beats_too_close, shapes_differ, muscle_noise };
constexpr std::string_view artefact_reason_name(ArtefactReason r) {
  switch (r) {
    case ArtefactReason::none:
      return "none";
    case ArtefactReason::beats_too_close:
      return "beats too close";
    case ArtefactReason::shapes_differ:
      return "beat shapes differ";
    case ArtefactReason::muscle_noise:
      return "muscle noise";
  }
  return "none";
}

class EcgArtefact {
 public:
  static constexpr double kRefractorySeconds = 0.25;
  static constexpr double kSameFocus = 0.8;        // unlike beats matching at least this repeat
  static constexpr double kNoiseOfQrs = 0.1;       // muscle noise magnitude / QRS amplitude
  static constexpr double kWindowSeconds = 5.0;    // suspect beats counted over
  static constexpr std::size_t kSuspectBeats = 3;  // in the window
  static constexpr double kHoldSeconds = 2.0;      // after a noisy stretch
  static constexpr double kMinNoiseHz = 100.0;     // sampling rate the muscle-noise test needs

  explicit EcgArtefact(double sampling_hz);

  // Every sample, in order, in mV.
  void add(double x);
  // A beat the detector found, once classified: its R wave's sample, shape
  // and peak-to-peak amplitude (mV) around it. Returns whether the ECG is
  // artefact as of this beat.
  bool on_beat(std::int64_t sample, const QrsShape& shape, double amplitude_mv);
  bool artefact() const;
  ArtefactReason reason() const { return artefact() ? reason_ : ArtefactReason::none; }

 private:
  void end_stretch();

  std::int64_t refractory_, window_, hold_, stretch_;
  std::optional<Biquad> high_pass_;  // above 40 Hz; absent at low sampling rates
  std::vector<double> stretch_magnitudes_;
  std::int64_t n_ = 0;
  std::optional<std::int64_t> previous_beat_;
  std::deque<std::int64_t> suspects_;        // samples of recent suspect beats
  std::optional<std::int64_t> noisy_until_;  // end of the latest noisy stretch, plus the hold
  double qrs_amplitude_ = 0;                 // running average over normal beats
  ArtefactReason reason_ = ArtefactReason::none;
};

}  // namespace vigil::alerts
