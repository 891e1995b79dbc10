#pragma once
// Synthetic beat series and waveforms with known beat times, for the
// detector tests. Deterministic (fixed seeds) so a failure repeats.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

namespace vigil::alerts::test {

// RR intervals, seconds.
inline std::vector<double> sinus_rr(std::size_t n, double mean = 0.8, unsigned seed = 1) {
  std::mt19937 rng{seed};
  std::normal_distribution<double> small{0.0, 0.008};
  std::vector<double> rr;
  for (std::size_t i = 0; i < n; ++i) {
    const double respiratory = 0.03 * mean * std::sin(2 * std::numbers::pi * static_cast<double>(i) / 4.5);
    rr.push_back(mean + respiratory + small(rng));
  }
  return rr;
}

// AF: independent intervals, broad and skewed like AF's (mean ~ `mean`).
inline std::vector<double> af_rr(std::size_t n, double mean = 0.7, unsigned seed = 2) {
  std::mt19937 rng{seed};
  std::gamma_distribution<double> gamma{9.0, mean / 9.0};  // CV 1/3
  std::vector<double> rr;
  for (std::size_t i = 0; i < n; ++i) rr.push_back(std::clamp(gamma(rng), 0.3, 2.0));
  return rr;
}

// Sinus rhythm with a premature ventricular beat every `every` beats
// (coupling 65 %, full compensatory pause).
inline std::vector<double> with_pvcs(std::vector<double> rr, std::size_t every, double coupling = 0.65) {
  for (std::size_t i = every; i + 1 < rr.size(); i += every) {
    const double pair = rr[i] + rr[i + 1];
    rr[i] *= coupling;
    rr[i + 1] = pair - rr[i];
  }
  return rr;
}

inline std::vector<double> beat_times(const std::vector<double>& rr, double start = 1.0) {
  std::vector<double> t{start};
  for (const double r : rr) t.push_back(t.back() + r);
  return t;
}

inline double gauss(double x, double centre, double width) {
  const double z = (x - centre) / width;
  return std::exp(-0.5 * z * z);
}

// ECG in mV at `fs`: P, QRS (with Q and S), T waves at each beat time (the R
// peak), baseline wander, and white noise of `noise_mv` standard deviation.
inline std::vector<float> ecg(const std::vector<double>& beats, double fs, double seconds,
                              double noise_mv = 0.02, unsigned seed = 3) {
  std::mt19937 rng{seed};
  std::normal_distribution<double> noise{0.0, noise_mv};
  std::vector<float> x(static_cast<std::size_t>(seconds * fs));
  std::size_t first = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / fs;
    while (first < beats.size() && beats[first] < t - 1.0) ++first;
    double v = 0.15 * std::sin(2 * std::numbers::pi * 0.25 * t);
    for (std::size_t b = first; b < beats.size() && beats[b] < t + 1.0; ++b) {
      const double d = t - beats[b];
      v += 0.12 * gauss(d, -0.16, 0.02) - 0.12 * gauss(d, -0.025, 0.008) + 1.1 * gauss(d, 0.0, 0.01) -
           0.25 * gauss(d, 0.03, 0.01) + 0.3 * gauss(d, 0.26, 0.045);
    }
    x[i] = static_cast<float>(v + noise(rng));
  }
  return x;
}

