#pragma once
// Atrial fibrillation from RR intervals alone, over a sliding window of the
// last 32 intervals, robust to ectopic beats and to missed or extra beat
// detections. Pure: intervals in, an assessment out; no clock, no I/O.
//
// Why these choices (docs/rhythm.md has the numbers):
//  - AF is an irregularly irregular ventricular response; sinus rhythm with
//    ectopic beats is irregular in a *patterned* way (short-long pairs,
//    bigeminy, trigeminy, repeating couplets) around one dominant interval.
//    Four window features tell them apart:
//    1. pattern irregularity: for lags 1..6, the 30th percentile of
//       |RR[i] - RR[i-lag]| over the window, divided by the median RR; the
//       smallest over the lags. Any rhythm that repeats with a period up to 6
//       beats has one lag where most differences vanish; AF has none. The low
//       percentile ignores up to ~70 % of differences spoiled by ectopy or
//       by a missed or extra detection.
//    2. residual irregularity: the median successive difference (relative to
//       the median RR) after dropping each premature interval (< 85 % of the
//       median) together with the interval after it, and intervals that look
//       like a missed beat (> 160 % of the median): what is left of sinus
//       rhythm with ectopy is regular, what is left of AF is not.
//    3. unexplained transitions: with each interval classed short / normal /
//       long (±8 % of the median), the fraction of successive pairs that no
//       ectopic pattern explains (long-long, long-short, short-short,
//       normal-long). Ectopy produces short-long and short-normal; AF
//       produces all nine pairs.
//    4. sample entropy (m = 1, tolerance 4 % of the median RR): how little
//       an interval says about the next one. Regular, bigeminal and
//       breathing-paced rhythms repeat themselves (low entropy); AF's
//       intervals do not (Lake & Moorman 2011's COSEn, on a 16-beat window).
//       It took a third of the false AF episodes off the AF database (297 ->
//       204) at the same sensitivity, leave-one-record-out.
//  - The features are combined by a logistic model whose five weights are
//    fitted on the MIT-BIH AF database records and reported with
//    leave-one-record-out cross-validation (`vigil-validate af
//    --cross-validate`); the probability is the "AF evidence".
//  - 32 intervals: published detectors use 8 (Petrenas 2015) to 128 (most
//    others) beats. A causal window delays the call by about half its length
//    at every rhythm change; on the AF database 32 beats costs ~1.4 % of
//    sensitivity at transitions, while 16 beats made the features too noisy
//    to keep specificity. At 60-150 /min, 32 beats are 13-32 s, well inside
//    the 30-60 s the alarm profile waits before announcing AF.
//  - Quality gate: each interval carries a usable flag (both beats of good
//    quality and a physiological length); a window with fewer than 60 %
//    usable intervals yields no assessment ("rhythm analysis unavailable"),
//    never an AF call.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/time.hpp"

