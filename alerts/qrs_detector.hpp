#pragma once
// Streaming QRS detector with its own signal-quality index. Pure: samples in
// (any rate, physical units), beats out as sample indices; no clock, no I/O.
//
// Pan-Tompkins family, written from the published description (Pan &
// Tompkins, IEEE TBME 32(3):230-236, 1985; Hamilton & Tompkins, IEEE TBME
// 33(12):1157-1165, 1986), with the filters redesigned for any sampling rate:
//  1. 5-15 Hz band-pass (Butterworth sections), which keeps the QRS and
//     rejects baseline wander, T waves and mains/EMG noise;
//  2. five-point derivative, squaring, and a 150 ms moving-window integral;
//  3. peaks of the integral classified as QRS or noise against adaptive
//     levels: threshold = noise level + 1/4 (signal level - noise level);
//     200 ms refractory period; within 360 ms of a QRS a peak whose steepest
//     slope is under half the previous QRS's is a T wave;
//  4. search-back: with no QRS for 1.66 mean RR, the largest noise peak above
//     half the threshold since the last QRS is taken as a missed QRS;
//  5. the beat is placed on the largest deflection of the unfiltered signal
//     near the band-passed peak (the R wave, where reference annotators put it).
// The first 2 s set the levels; peaks found during them are classified
// afterwards, so the first beats are not lost.
//
// Signal-quality index (0-1), computed on the stream and given with each beat:
//  - 0 while the signal is flat (a disconnected lead or a saturated amplifier
//    gives exactly repeating values);
//  - otherwise the smaller of two scores: the separation of QRS peaks from
//    noise peaks (signal level / noise level: 1 at >= 8, 0 at <= 2.5; a
//    noise peak whose 150 ms window still holds the end of the QRS before it
//    counts only the energy after that QRS: at fast rates the T wave rides
//    on the QRS's own tail, and counting the tail as noise made the index
//    fall with the rate, to 0.5 at 160/min on a clean ECG), and
//    how many extra peaks the integral shows per detected beat over the last
//    5 s (clean ECG shows the QRS and at most a T and a P wave peak: up to
//    2 extra per beat scores 1, 5 or more scores 0);
//  - a beat found by search-back scores at most 0.7;
//  - while the ECG is motion or electrode artefact (EcgArtefact: beats too
//    close, shapes that do not repeat, muscle noise), at most 0.2, and so do
//    the beats found meanwhile: below every user's 0.5 gate, so the rate is
//    flagged, the AF analysis leaves their intervals out and a better lead
//    takes over.
//
// Alongside, on the same samples: whether the ECG looks like ventricular
// fibrillation (VfDetector), which a QRS detector cannot tell from artefact.
//
// Each beat also carries its shape (QrsShapeClassifier: normal or
// ventricular), which needs 120 ms of signal after the R wave; a beat is
// handed out once those samples are in.
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "alerts/biquad_filter.hpp"
#include "alerts/ecg_artefact.hpp"
#include "alerts/qrs_shape_classifier.hpp"
#include "alerts/vf_detector.hpp"

namespace vigil::alerts {

struct QrsDetection {
  std::int64_t sample = 0;  // index of the R wave, counted from the first sample fed
  double quality = 0;       // signal-quality index when the beat was found
  QrsShape shape{};         // normal or ventricular against the patient's template
  // Found while the ECG was artefact (EcgArtefact), and the latest reason.
  ArtefactReason artefact = ArtefactReason::none;
};

// The beat rhythm analysis gets for a detection whose R wave was at `time`:
// its quality, shape, P-wave match, atrial waves, width and repeat match.
Beat ecg_beat(const QrsDetection& q, core::TimePoint time);

class QrsDetector {
 public:
  explicit QrsDetector(double sampling_hz);

  // Appends the beats decided on and classified by the end of `samples`
  // (typically 0.2-0.4 s after the R wave; search-back beats up to ~2 RR
  // later), in time order.
  void add(std::span<const float> samples, std::vector<QrsDetection>& out);
  double sampling_hz() const { return fs_; }
  std::int64_t samples_seen() const { return n_; }
  // The index as of the latest sample.
  double signal_quality() const;
  bool flat() const;
  // Motion or electrode artefact as of the latest sample, and why.
  bool artefact() const { return artefact_.artefact(); }
  ArtefactReason artefact_reason() const { return artefact_.reason(); }
  // Whether the last seconds look like VF or a coarse fast VT (VfDetector),
  // as of the latest judgement; independent of the artefact judgement.
  bool vf_like() const { return vf_.vf_like(); }
  const std::optional<VfJudgement>& vf_judgement() const { return vf_.judgement(); }

 private:
  struct Peak {
    std::int64_t index = 0;  // of the integral's maximum
    double value = 0;
    double slope = 0;  // steepest derivative over the QRS window
  };

  void step(double x, std::vector<QrsDetection>& out);
  void find_peaks(double mwi, std::vector<QrsDetection>& out);
  void end_learning(std::vector<QrsDetection>& out);
  void classify(const Peak& p, std::vector<QrsDetection>& out);
  void accept(const Peak& p, bool searched_back, std::vector<QrsDetection>& out);
  void search_back(std::vector<QrsDetection>& out);
  void hand_out_classified(std::vector<QrsDetection>& out);
  double max_slope(std::int64_t from, std::int64_t to) const;
  double energy_since_qrs(const Peak& p) const;  // of a noise peak, in the integral's units
  std::int64_t locate_r_wave(std::int64_t mwi_peak) const;
  double history(const std::vector<double>& ring, std::int64_t index) const;
  double amplitude_around(std::int64_t sample) const;  // peak to peak of the raw signal, mV
  double threshold() const { return noise_level_ + 0.25 * (signal_level_ - noise_level_); }
  double mean_rr() const;

  double fs_;
  std::int64_t window_;  // moving-integral length, samples
  std::int64_t refractory_, t_wave_window_, learning_;
  Biquad high_pass_, low_pass_;
  std::vector<double> raw_, band_, slope_;  // rings of the last 3 s (covers the learning period)
  std::int64_t ring_size_;
  std::deque<double> squared_;
  double mwi_sum_ = 0;
  std::int64_t n_ = 0;

  // Peak finding on the integral.
  bool seeking_max_ = true;
  Peak candidate_{};
  double trough_ = 0;

  // Adaptive levels.
  bool learning_done_ = false;
  double learn_max_ = 0, learn_sum_ = 0;
  std::vector<Peak> learning_peaks_;
  double signal_level_ = 0, noise_level_ = 0;
  // The noise level the quality index judges by: noise_level_ (which sets the
  // detection threshold, as published) counts the QRS's tail under a peak
  // close behind it; this one does not. Averaged from the first noise peak
  // on, not from the learning period's mean, which at fast rates is mostly QRS.
  double quality_noise_level_ = 0;
  std::int64_t quality_noise_peaks_ = 0;
  std::optional<Peak> last_qrs_;
  std::optional<Peak> best_noise_since_qrs_;
  std::deque<std::int64_t> recent_rr_;

  QrsShapeClassifier shapes_;
  EcgArtefact artefact_;
  VfDetector vf_;
  std::deque<QrsDetection> unclassified_;  // decided on, waiting for the samples their shape needs

  // Quality bookkeeping.
  std::deque<std::int64_t> qrs_times_, noise_times_;
  std::int64_t flat_run_ = 0;
  double previous_x_ = 0;
};

}  // namespace vigil::alerts