// ECG in mV with a beat kind per beat: a conducted beat has its P wave
// 160 ms before a narrow QRS; a ventricular beat (ventricular[b]) has no P
// wave, a wide (~140 ms) QRS and an opposite T wave. With `af`, no beat has
// a P wave and the baseline carries fibrillatory waves (0.08 mV, 4-8 Hz,
// drifting phase).
inline std::vector<float> ecg_with_kinds(const std::vector<double>& beats,
                                         const std::vector<bool>& ventricular, double fs, double seconds,
                                         bool af = false, double noise_mv = 0.02, unsigned seed = 5) {
  std::mt19937 rng{seed};
  std::normal_distribution<double> noise{0.0, noise_mv};
  std::uniform_real_distribution<double> phase{0.0, 2 * std::numbers::pi};
  const double f1 = 5.1, f2 = 6.3, f3 = 7.4;
  const double p1 = phase(rng), p2 = phase(rng), p3 = phase(rng);
  std::vector<float> x(static_cast<std::size_t>(seconds * fs));
  std::size_t first = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / fs;
    while (first < beats.size() && beats[first] < t - 1.0) ++first;
    double v = 0.15 * std::sin(2 * std::numbers::pi * 0.25 * t);
    if (af) {
      const double wander = 0.7 * std::sin(2 * std::numbers::pi * 0.13 * t);
      v += 0.04 * std::sin(2 * std::numbers::pi * f1 * t + p1 + 3 * wander) +
           0.03 * std::sin(2 * std::numbers::pi * f2 * t + p2 - 2 * wander) +
           0.02 * std::sin(2 * std::numbers::pi * f3 * t + p3 + wander);
    }
    for (std::size_t b = first; b < beats.size() && beats[b] < t + 1.0; ++b) {
      const double d = t - beats[b];
      if (b < ventricular.size() && ventricular[b]) {
        v += 1.3 * gauss(d, 0.0, 0.035) - 0.5 * gauss(d, 0.07, 0.03) - 0.4 * gauss(d, 0.3, 0.06);
      } else {
        if (!af) v += 0.15 * gauss(d, -0.16, 0.02);
        v += -0.12 * gauss(d, -0.025, 0.008) + 1.1 * gauss(d, 0.0, 0.01) - 0.25 * gauss(d, 0.03, 0.01) +
             0.3 * gauss(d, 0.26, 0.045);
      }
    }
    x[i] = static_cast<float>(v + noise(rng));
  }
  return x;
}

// ECG in mV with conducted beats (narrow QRS and T, no P wave) at `beats`
// over atrial activity `atrial(t)` (mV): a flutter's sawtooth, coarse
// fibrillatory waves. Baseline wander and white noise as in ecg_with_kinds.
template <typename Atrial>
std::vector<float> ecg_over_atria(const std::vector<double>& beats, double fs, double seconds, Atrial atrial,
                                  double noise_mv = 0.02, unsigned seed = 7) {
  std::mt19937 rng{seed};
  std::normal_distribution<double> noise{0.0, noise_mv};
  std::vector<float> x(static_cast<std::size_t>(seconds * fs));
  std::size_t first = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / fs;
    while (first < beats.size() && beats[first] < t - 1.0) ++first;
    double v = 0.15 * std::sin(2 * std::numbers::pi * 0.25 * t) + atrial(t);
    for (std::size_t b = first; b < beats.size() && beats[b] < t + 1.0; ++b) {
      const double d = t - beats[b];
      v += -0.12 * gauss(d, -0.025, 0.008) + 1.1 * gauss(d, 0.0, 0.01) - 0.25 * gauss(d, 0.03, 0.01) +
           0.3 * gauss(d, 0.26, 0.045);
    }
    x[i] = static_cast<float>(v + noise(rng));
  }
  return x;
}

// Typical atrial flutter in lead II: a negative sawtooth (slow fall, quick
// rise) of `amplitude_mv` peak to peak at one wave per `cycle` seconds
// (0.2 s: 300/min), continuous, no isoelectric baseline.
inline double flutter_wave(double t, double cycle = 0.2, double amplitude_mv = 0.2) {
  const double phase = t / cycle - std::floor(t / cycle);
  const double wave = phase < 0.75 ? 1.0 - phase / 0.75 : (phase - 0.75) / 0.25;  // 1 -> 0 slowly, back fast
  return amplitude_mv * (wave - 0.5);
}

// Plethysmogram (arbitrary units): a pulse starting at each onset time.
inline std::vector<float> pleth(const std::vector<double>& onsets, double fs, double seconds,
                                double noise = 0.3, unsigned seed = 4) {
  auto pulse = [](double tau) {
    if (tau < 0) return 0.0;
    if (tau < 0.15) return 0.5 * (1 - std::cos(std::numbers::pi * tau / 0.15));
    const double d = tau - 0.15;
    return std::exp(-d / 0.35) + 0.15 * gauss(d, 0.25, 0.05);
  };
  std::mt19937 rng{seed};
  std::normal_distribution<double> n{0.0, noise};
  std::vector<float> x(static_cast<std::size_t>(seconds * fs));
  std::size_t first = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / fs;
    while (first < onsets.size() && onsets[first] < t - 3.0) ++first;
    double v = 1000 + 5 * std::sin(2 * std::numbers::pi * 0.2 * t);
    for (std::size_t b = first; b < onsets.size() && onsets[b] < t + 0.1; ++b) v += 50 * pulse(t - onsets[b]);
    x[i] = static_cast<float>(v + n(rng));
  }
  return x;
}

}  // namespace vigil::alerts::test
