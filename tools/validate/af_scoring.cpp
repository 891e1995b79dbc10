#include "tools/validate/af_scoring.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <ostream>
#include <random>
#include <string>

#include "tools/validate/score_ratio.hpp"

namespace vigil::validate {

namespace {

// Follows reference episodes and runs of AF calls along the beats.
class EpisodeTracker {
 public:
  explicit EpisodeTracker(AfScore& score) : score_{score} {}

  void beat(double t, bool reference, bool call) {
    if (reference && !in_reference_) {
      ++score_.reference_episodes;
      episode_start_ = t;
      episode_detected_ = false;
    }
    in_reference_ = reference;
    if (reference && call && !episode_detected_) {
      episode_detected_ = true;
      ++score_.detected_episodes;
      score_.detection_delays.push_back(t - episode_start_);
    }
    if (call && !in_call_) run_touches_reference_ = false;
    if (!call && in_call_) close_run();
    in_call_ = call;
    if (call && reference) run_touches_reference_ = true;
  }
  void finish() {
    if (in_call_) close_run();
  }

 private:
  void close_run() {
    if (!run_touches_reference_) ++score_.false_episodes;
  }
  AfScore& score_;
  bool in_reference_ = false, episode_detected_ = false;
  double episode_start_ = 0;
  bool in_call_ = false, run_touches_reference_ = false;
};

}  // namespace

double AfScore::sensitivity() const {
  return score_ratio(true_positive, true_positive + false_negative);
}
double AfScore::specificity() const {
  return score_ratio(true_negative, true_negative + false_positive);
}
double AfScore::positive_predictivity() const {
  return score_ratio(true_positive, true_positive + false_positive);
}

std::optional<double> AfScore::median_delay() const {
  if (detection_delays.empty()) return std::nullopt;
  auto d = detection_delays;
  const auto mid = d.begin() + static_cast<std::ptrdiff_t>(d.size() / 2);
  std::nth_element(d.begin(), mid, d.end());
  return *mid;
}

std::optional<double> AfScore::delay_quantile(double q) const {
  if (detection_delays.empty()) return std::nullopt;
  auto d = detection_delays;
  std::sort(d.begin(), d.end());
  const auto i =
      std::min(d.size() - 1, static_cast<std::size_t>(std::ceil(q * static_cast<double>(d.size())) - 1));
  return d[i];
}

std::optional<double> AfScore::mean_delay() const {
  if (detection_delays.empty()) return std::nullopt;
  double sum = 0;
  for (const double d : detection_delays) sum += d;
  return sum / static_cast<double>(detection_delays.size());
}

AfScore& AfScore::operator+=(const AfScore& o) {
  true_positive += o.true_positive;
  false_positive += o.false_positive;
  true_negative += o.true_negative;
  false_negative += o.false_negative;
  unavailable += o.unavailable;
  reference_episodes += o.reference_episodes;
  detected_episodes += o.detected_episodes;
  false_episodes += o.false_episodes;
  detection_delays.insert(detection_delays.end(), o.detection_delays.begin(), o.detection_delays.end());
  hours += o.hours;
  return *this;
}

void replay_record(
    const AnnotatedRecord& record, const AfRunOptions& options,
    const std::function<void(std::int64_t sample, double t, const alerts::RhythmState&)>& each) {
  alerts::RhythmAnalyzer analyzer{options.config};
  std::mt19937 random{options.seed};
  std::normal_distribution<double> jitter{0.0, std::chrono::duration<double>(options.jitter).count()};
  const bool jittered = options.jitter.count() > 0;
  const core::TimePoint epoch = core::ManualClock{}.now();
  for (std::size_t i = 0; i < record.beats.size(); ++i) {
    const std::int64_t sample = record.beats[i];
    double t = static_cast<double>(sample) / record.sampling_frequency;
    if (jittered) t += jitter(random);
    const core::TimePoint when = epoch + core::from_seconds(t);
    alerts::Beat beat{when, options.source, std::nullopt, std::nullopt, alerts::BeatShape::unknown};
    if (i < record.quality.size()) beat.quality = record.quality[i];
    if (i < record.shapes.size() && options.source == alerts::BeatSource::ecg) {
      beat.shape = record.shapes[i];
      beat.p_wave = record.p_wave[i];
      beat.atrial = record.atrial[i];
    }
    analyzer.add_beat(beat);
    each(sample, t, analyzer.state(when));
  }
}

AfScore score_af(const AnnotatedRecord& record, const AfRunOptions& options) {
  AfScore score;
  EpisodeTracker episodes{score};
  RhythmLookup reference{record.rhythm};
  std::optional<double> first_scored, last_scored;
  std::size_t ref_beat = 0, beat_index = 0;
  const auto match = static_cast<std::int64_t>(0.15 * record.sampling_frequency);
  replay_record(record, options, [&](std::int64_t sample, double t, const alerts::RhythmState& state) {
    const std::string* label = reference.at(sample);
    const std::size_t i = beat_index++;
    if (label == nullptr) return;
    const bool positive = *label == "(AFIB";
    const bool call = state.rhythm == alerts::Rhythm::irregular_af;
    if (options.trace != nullptr) {
      while (ref_beat < record.reference_beat_samples.size() &&
             record.reference_beat_samples[ref_beat] < sample - match)
        ++ref_beat;
      char type = '-';
      if (ref_beat < record.reference_beat_samples.size() &&
          record.reference_beat_samples[ref_beat] <= sample + match)
        type = record.reference_beat_types[ref_beat];
      const auto& f = state.af_features;
      const bool has_atrial = i < record.atrial.size() && record.atrial[i].has_value();
      const double atrial_cycle = has_atrial ? record.atrial[i]->cycle_s : -9;
      const double atrial_regularity = has_atrial ? record.atrial[i]->regularity : -9;
      // Fixed, to the microsecond: the stream's six significant digits left
      // a 10-hour record's beat times to 0.1 s, too coarse to rebuild its
      // intervals from the trace.
      *options.trace << record.name << ',' << std::to_string(t) << ',' << *label << ',' << type << ','
                     << (i < record.shapes.size() ? static_cast<int>(record.shapes[i]) : -1) << ','
                     << (i < record.p_wave.size() && record.p_wave[i] ? *record.p_wave[i] : -9) << ','
                     << state.p_wave_match.value_or(-9) << ',' << f.pattern_irregularity << ','
                     << f.residual_irregularity << ',' << f.unexplained_transitions << ',' << f.entropy << ','
                     << f.predictability << ',' << state.af_evidence << ','
                     << static_cast<int>(state.unavailable) << ',' << call << ','
                     << (i < record.qrs_correlation.size() ? record.qrs_correlation[i] : -9) << ','
                     << (i < record.qrs_width_ms.size() ? record.qrs_width_ms[i] : -9) << ','
                     << state.p_wave_evidence.value_or(-9) << ',' << atrial_cycle << ',' << atrial_regularity
                     << ',' << alerts::rhythm_name(state.rhythm) << '\n';
    }
    if (!state.available()) ++score.unavailable;
    if (positive) {
      ++(call ? score.true_positive : score.false_negative);
    } else {
      ++(call ? score.false_positive : score.true_negative);
    }
    episodes.beat(t, positive, call);
    if (!first_scored) first_scored = t;
    last_scored = t;
  });
  episodes.finish();
  if (first_scored) score.hours = (*last_scored - *first_scored) / 3600.0;
  return score;
}

}  // namespace vigil::validate
