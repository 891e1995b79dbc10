#include "sim/ecg_wave.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace vigil::sim {
namespace {

// One Gaussian wave of a beat: amplitude (mV), centre and width (s) relative
// to the R peak.
struct Wave {
  double mv;
  double at;
  double width;
};

double gauss(double x, double width) {
  return std::exp(-0.5 * (x / width) * (x / width));
}

// Amplitudes and timings of a healthy adult's lead II (P 0.15 mV, QRS about
// 1 mV and 80-100 ms, T 0.3 mV).
constexpr Wave kSinusP{0.15, -0.16, 0.025};
constexpr Wave kAtrialPrematureP{0.09, -0.13, 0.02};
constexpr Wave kNarrowQrs[] = {{-0.12, -0.025, 0.008}, {1.1, 0.0, 0.01}, {-0.25, 0.03, 0.01}};
constexpr Wave kWideQrs[] = {{-0.35, -0.04, 0.02}, {1.3, 0.02, 0.03}, {-0.2, 0.09, 0.025}};
constexpr double kNormalT = 0.3, kVentricularT = -0.45;

// The T wave's place after the R peak shortens with the interval (Bazett:
// the QT interval goes with the square root of RR).
double t_wave_at(double rr_s) {
  return 0.26 * std::sqrt(std::clamp(rr_s, 0.3, 2.0));
}

double beat_wave(const Beat& b, double dt) {
  const double rr = b.rr.count() > 0 ? core::to_seconds(b.rr) : 0.8;
  double v = 0;
  if (b.kind == BeatKind::ectopic) {
    for (const auto& w : kWideQrs) v += w.mv * gauss(dt - w.at, w.width);
    return v + kVentricularT * gauss(dt - t_wave_at(rr) - 0.05, 0.07);
  }
  for (const auto& w : kNarrowQrs) v += w.mv * gauss(dt - w.at, w.width);
  return v + kNormalT * gauss(dt - t_wave_at(rr), 0.045);
}

double p_wave(const Beat& b, double dt) {
  const Wave& p = b.kind == BeatKind::atrial_premature ? kAtrialPrematureP : kSinusP;
  return p.mv * gauss(dt - p.at, p.width);
}

// Fibrillatory waves: an irregular 5-8 Hz oscillation of the baseline.
double fibrillation(double s) {
  const double phase = 2 * std::numbers::pi * 6.2 * s + 1.8 * std::sin(2 * std::numbers::pi * 0.37 * s);
  return 0.045 * std::sin(phase) + 0.02 * std::sin(2 * std::numbers::pi * 7.9 * s + 0.6);
}

// Coarse ventricular fibrillation: an irregular swing of the whole trace,
// no QRS and no isoelectric line, its frequency wandering over about
// 4-8 Hz and its amplitude over about 0.2-0.8 mV (waxing and waning), as
// in recordings of early VF (dominant frequency 4-7 Hz; fine VF below
// 0.2 mV comes later, untreated).
double ventricular_fibrillation(double s) {
  const double phase = 2 * std::numbers::pi * 5.6 * s + 4.0 * std::sin(2 * std::numbers::pi * 0.29 * s) +
                       6.0 * std::sin(2 * std::numbers::pi * 0.13 * s + 1.0);
  const double amplitude = 0.5 * (1 + 0.4 * std::sin(2 * std::numbers::pi * 0.23 * s) +
                                  0.2 * std::sin(2 * std::numbers::pi * 0.61 * s));
  return amplitude *
         (std::sin(phase) + 0.25 * std::sin(2 * phase + 0.7 + std::sin(2 * std::numbers::pi * 0.41 * s)));
}

// Flutter waves in lead II (typical, counter-clockwise flutter): a negative
// sawtooth with no flat baseline between waves, a slow descent over three
// quarters of the cycle and a quicker return, 0.3 mV from peak to trough.
double flutter_wave(const FlutterWaves& w, core::Duration t) {
  constexpr double kDescent = 0.75;  // share of the cycle
  const double phase = std::fmod(core::to_seconds(t - w.onset) / core::to_seconds(w.cycle), 1.0);
  const double down = phase < kDescent ? phase / kDescent : (1 - phase) / (1 - kDescent);
  return 0.15 - 0.3 * down;
}

// Uniform in [0, 1] from a hash of a number (a sample's time, a knot's
// index), so that a sample has the same value however the stream is cut
// into segments.
double hashed_uniform(std::uint64_t n) {
  auto x = n * 0x9E3779B97F4A7C15ull;
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  return static_cast<double>(x % 10001) / 10000.0;
}

// Amplifier noise, about 0.01 mV.
double noise(core::Duration t) {
  return 0.02 * (hashed_uniform(static_cast<std::uint64_t>(t.count())) - 0.5);
}

// A smooth random curve in [0, 1]: uniform values at knots `knot` apart,
// joined by cosine steps. `stream` keeps curves of one seed apart.
double value_noise(core::Duration t, core::Duration knot, std::uint64_t seed, std::uint64_t stream) {
  const auto i = t / knot;
  const double frac = core::to_seconds(t - i * knot) / core::to_seconds(knot);
  const auto key = [&](std::int64_t k) {
    return hashed_uniform((seed * 0x100000001B3ull + stream) * 0x9E3779B97F4A7C15ull +
                          static_cast<std::uint64_t>(k));
  };
  const double w = (1 - std::cos(std::numbers::pi * frac)) / 2;
  return key(i) * (1 - w) + key(i + 1) * w;
}

// Motion artefact as the electrodes pick it up (see ecg_wave.hpp), at full
// strength: how strong it is now comes in bursts of a few seconds.
constexpr core::Duration kBurstKnot = std::chrono::milliseconds{1500};
constexpr core::Duration kJerkKnot = std::chrono::milliseconds{50};  // electrode jerks, ~5-15 Hz
// Electrode jerks as large as the R wave at the height of a burst, muscle
// noise of +-0.4 mV: high-amplitude artefact, not a trace a nurse would trust.
constexpr double kWanderMv = 1.2, kJerkMv = 0.8, kMuscleMv = 0.4;

}  // namespace

