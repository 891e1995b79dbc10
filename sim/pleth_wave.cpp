#include "sim/pleth_wave.hpp"

#include <cmath>
#include <numbers>

namespace vigil::sim {
namespace {
constexpr double kRise = 0.12;           // s, foot to systolic peak
constexpr double kDecay = 0.30;          // s, runoff time constant
constexpr double kDicroticAt = 0.36;     // s
constexpr double kDicroticWidth = 0.06;  // s
constexpr double kDicroticHeight = 0.18;
}  // namespace

double pulse_shape(core::Duration since_beat) {
  const double t = core::to_seconds(since_beat);
  if (t < 0) return 0;
  if (t < kRise) {
    const double s = std::sin(std::numbers::pi / 2 * t / kRise);
    return s * s;
  }
  const double notch = (t - kDicroticAt) / kDicroticWidth;
  return std::exp(-(t - kRise) / kDecay) + kDicroticHeight * std::exp(-notch * notch);
}

}  // namespace vigil::sim
