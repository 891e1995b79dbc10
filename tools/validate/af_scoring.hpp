#pragma once
// Beat-by-beat scoring of the AF call against a reference rhythm annotation.
// Each beat is fed to a RhythmAnalyzer exactly as the daemon would feed it
// (in time order, as it happens), and the state right after that beat is the
// call for it: causal, no look-ahead. A beat is positive in the reference when
// the rhythm in force is "(AFIB"; everything else, "(AFL" included, is
// negative. Beats before the first rhythm annotation are not scored. When
// analysis is unavailable the call is "not AF" (counted, and reported apart).
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <vector>

#include "alerts/rhythm_analyzer.hpp"
#include "tools/validate/annotated_record.hpp"

namespace vigil::validate {

struct AfScore {
  std::size_t true_positive = 0, false_positive = 0, true_negative = 0, false_negative = 0;
  std::size_t unavailable = 0;           // scored beats with analysis unavailable
  std::size_t reference_episodes = 0;    // runs of reference AF beats
  std::size_t detected_episodes = 0;     // of those, called AF at some beat inside
  std::size_t false_episodes = 0;        // runs of AF calls with no reference AF beat
  std::vector<double> detection_delays;  // seconds from episode start to first AF call
  double hours = 0;                      // span of the scored beats

  std::size_t beats() const { return true_positive + false_positive + true_negative + false_negative; }
  double sensitivity() const;
  double specificity() const;
  double positive_predictivity() const;
  std::optional<double> median_delay() const;
  std::optional<double> mean_delay() const;
  std::optional<double> delay_quantile(double q) const;  // nearest rank; 0.9 for the 90th percentile
  AfScore& operator+=(const AfScore& o);
};

struct AfRunOptions {
  alerts::RhythmConfig config{};
  alerts::BeatSource source = alerts::BeatSource::ecg;
  // Gaussian jitter added to each beat time, to emulate pulse-derived beats
  // from ECG-derived annotations; fixed seed so runs repeat.
  std::chrono::microseconds jitter{0};
  unsigned seed = 1;
  // When set, score_af writes one CSV line per scored beat here (what the
  // analyzer saw and said), for looking into a record's errors.
  std::ostream* trace = nullptr;
};

AfScore score_af(const AnnotatedRecord& record, const AfRunOptions& options);

// Feeds the record's beats (with their quality and, for the ECG source,
// shape) to a RhythmAnalyzer in time order and hands each beat's state, right
// after it, to `each`: the one replay both scoring and model fitting use.
void replay_record(
    const AnnotatedRecord& record, const AfRunOptions& options,
    const std::function<void(std::int64_t sample, double t, const alerts::RhythmState&)>& each);

}  // namespace vigil::validate
