#include "alerts/pulse_onset_detector.hpp"

#include <algorithm>
#include <cmath>

#include "alerts/sample_count.hpp"

namespace vigil::alerts {

namespace {

double ramp(double x, double zero_at, double one_at) {
  return std::clamp((x - zero_at) / (one_at - zero_at), 0.0, 1.0);
}

}  // namespace

PulseOnsetDetector::PulseOnsetDetector(double sampling_hz)
    : fs_{sampling_hz},
      slope_window_{samples_in(0.128, sampling_hz)},
      refractory_{samples_in(0.250, sampling_hz)},
      decision_delay_{samples_in(0.250, sampling_hz)},
      trough_search_{samples_in(0.300, sampling_hz)},
      upstroke_search_{samples_in(0.150, sampling_hz)},
      learning_{samples_in(3.0, sampling_hz)},
      low_pass_{Biquad::low_pass(8.0, sampling_hz)},
      ring_size_{samples_in(2.0, sampling_hz)} {
  ssf_ring_.assign(static_cast<std::size_t>(ring_size_), 0.0);
  filtered_ring_ = ssf_ring_;
  segment_before_ = samples_in(0.1, sampling_hz);
  segment_after_ = samples_in(0.2, sampling_hz);
}

double PulseOnsetDetector::filtered_at(std::int64_t index) const {
  if (index < 0 || index >= n_ || n_ - index >= ring_size_) return 0.0;
  return filtered_ring_[static_cast<std::size_t>(index % ring_size_)];
}

double PulseOnsetDetector::ssf_at(std::int64_t index) const {
  if (index < 0 || index >= n_ || n_ - index >= ring_size_) return 0.0;
  return ssf_ring_[static_cast<std::size_t>(index % ring_size_)];
}

void PulseOnsetDetector::add(std::span<const float> samples, std::vector<PulseOnset>& out) {
  for (const float x : samples) step(static_cast<double>(x), out);
}

bool PulseOnsetDetector::flat() const {
  return flat_run_ >= samples_in(0.5, fs_);
}

void PulseOnsetDetector::step(double x, std::vector<PulseOnset>& out) {
  const std::int64_t i = n_;
  if (i == 0) low_pass_.settle(x);
  flat_run_ = (i > 0 && x == previous_x_) ? flat_run_ + 1 : 0;
  previous_x_ = x;
  const double y = low_pass_.step(x);
  const double rise = i == 0 ? 0.0 : std::max(0.0, y - previous_y_);
  previous_y_ = y;
  rises_.push_back(rise);
  ssf_sum_ += rise;
  if (static_cast<std::int64_t>(rises_.size()) > slope_window_) {
    ssf_sum_ -= rises_.front();
    rises_.pop_front();
  }
  if (i % 4096 == 0) {  // wash out rounding drift of the running sum
    ssf_sum_ = 0;
    for (const double r : rises_) ssf_sum_ += r;
  }
  const double ssf = std::max(0.0, ssf_sum_);
  ssf_ring_[static_cast<std::size_t>(i % ring_size_)] = ssf;
  filtered_ring_[static_cast<std::size_t>(i % ring_size_)] = y;
  n_ = i + 1;

  if (i < learning_) {
    learn_sum_ += ssf;
    if (i + 1 == learning_) level_ = 3.0 * learn_sum_ / static_cast<double>(learning_);
    return;
  }
  const double threshold = 0.6 * level_;
  const bool refractory = last_onset_ && i - *last_onset_ < refractory_;
  if (!crossing_ && !refractory && ssf > threshold && ssf_at(i - 1) <= threshold) crossing_ = i;
  if (crossing_ && i - *crossing_ >= decision_delay_) decide(out);
  // With no pulse for 2 s the level may be stale (amplitude fell): lower it.
  if (i - last_pulse_at_ > samples_in(2.0, fs_)) {
    level_ *= 0.5;
    last_pulse_at_ = i;
  }
}

void PulseOnsetDetector::decide(std::vector<PulseOnset>& out) {
  const std::int64_t c = *crossing_;
  crossing_.reset();
  double height = 0;
  for (std::int64_t k = c; k < n_; ++k) height = std::max(height, ssf_at(k));
  const std::int64_t onset = intersecting_tangent(c);
  const double q = flat() ? 0.0 : quality(height, onset);
  level_ = 0.75 * level_ + 0.25 * height;
  recent_heights_.push_back(height);
  if (recent_heights_.size() > 8) recent_heights_.pop_front();
  last_onset_ = onset;
  last_pulse_at_ = n_ - 1;
  out.push_back({onset, q});
}

std::int64_t PulseOnsetDetector::intersecting_tangent(std::int64_t crossing) const {
  // Steepest point of the upstroke around the crossing.
  std::int64_t steepest = crossing;
  double slope = 0;
  for (std::int64_t k = crossing - upstroke_search_; k <= std::min(crossing + upstroke_search_, n_ - 2);
       ++k) {
    const double s = (filtered_at(k + 1) - filtered_at(k - 1)) / 2;
    if (s > slope) {
      slope = s;
      steepest = k;
    }
  }
  if (slope <= 0) return crossing;
  // The foot: the lowest point before it, no further back than the previous onset.
  const std::int64_t from = std::max(steepest - trough_search_, last_onset_.value_or(0) + 1);
  double foot = filtered_at(steepest);
  for (std::int64_t k = from; k <= steepest; ++k) foot = std::min(foot, filtered_at(k));
  const double back = (filtered_at(steepest) - foot) / slope;
  return std::max(from, steepest - static_cast<std::int64_t>(std::llround(back)));
}

std::vector<double> PulseOnsetDetector::segment(std::int64_t onset) const {
  std::vector<double> seg;
  for (std::int64_t k = onset - segment_before_; k <= onset + segment_after_; ++k) {
    seg.push_back(filtered_at(std::clamp(k, n_ - ring_size_ + 1, n_ - 1)));
  }
  double mean = 0;
  for (const double v : seg) mean += v;
  mean /= static_cast<double>(seg.size());
  double norm = 0;
  for (double& v : seg) {
    v -= mean;
    norm += v * v;
  }
  norm = std::sqrt(norm);
  for (double& v : seg) v = norm > 0 ? v / norm : 0.0;
  return seg;
}

double PulseOnsetDetector::quality(double height, std::int64_t onset) {
  if (height <= 0) return 0.0;
  double consistency = 1.0;
  if (!recent_heights_.empty()) {
    double mean = 0;
    for (const double h : recent_heights_) mean += h;
    mean /= static_cast<double>(recent_heights_.size());
    const double a = height / mean;
    consistency = a < 1 ? ramp(a, 0.25, 0.6) : 1.0 - ramp(a, 1.6, 3.0);
  }
  const std::vector<double> seg = segment(onset);
  double agreement = 0.5;
  if (template_pulses_ >= 3) {
    double corr = 0;
    for (std::size_t k = 0; k < seg.size(); ++k) corr += seg[k] * template_[k];
    agreement = ramp(corr, 0.5, 0.9);
  }
  // Only pulses that look like pulses shape the template.
  if (template_pulses_ < 3 || agreement > 0.5) {
    if (template_.empty()) template_.assign(seg.size(), 0.0);
    const double weight = template_pulses_ < 3 ? 1.0 / (template_pulses_ + 1) : 0.2;
    double norm = 0;
    for (std::size_t k = 0; k < seg.size(); ++k) {
      template_[k] = (1 - weight) * template_[k] + weight * seg[k];
      norm += template_[k] * template_[k];
    }
    norm = std::sqrt(norm);
    for (double& v : template_) v = norm > 0 ? v / norm : 0.0;
    ++template_pulses_;
  }
  return kPulseQualityCeiling * std::min(agreement, consistency);
}

}  // namespace vigil::alerts