namespace vigil::alerts {

struct AfFeatures {
  double pattern_irregularity = 0;     // feature 1, fraction of the median RR
  double residual_irregularity = 0;    // feature 2, fraction of the median RR
  double unexplained_transitions = 0;  // feature 3, fraction of successive pairs
  double entropy = 0;                  // feature 4, sample entropy of the intervals
  // How much of the window's RR variance a two-beat linear prediction
  // explains (R^2 of an AR(2) fit, 0-1). Breathing-paced sinus arrhythmia
  // is a sampled sine wave, which AR(2) predicts exactly; bigeminy and other
  // repeating patterns are predictable too; AF's intervals are not (about
  // 2/32 by chance). Not part of the logistic model: a veto (see
  // AfDetectorConfig::max_af_predictability).
  double predictability = 0;
};

// Logistic weights on the natural logarithms of features 1 and 2 and on
// features 3 and 4 (see rr_af_model.cpp for the provenance of the defaults).
struct AfModel {
  double pattern = 0;
  double residual = 0;
  double unexplained = 0;
  double bias = 0;
  double entropy = 0;
};
AfModel default_af_model();

struct AfDetectorConfig {
  std::size_t window = 32;  // intervals
  // The first assessment comes after this many intervals, on what the window
  // holds so far (the features are medians and fractions, and need no full
  // window): a patient connected in AF is not left "warming up" for 32
  // beats. Half a window gained 0.6 % of the MIT-BIH AF beats (records
  // that start in AF) at the same specificity (-0.03 %).
  std::size_t first_assessment = 16;
  std::size_t max_pattern_lag = 6;  // beats
  double pattern_quantile = 0.3;
  double premature_ratio = 0.85;       // of the median RR
  double missed_beat_ratio = 1.6;      // of the median RR
  double transition_tolerance = 0.08;  // of the median RR
  // Below this share of usable intervals the window is not assessed. The
  // features are quantiles and fractions over the usable intervals only, so
  // 60 % (19 of 32) leaves more to judge by than the 16 of the first
  // assessment. It was 75 %, which left AF in noise (MIT-BIH 203: 170 AF
  // beats) unanalysed; docs/rhythm.md has the figures.
  double min_usable_fraction = 0.6;
  // Expected jitter of one beat time (standard deviation). 0 for QRS
  // fiducials; pulse onsets need ~0.02 s. Half of it is taken off every
  // interval difference before it counts as irregularity.
  core::Duration timing_noise{};
  AfModel model = default_af_model();
  // A window whose intervals are this predictable (AfFeatures::predictability)
  // is a patterned rhythm, not AF, whatever the probability. 0.5: half the
  // variance explained by the two previous intervals; AF windows reach it
  // by chance very rarely.
  double max_af_predictability = 0.5;
  // Hysteresis on the AF probability so the call does not flicker.
  double enter_probability = 0.7;
  double leave_probability = 0.3;
};

// Sample entropy's counts over a window: pairs of starts (usable intervals
// followed by a usable one) alike (b), and of those, the pairs whose next
// intervals are alike too (a).
struct SampleEntropyPairs {
  std::uint64_t a = 0;
  std::uint64_t b = 0;
};

// Feature 3's counts over a window: successive pairs of usable intervals,
// and of those, the pairs no ectopic pattern explains.
struct TransitionCounts {
  std::uint64_t pairs = 0;
  std::uint64_t unexplained = 0;
};

enum class AfStatus { warming_up, poor_signal, assessed };

struct AfAssessment {
  AfStatus status = AfStatus::warming_up;
  double probability = 0;  // AF evidence in [0, 1]; 0 unless assessed
  bool af = false;         // the call, with hysteresis; false unless assessed
  AfFeatures features{};   // valid when assessed
  double usable_fraction = 0;
};

class RrAfDetector {
 public:
  explicit RrAfDetector(AfDetectorConfig config = {});

  // One RR interval, oldest first. `usable` is false when either beat had
  // poor quality; intervals outside 0.2-3 s are treated as unusable too.
  void add(core::Duration rr, bool usable = true);
  const AfAssessment& assessment() const { return assessment_; }
  const AfDetectorConfig& config() const { return config_; }
  void reset();

  // Feature extraction on one window of usable flags and lengths (seconds),
  // from scratch: medians and quantiles selected anew, the length order
  // sorted anew. Needs >= 8 usable intervals. The reference the tests hold
  // the detector to: it gets the same features, bit for bit, from the
  // orders it keeps as intervals come and go (rr_af_incremental_test.cpp
  // compares the two on every beat).
  static AfFeatures features_from_scratch(const std::vector<double>& rr_seconds,
                                          const std::vector<bool>& usable, const AfDetectorConfig& config);
  static double probability(const AfFeatures& f, const AfModel& m);

