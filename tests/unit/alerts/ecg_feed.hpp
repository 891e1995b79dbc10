// A synthetic ECG fed to the rhythm analyzer (or a QRS detector) a second
// at a time, as the HL7 waveform path delivers it.
#pragma once

#include <algorithm>
#include <chrono>
#include <span>
#include <vector>

#include "alerts/qrs_detector.hpp"
#include "alerts/rhythm_analyzer.hpp"
#include "core/time.hpp"

namespace vigil::alerts::test {

inline core::TimePoint seconds_in(double seconds) {
  return core::TimePoint{} +
         std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(seconds));
}

inline RhythmState stream(RhythmAnalyzer& a, const std::vector<float>& x, double fs) {
  const auto second = static_cast<std::size_t>(fs);
  for (std::size_t at_sample = 0; at_sample < x.size(); at_sample += second)
    a.add_ecg_samples(seconds_in(static_cast<double>(at_sample) / fs), fs,
                      std::span<const float>(x).subspan(at_sample, std::min(second, x.size() - at_sample)));
  return a.state(seconds_in(static_cast<double>(x.size()) / fs));
}

// Every QRS a detector finds in a synthetic ECG, fed a second at a time.
inline std::vector<QrsDetection> detect_qrs(const std::vector<float>& x, double fs) {
  const auto second = static_cast<std::size_t>(fs);
  QrsDetector d{fs};
  std::vector<QrsDetection> out;
  for (std::size_t at = 0; at < x.size(); at += second)
    d.add(std::span<const float>(x).subspan(at, std::min(second, x.size() - at)), out);
  return out;
}

}  // namespace vigil::alerts::test