double ecg_motion_artefact(core::Duration t, unsigned seed) {
  // Still for about a third of the time, then bursts of rising strength.
  const double burst = std::clamp((value_noise(t, kBurstKnot, seed, 1) - 0.3) / 0.7, 0.0, 1.0);
  if (burst <= 0) return 0;
  const double s = core::to_seconds(t);
  const double phase = 2 * std::numbers::pi * hashed_uniform(seed);
  const double wander = 0.5 * std::sin(2 * std::numbers::pi * 0.4 * s + phase) +
                        0.3 * std::sin(2 * std::numbers::pi * 0.9 * s + 2 * phase) +
                        0.2 * std::sin(2 * std::numbers::pi * 1.7 * s + 3 * phase);
  const double jerk = value_noise(t, kJerkKnot, seed, 2) - 0.5;
  const double muscle =
      hashed_uniform(static_cast<std::uint64_t>(t.count()) ^ (std::uint64_t{seed} << 40)) - 0.5;
  return burst * (kWanderMv * wander + 2 * kJerkMv * jerk + 2 * kMuscleMv * muscle);
}

double ecg_sample(const BeatTrain& train, core::Duration t, double resp_rate) {
  const double s = core::to_seconds(t);
  double v = 0.08 * std::sin(2 * std::numbers::pi * resp_rate / 60 * s) + noise(t);
  const bool af = train.rhythm_at(t) == Rhythm::atrial_fibrillation;
  if (af) v += fibrillation(s);
  if (const auto flutter = train.flutter_at(t)) v += flutter_wave(*flutter, t);
  if (train.rhythm_at(t) == Rhythm::ventricular_fibrillation) v += ventricular_fibrillation(s);
  const auto& beats = train.beats();
  // Beats whose waves reach t: from 0.8 s before (a slow T wave) to 0.3 s after (a P wave).
  auto it = std::lower_bound(beats.begin(), beats.end(), t - std::chrono::milliseconds{800},
                             [](const Beat& b, core::Duration x) { return b.t < x; });
  for (; it != beats.end() && it->t <= t + kEcgLookahead; ++it) {
    const double dt = core::to_seconds(t - it->t);
    v += beat_wave(*it, dt);
    // Only a sinus node makes P waves; in AF and flutter the atria draw their own waves.
    const bool p_before = it->kind != BeatKind::ectopic && train.rhythm_at(it->t) == Rhythm::sinus;
    if (p_before) v += p_wave(*it, dt);
  }
  return v;
}

}  // namespace vigil::sim