 private:
  void assess();
  // Slot of the k-th interval back from the newest (0: newest), k < count_.
  // No division: this runs a few dozen times a beat.
  std::size_t back(std::size_t k) const {
    const std::size_t i = next_ + config_.window - 1 - k;
    return i >= config_.window ? i - config_.window : i;
  }
  // Where a slot's interval is in the window, oldest first.
  std::size_t position(std::size_t slot, std::size_t oldest) const {
    return slot >= oldest ? slot - oldest : slot + config_.window - oldest;
  }
  void update_orders(double seconds, bool good);
  // Feature 2 of the window (oldest first) with its median, read off the
  // lag-1 order: the median of the kept pairs' differences is the one at
  // that rank among them.
  double residual_from_orders(std::span<const double> rr, std::span<const unsigned char> usable,
                              double median) const;
  template <typename KeptAt>
  double residual_from_orders(std::size_t kept, KeptAt kept_at, double median) const;

  AfDetectorConfig config_;
  // Ring buffers of the window's intervals (seconds) and usable flags
  // (bytes), each slot written twice, at slot and slot + window: any
  // window's intervals oldest first are then one run, read where they
  // are instead of copied out on every beat.
  std::vector<double> rr_;
  std::vector<unsigned char> usable_;
  std::size_t next_ = 0;
  std::size_t count_ = 0;
  AfAssessment assessment_;
  // The window's usable lengths, and for each pattern lag the excess
  // differences of its usable pairs, each kept sorted as intervals enter
  // and leave: the median and the pattern quantiles are then read, not
  // selected anew on every beat (they were a fifth of the core thread on
  // an oximeter feed).
  std::vector<double> sorted_lengths_;
  // Lag 1's differences carry the slot of their later interval, so that
  // the residual irregularity (feature 2) can read its median off them,
  // skipping the pairs it drops, instead of selecting it anew.
  struct SuccessiveDifference {
    double excess;
    std::size_t later_slot;
  };
  std::vector<SuccessiveDifference> successive_differences_;
  std::vector<std::vector<double>> sorted_differences_;  // [lag - 2], lags 2 and up
  // The window's slots in rr_, usable or not, in length order (ties in any
  // order): sample_entropy's order, kept as intervals come and go instead
  // of sorted on every beat. Each with its length, so the order is updated
  // like the others (counted places, and left as it is when the interval
  // that enters its slot is as long as the one that left it).
  struct SlotLength {
    double seconds;
    std::size_t slot;
  };
  std::vector<SlotLength> slots_by_length_;
  // Sample entropy's counts for the window last assessed, with the
  // tolerance they were counted at (it moves with the median). While the
  // next window keeps that tolerance, its counts follow from the pairs of
  // the interval that left and of the one that became a start: O(n)
  // comparisons instead of the full count's bit sets, the same integers.
  // Feature 3's counts likewise, while the median stays (it sets the
  // classes): the pair that left taken off, the newest pair added.
  struct MovedOnCounts {
    double tolerance = 0;
    SampleEntropyPairs pairs{};
    double median = 0;
    TransitionCounts transitions{};
    bool valid = false;  // false unless the latest add() was assessed
  };
  MovedOnCounts moved_on_;
  std::optional<double> left_;  // the interval the latest add() pushed out of a full window
  bool left_usable_ = false;
  // The window's usable flags, oldest in bit 0, kept as intervals come and
  // go while the window is at most 64 intervals (sample entropy's moved-on
  // counts read them as a set; gathering them byte by byte was a fifth of
  // assess()).
  std::uint64_t usable_bits_ = 0;
  // The logarithms probability() takes of features 1 and 2, as last taken:
  // on a frame clock's intervals each feature stays from one beat to the
  // next more often than not (three beats in four on a 75 Hz oximeter's),
  // and a logarithm costs as much as a feature.
  struct LastLog {
    double feature = -1;  // no feature is negative: taken afresh the first time
    double log = 0;
  };
  LastLog pattern_log_, residual_log_;
  static double feature_log(double feature, LastLog& last);
};

}  // namespace vigil::alerts
