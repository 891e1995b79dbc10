#pragma once
// The heart rate vigild publishes from its own QRS detector on one ECG
// stream (MDC_ECG_HEART_RATE): 60 over the median of the last beat
// intervals, once a second, with a quality a rule can trust. The median, not
// the mean, so one missed or extra detection moves the number by nothing
// rather than by a fifth. Pure: beats, coverage and the time come in as
// arguments.
//
// Quality, so that a number is shown only when the detector earns it:
//  - no value, `invalid`: the waveform is flat (a lead off), or fewer than
//    `min_intervals` intervals in the window (warming up after a start or a
//    reset, or no beats found at all: a pause is the rhythm analysis's to
//    alarm on, not a rate of 0 from a detector that may have lost the QRS);
//  - `questionable` (a value, not usable): the detector's signal-quality
//    index is below `min_quality`, a third or more of the window's beats are
//    below it, or intervals shorter than `min_interval` (noise taken for
//    beats) are in the window;
//  - `artifact` (a value, not usable): the detector judges the ECG to be
//    motion or electrode artefact (EcgArtefact). Published rather than
//    withheld: a number that vanishes looks like a stale one, while a
//    number marked artefact tells staff why the ECG rate is not counted
//    while a usable pulse rates the bed (RateSource judges it when none
//    does: ventricular fibrillation looks like artefact too);
//  - once the ECG stops arriving (no coverage for `stale`), one invalid
//    reading says the number is gone, then nothing until it is back.
#include <optional>
#include <vector>

#include "alerts/beat.hpp"
#include "core/observation.hpp"

namespace vigil::alerts {

struct EcgRateConfig {
  core::Duration window = std::chrono::seconds{15};  // beats this recent count
  std::size_t intervals = 8;                         // median over at most this many
  std::size_t min_intervals = 3;
  double min_quality = 0.5;
  core::Duration min_interval = std::chrono::milliseconds{200};  // 300 /min
  core::Duration stale = std::chrono::seconds{3};
  core::Duration period = std::chrono::seconds{1};
};

class EcgHeartRate {
 public:
  explicit EcgHeartRate(EcgRateConfig config = {}) : config_{config} {}

  // Beats of the one stream in use, in time order.
  void on_beat(const Beat& beat);
  // The stretch of that stream the detector has analysed.
  void on_coverage(core::TimePoint end, double quality, bool flat, bool artefact = false);
  // Another stream takes over: its beats are not intervals of this one's.
  void restart();
  // The reading to publish now, at most one per period; none between them
  // and none while nothing is known.
  std::optional<core::Reading> reading(core::TimePoint now);
  // A heart rate without a value, flagged invalid: the number is gone.
  static core::Reading gone();

 private:
  core::Reading judge(core::TimePoint now) const;

  EcgRateConfig config_;
  // A vector: every bed has one, most stream no ECG, and an empty deque
  // takes 576 bytes (docs/journal.md, "Memory at 128 beds, fourth round").
  std::vector<Beat> beats_;
  std::optional<core::TimePoint> covered_until_;
  double quality_ = 0;
  bool flat_ = false;
  bool artefact_ = false;
  std::optional<core::TimePoint> last_sent_;
  bool gone_said_ = true;  // the number is gone and the invalid reading went out
};

}  // namespace vigil::alerts
