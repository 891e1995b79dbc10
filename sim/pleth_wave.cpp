#include "sim/pleth_wave.hpp"

#include <algorithm>
#include <cmath>

namespace vigil::sim {

PlethWave::Sample PlethWave::step(core::Duration dt, double heart_rate) {
  const double rate_hz = std::clamp(heart_rate, 20.0, 300.0) / 60.0;
  phase_ += core::to_seconds(dt) * rate_hz;
  bool beat = false;
  if (phase_ >= 1.0) {
    phase_ -= std::floor(phase_);
    beat = true;
  }
  // Upstroke over the first 15 % of the beat, then exponential decay with a
  // small dicrotic bump around 45 %.
  const double p = phase_;
  double v = p < 0.15 ? std::sin(p / 0.15 * M_PI / 2) : std::exp(-(p - 0.15) * 3.5);
  v += 0.12 * std::exp(-std::pow((p - 0.45) / 0.05, 2));
  return {std::clamp(v / 1.12, 0.0, 1.0), beat};
}

}  // namespace vigil::sim
