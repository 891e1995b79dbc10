#include "alerts/biquad_filter.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace vigil::alerts {

namespace {

struct Prewarped {
  double cos_w, alpha;
};

Prewarped prewarp(double cutoff_hz, double sampling_hz) {
  // Keep the cutoff below Nyquist so a low sampling rate still yields a stable filter.
  const double f = std::min(cutoff_hz, 0.45 * sampling_hz);
  const double w = 2 * std::numbers::pi * f / sampling_hz;
  return {std::cos(w), std::sin(w) / std::numbers::sqrt2};  // alpha = sin(w) / (2 Q), Q = 1/sqrt(2)
}

}  // namespace

Biquad Biquad::low_pass(double cutoff_hz, double sampling_hz) {
  const auto [c, alpha] = prewarp(cutoff_hz, sampling_hz);
  const double a0 = 1 + alpha;
  return Biquad{(1 - c) / 2 / a0, (1 - c) / a0, (1 - c) / 2 / a0, -2 * c / a0, (1 - alpha) / a0};
}

Biquad Biquad::high_pass(double cutoff_hz, double sampling_hz) {
  const auto [c, alpha] = prewarp(cutoff_hz, sampling_hz);
  const double a0 = 1 + alpha;
  return Biquad{(1 + c) / 2 / a0, -(1 + c) / a0, (1 + c) / 2 / a0, -2 * c / a0, (1 - alpha) / a0};
}

void Biquad::settle(double x) {
  // Steady state of the transposed form for a constant input x with DC gain g.
  const double g = (b0_ + b1_ + b2_) / (1 + a1_ + a2_);
  const double y = g * x;
  s2_ = b2_ * x - a2_ * y;
  s1_ = b1_ * x - a1_ * y + s2_;
}

}  // namespace vigil::alerts
