#pragma once
// A stretch of a sampled waveform (ECG, pleth) in samples, as the waveform
// detectors size their windows, delays and rings from seconds: rounded, and
// at least one sample, so a window never vanishes at a low sampling rate.
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace vigil::alerts {

inline std::int64_t samples_in(double seconds, double fs) {
  return std::max<std::int64_t>(1, std::llround(seconds * fs));
}

}  // namespace vigil::alerts
