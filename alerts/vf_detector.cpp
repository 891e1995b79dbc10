#include "alerts/vf_detector.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "alerts/sample_count.hpp"

namespace vigil::alerts {

namespace {

constexpr double kDriftHz = 1.0;
constexpr double kNoiseHz = 30.0;
constexpr double kTaperSeconds = 0.25;
constexpr double kCrossing = 0.2;  // TCSC's threshold, of the largest magnitude

double leakage(const std::vector<double>& x) {
  double magnitude = 0, slope = 0;
  for (std::size_t i = 1; i < x.size(); ++i) {
    magnitude += std::abs(x[i]);
    slope += std::abs(x[i] - x[i - 1]);
  }
  if (!(slope > 0)) return 1;
  const auto half_period = static_cast<std::size_t>(std::floor(std::numbers::pi * magnitude / slope + 0.5));
  if (half_period == 0 || half_period >= x.size()) return 1;
  double cancelled = 0, total = 0;
  for (std::size_t i = half_period; i < x.size(); ++i) {
    cancelled += std::abs(x[i] + x[i - half_period]);
    total += std::abs(x[i]) + std::abs(x[i - half_period]);
  }
  return total > 0 ? cancelled / total : 1;
}

double tcsc(const std::vector<double>& x, double fs) {
  const double taper = kTaperSeconds * fs;
  const auto n = static_cast<double>(x.size());
  auto weight = [&](std::size_t i) {
    const double from_edge = std::min(static_cast<double>(i), n - 1 - static_cast<double>(i));
    return from_edge >= taper ? 1.0 : 0.5 * (1 - std::cos(std::numbers::pi * from_edge / taper));
  };
  double largest = 0;
  for (std::size_t i = 0; i < x.size(); ++i) largest = std::max(largest, std::abs(x[i] * weight(i)));
  if (!(largest > 0)) return 0;
  std::size_t above = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (std::abs(x[i] * weight(i)) > kCrossing * largest) ++above;
  return static_cast<double>(above) / n;
}

}  // namespace

VfDetector::VfDetector(double sampling_hz)
    : fs_{sampling_hz},
      step_{samples_in(kStepSeconds, sampling_hz)},
      high_pass_{Biquad::high_pass(kDriftHz, sampling_hz)} {
  // The low-pass needs its cut-off well under half the sampling rate.
  if (sampling_hz > 2.5 * kNoiseHz) low_pass_ = Biquad::low_pass(kNoiseHz, sampling_hz);
  ring_.assign(static_cast<std::size_t>(samples_in(kWindowSeconds, sampling_hz)), 0.0);
  window_.reserve(ring_.size());
}

void VfDetector::add(double x) {
  if (n_ == 0) high_pass_.settle(x);
  double y = high_pass_.step(x);
  if (low_pass_) y = low_pass_->step(y);
  const auto size = static_cast<std::int64_t>(ring_.size());
  ring_[static_cast<std::size_t>(n_ % size)] = std::isfinite(y) ? y : 0.0;
  ++n_;
  if (n_ < size || n_ % step_ != 0) return;
  window_.clear();
  for (std::int64_t k = n_ - size; k < n_; ++k) window_.push_back(ring_[static_cast<std::size_t>(k % size)]);
  judgement_ = judge(window_, fs_);
  judgement_->end_sample = n_;
}

VfJudgement VfDetector::judge(const std::vector<double>& window, double sampling_hz) {
  VfJudgement j;
  if (window.empty()) return j;
  const auto [low, high] = std::minmax_element(window.begin(), window.end());
  j.swing_mv = *high - *low;
  j.leakage = leakage(window);
  j.tcsc = tcsc(window, sampling_hz);
  j.vf_like = j.swing_mv >= kMinSwingMv && j.leakage <= kMaxLeakage && j.tcsc >= kMinTcsc;
  return j;
}

}  // namespace vigil::alerts
