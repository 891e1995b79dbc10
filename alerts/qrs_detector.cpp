#include "alerts/qrs_detector.hpp"

#include <algorithm>
#include <cmath>

#include "alerts/sample_count.hpp"

namespace vigil::alerts {

namespace {

constexpr double kQualityWindowSeconds = 5.0;
constexpr double kSearchBackQualityCap = 0.7;
constexpr double kArtefactQualityCap = 0.2;

}  // namespace

Beat ecg_beat(const QrsDetection& q, core::TimePoint time) {
  Beat b{time, BeatSource::ecg, std::nullopt, q.quality, q.shape.shape, q.shape.p_wave, q.shape.atrial};
  if (q.shape.width_ms > 0) b.qrs_width_ms = q.shape.width_ms;
  b.repeat_match = q.shape.unlike_match;
  return b;
}

QrsDetector::QrsDetector(double sampling_hz)
    : fs_{sampling_hz},
      window_{samples_in(0.150, sampling_hz)},
      refractory_{samples_in(0.200, sampling_hz)},
      t_wave_window_{samples_in(0.360, sampling_hz)},
      learning_{samples_in(2.0, sampling_hz)},
      high_pass_{Biquad::high_pass(5.0, sampling_hz)},
      low_pass_{Biquad::low_pass(15.0, sampling_hz)},
      ring_size_{samples_in(3.0, sampling_hz)},
      shapes_{sampling_hz},
      artefact_{sampling_hz},
      vf_{sampling_hz} {
  raw_.assign(static_cast<std::size_t>(ring_size_), 0.0);
  band_ = raw_;
  slope_ = raw_;
}

double QrsDetector::history(const std::vector<double>& ring, std::int64_t index) const {
  if (index < 0 || index >= n_ || n_ - index >= ring_size_) return 0.0;
  return ring[static_cast<std::size_t>(index % ring_size_)];
}

void QrsDetector::add(std::span<const float> samples, std::vector<QrsDetection>& out) {
  for (const float x : samples) step(static_cast<double>(x), out);
}

void QrsDetector::step(double x, std::vector<QrsDetection>& out) {
  const std::int64_t i = n_;
  if (i == 0) high_pass_.settle(x);
  flat_run_ = (i > 0 && x == previous_x_) ? flat_run_ + 1 : 0;
  previous_x_ = x;
  const double band = low_pass_.step(high_pass_.step(x));
  const auto at = static_cast<std::size_t>(i % ring_size_);
  raw_[at] = x;
  band_[at] = band;
  shapes_.add(x);
  artefact_.add(x);
  vf_.add(x);
  n_ = i + 1;  // history() now sees sample i
  const double derivative =
      (2 * band + history(band_, i - 1) - history(band_, i - 3) - 2 * history(band_, i - 4)) * fs_ / 8.0;
  slope_[at] = derivative;

  squared_.push_back(derivative * derivative);
  mwi_sum_ += squared_.back();
  if (static_cast<std::int64_t>(squared_.size()) > window_) {
    mwi_sum_ -= squared_.front();
    squared_.pop_front();
  }
  if (i % 4096 == 0) {  // wash out rounding drift of the running sum
    mwi_sum_ = 0;
    for (const double s : squared_) mwi_sum_ += s;
  }
  const double mwi = std::max(0.0, mwi_sum_) / static_cast<double>(window_);

  if (!learning_done_) {
    learn_max_ = std::max(learn_max_, mwi);
    learn_sum_ += mwi;
  }
  find_peaks(mwi, out);
  if (!learning_done_ && i + 1 == learning_) end_learning(out);
  if (learning_done_) search_back(out);

  hand_out_classified(out);

  const auto horizon = i - samples_in(kQualityWindowSeconds, fs_);
  while (!qrs_times_.empty() && qrs_times_.front() < horizon) qrs_times_.pop_front();
  while (!noise_times_.empty() && noise_times_.front() < horizon) noise_times_.pop_front();
}

void QrsDetector::find_peaks(double mwi, std::vector<QrsDetection>& out) {
  const std::int64_t i = n_ - 1;
  if (seeking_max_) {
    if (mwi > candidate_.value) {
      candidate_ = {i, mwi, 0};
    } else if (mwi < 0.5 * candidate_.value) {
      Peak p = candidate_;
      p.slope = max_slope(p.index - window_, p.index);
      if (learning_done_) {
        classify(p, out);
      } else {
        learning_peaks_.push_back(p);
      }
      seeking_max_ = false;
      trough_ = mwi;
    }
  } else if (mwi < trough_) {
    trough_ = mwi;
  } else if (mwi > trough_) {
    seeking_max_ = true;
    candidate_ = {i, mwi, 0};
  }
}

void QrsDetector::end_learning(std::vector<QrsDetection>& out) {
  learning_done_ = true;
  signal_level_ = learn_max_ / 3.0;
  noise_level_ = 0.5 * learn_sum_ / static_cast<double>(learning_);
  for (const Peak& p : learning_peaks_) classify(p, out);
  learning_peaks_.clear();
}

void QrsDetector::classify(const Peak& p, std::vector<QrsDetection>& out) {
  const double thr = threshold();
  const std::int64_t since = last_qrs_ ? p.index - last_qrs_->index : t_wave_window_;
  const bool in_refractory = since < refractory_;
  const bool t_wave = since < t_wave_window_ && last_qrs_ && p.slope < 0.5 * last_qrs_->slope;
  if (p.value > thr && !in_refractory && !t_wave) {
    accept(p, false, out);
    return;
  }
  noise_level_ = 0.125 * p.value + 0.875 * noise_level_;
  ++quality_noise_peaks_;
  const double weight = std::max(0.125, 1.0 / static_cast<double>(quality_noise_peaks_));
  quality_noise_level_ = weight * energy_since_qrs(p) + (1 - weight) * quality_noise_level_;
  if (p.value > 0.5 * thr) noise_times_.push_back(p.index);
  if (!in_refractory && (!best_noise_since_qrs_ || p.value > best_noise_since_qrs_->value)) {
    best_noise_since_qrs_ = p;
  }
}

void QrsDetector::accept(const Peak& p, bool searched_back,
                         std::vector<QrsDetection>& /*out: handed out once classified*/) {
  const double weight = searched_back ? 0.25 : 0.125;
  signal_level_ = weight * p.value + (1 - weight) * signal_level_;
  if (last_qrs_) {
    recent_rr_.push_back(p.index - last_qrs_->index);
    if (recent_rr_.size() > 8) recent_rr_.pop_front();
  }
  last_qrs_ = p;
  best_noise_since_qrs_.reset();
  qrs_times_.push_back(p.index);
  double quality = signal_quality();
  if (searched_back) quality = std::min(quality, kSearchBackQualityCap);
  QrsDetection beat;
  beat.sample = locate_r_wave(p.index);
  beat.quality = quality;
  unclassified_.push_back(beat);
}

void QrsDetector::hand_out_classified(std::vector<QrsDetection>& out) {
  while (!unclassified_.empty() && unclassified_.front().sample + shapes_.lookahead() < n_) {
    QrsDetection beat = unclassified_.front();
    unclassified_.pop_front();
    beat.shape = shapes_.classify(beat.sample);
    if (artefact_.on_beat(beat.sample, beat.shape, amplitude_around(beat.sample))) {
      beat.artefact = artefact_.reason();
      beat.quality = std::min(beat.quality, kArtefactQualityCap);
    }
    out.push_back(beat);
  }
}

void QrsDetector::search_back(std::vector<QrsDetection>& out) {
  if (!last_qrs_ || !best_noise_since_qrs_) return;
  const auto since = static_cast<double>(n_ - 1 - last_qrs_->index);
  if (since <= 1.66 * mean_rr()) return;
  const Peak best = *best_noise_since_qrs_;
  const bool clear_of_t_wave =
      best.index - last_qrs_->index >= t_wave_window_ || best.slope >= 0.5 * last_qrs_->slope;
  if (best.value > 0.5 * threshold() && clear_of_t_wave) {
    accept(best, true, out);
  } else {
    best_noise_since_qrs_.reset();  // nothing to recover in this stretch
  }
}

double QrsDetector::energy_since_qrs(const Peak& p) const {
  if (!last_qrs_ || p.index - window_ >= last_qrs_->index) return p.value;
  double sum = 0;
  for (std::int64_t k = last_qrs_->index + 1; k <= p.index; ++k)
    sum += history(slope_, k) * history(slope_, k);
  return sum / static_cast<double>(window_);
}

double QrsDetector::amplitude_around(std::int64_t sample) const {
  const std::int64_t reach = samples_in(0.06, fs_);
  double low = history(raw_, sample), high = low;
  for (std::int64_t k = sample - reach; k <= sample + reach; ++k) {
    low = std::min(low, history(raw_, k));
    high = std::max(high, history(raw_, k));
  }
  return high - low;
}

double QrsDetector::mean_rr() const {
  if (recent_rr_.empty()) return fs_;  // 1 s until two beats are known
  double sum = 0;
  for (const auto rr : recent_rr_) sum += static_cast<double>(rr);
  return sum / static_cast<double>(recent_rr_.size());
}

double QrsDetector::max_slope(std::int64_t from, std::int64_t to) const {
  double best = 0;
  for (std::int64_t k = std::max(from, n_ - ring_size_ + 1); k <= to; ++k) {
    best = std::max(best, std::abs(history(slope_, k)));
  }
  return best;
}

std::int64_t QrsDetector::locate_r_wave(std::int64_t mwi_peak) const {
  const std::int64_t oldest = std::max<std::int64_t>(0, n_ - ring_size_ + 1);
  const std::int64_t newest = n_ - 1;
  auto clip = [&](std::int64_t k) { return std::clamp(k, oldest, newest); };
  std::int64_t band_peak = clip(mwi_peak);
  for (std::int64_t k = clip(mwi_peak - window_ - 2); k <= clip(mwi_peak); ++k) {
    if (std::abs(history(band_, k)) > std::abs(history(band_, band_peak))) band_peak = k;
  }
  const std::int64_t from = clip(band_peak - samples_in(0.10, fs_));
  const std::int64_t to = clip(band_peak + samples_in(0.05, fs_));
  double mean = 0;
  for (std::int64_t k = from; k <= to; ++k) mean += history(raw_, k);
  mean /= static_cast<double>(to - from + 1);
  std::int64_t r = band_peak;
  for (std::int64_t k = clip(band_peak - samples_in(0.06, fs_)); k <= clip(band_peak + samples_in(0.03, fs_));
       ++k) {
    if (std::abs(history(raw_, k) - mean) > std::abs(history(raw_, r) - mean)) r = k;
  }
  return r;
}

bool QrsDetector::flat() const {
  return flat_run_ >= samples_in(0.5, fs_);
}

double QrsDetector::signal_quality() const {
  if (flat() || !learning_done_) return 0.0;
  const double ratio = quality_noise_level_ > 0 ? signal_level_ / quality_noise_level_ : 8.0;
  const double separation = std::clamp((ratio - 2.5) / (8.0 - 2.5), 0.0, 1.0);
  const auto beats = static_cast<double>(qrs_times_.size());
  const auto extra = static_cast<double>(noise_times_.size());
  const double per_beat = beats > 0 ? extra / beats : (extra > 3 ? 5.0 : 0.0);
  const double cleanliness = std::clamp((5.0 - per_beat) / 3.0, 0.0, 1.0);
  const double quality = std::min(separation, cleanliness);
  return artefact_.artefact() ? std::min(quality, kArtefactQualityCap) : quality;
}

}  // namespace vigil::alerts
