// Flutter is not AF: the baseline between the beats of a flutter repeats
// itself after one atrial cycle, fibrillatory waves do not
// (alerts/atrial_activity.hpp). Synthetic ECG through the analyzer's own QRS
// detector and classifier, and the alarm wording on a fake clock.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include "alerts/alarm_profile.hpp"
#include "alerts/rhythm_analyzer.hpp"
#include "alerts/rhythm_conditions.hpp"
#include "core/time.hpp"
#include "ecg_feed.hpp"
#include "synthetic_signals.hpp"

using namespace vigil;
using namespace vigil::alerts;

namespace {

constexpr double kFs = 250.0;
constexpr double kFlutterCycle = 0.2;  // 300/min

core::TimePoint at(double seconds) {
  return test::seconds_in(seconds);
}

RhythmState stream(RhythmAnalyzer& a, const std::vector<float>& x) {
  return test::stream(a, x, kFs);
}

// Each QRS 0.28 s after the start of a flutter wave (a fixed FR interval),
// conducting every `ratios[k]`-th wave.
std::vector<double> conducted(const std::vector<int>& ratios) {
  std::vector<double> beats{1.0 + 0.28};
  for (const int r : ratios) beats.push_back(beats.back() + r * kFlutterCycle);
  return beats;
}

RhythmState flutter_ecg(RhythmAnalyzer& a, const std::vector<double>& beats) {
  return stream(a, test::ecg_over_atria(beats, kFs, beats.back() + 1,
                                        [](double t) { return test::flutter_wave(t, kFlutterCycle); }));
}

// Variable block: 2:1, 3:1 or 4:1 at random (about 100/min), and the time
// from the conducted flutter wave to its QRS (FR) changing with it, 0.22 to
// 0.34 s, as the AV node's recovery does: the flutter wave before each QRS
// is not the same one every beat, so it does not read as a P wave (MIT-BIH
// 203's flutter does not either).
std::vector<double> variable_block(std::size_t n, unsigned seed) {
  std::mt19937 rng{seed};
  std::uniform_int_distribution<int> ratio{2, 4};
  std::uniform_real_distribution<double> fr{0.22, 0.34};
  std::vector<double> beats;
  double wave = 1.0;
  for (std::size_t i = 0; i < n; ++i) {
    wave += ratio(rng) * kFlutterCycle;
    beats.push_back(wave + fr(rng));
  }
  return beats;
}

// Fibrillatory waves: each wave of its own cycle (uniform in `mean_cycle`
// +-35 %) and amplitude (0.5-1.5 x `mv`), as fibrillation's change from
// wave to wave.
struct FibrillatoryWaves {
  std::vector<double> starts, amplitudes;
  double operator()(double t) const {
    const auto k =
        static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), t) - starts.begin());
    if (k == 0 || k >= starts.size()) return 0;
    const double phase = (t - starts[k - 1]) / (starts[k] - starts[k - 1]);
    return amplitudes[k - 1] * std::sin(2 * std::numbers::pi * phase);
  }
};
FibrillatoryWaves fibrillation(double mv, double mean_cycle, double seconds, unsigned seed) {
  std::mt19937 rng{seed};
  std::uniform_real_distribution<double> cycle{0.65 * mean_cycle, 1.35 * mean_cycle},
      size{0.5 * mv, 1.5 * mv};
  FibrillatoryWaves f{{0.0}, {}};
  while (f.starts.back() < seconds) {
    f.starts.push_back(f.starts.back() + cycle(rng));
    f.amplitudes.push_back(size(rng));
  }
  return f;
}

RhythmConfig without_flutter_call() {
  RhythmConfig c;
  c.flutter_regularity = 2;  // unreachable: the rhythm as before atrial activity was read
  return c;
}

}  // namespace

TEST_CASE("flutter at 300/min with 4:1 conduction: the baseline repeats every 0.2 s; regular, not AF") {
  RhythmAnalyzer a;
  const RhythmState st = flutter_ecg(a, conducted(std::vector<int>(200, 4)));
  CHECK(st.available());
  CHECK(st.rhythm == Rhythm::sinus);  // regular ventricles: nothing to call
  REQUIRE(st.atrial);
  CHECK(st.atrial->cycle_s == doctest::Approx(kFlutterCycle).epsilon(0.05));
  CHECK(st.atrial->regularity >= RhythmConfig{}.flutter_regularity);
}

TEST_CASE("flutter at 300/min with 2:1 conduction: 150/min, tachycardia, not AF") {
  // The stretch between T wave and QRS is shorter than a flutter cycle:
  // the atria cannot be read there, and the rate alone raises the alarm.
  RhythmAnalyzer a;
  const RhythmState st = flutter_ecg(a, conducted(std::vector<int>(300, 2)));
  CHECK(st.available());
  CHECK(st.rhythm != Rhythm::irregular_af);
  CHECK(st.tachycardia);
  CHECK_FALSE(st.atrial);
}

TEST_CASE("flutter at 300/min with variable 2:1-4:1 conduction is called flutter, not AF") {
  for (const unsigned seed : {3u, 5u, 8u}) {
    CAPTURE(seed);
    const std::vector<double> beats = variable_block(260, seed);
    RhythmAnalyzer before{without_flutter_call()};
    CHECK(flutter_ecg(before, beats).rhythm == Rhythm::irregular_af);  // intervals alone: AF
    RhythmAnalyzer a;
    const RhythmState st = flutter_ecg(a, beats);
    CHECK(st.available());
    REQUIRE(st.atrial);
    CHECK(st.rhythm == Rhythm::atrial_flutter);
    CHECK(st.atrial->cycle_s == doctest::Approx(kFlutterCycle).epsilon(0.05));
  }
}

TEST_CASE("AF: fibrillatory waves of changing cycle under an irregular response stay AF, not flutter") {
  // Coarse f waves (0.2 mV) of a 0.17 s mean cycle (350/min: flutter's
  // fastest) and fine ones (0.06 mV) of 0.15 s.
  struct Waves {
    double mv, cycle;
  };
  for (const Waves w : {Waves{0.1, 0.17}, Waves{0.03, 0.15}}) {
    CAPTURE(w.cycle);
    const std::vector<double> beats = test::beat_times(test::af_rr(240, 0.75, 11), 1.0);
    RhythmAnalyzer a;
    const RhythmState st = stream(a, test::ecg_over_atria(beats, kFs, beats.back() + 1,
                                                          fibrillation(w.mv, w.cycle, beats.back() + 1, 9)));
    CHECK(st.available());
    CHECK(st.rhythm == Rhythm::irregular_af);
  }
}

TEST_CASE(
    "a fast flutter with variable conduction raises the high irregular-rhythm alarm, worded as flutter") {
  // ECG beats that carry flutter waves at 300/min, ventricles at about
  // 120/min in 2:1 and 3:1 steps, each QRS 0.22-0.34 s after its wave.
  RhythmConditions rhythm;
  const RhythmRules rules = ketamine_iv_adult_profile().rhythm;
  std::mt19937 rng{4};
  std::uniform_int_distribution<int> ratio{2, 3};
  std::uniform_real_distribution<double> fr{0.22, 0.34};
  double wave = 1;
  std::optional<ConditionReport> af;
  for (int k = 0; k < 120; ++k) {
    wave += ratio(rng) * kFlutterCycle;
    const double t = wave + fr(rng);
    rhythm.on_beat(Beat{at(t), BeatSource::ecg, std::nullopt, 1.0, BeatShape::normal, std::nullopt,
                        AtrialWaves{kFlutterCycle, 0.9}});
    for (const auto& r : rhythm.check(rules, at(t)))
      if (r.condition == "atrial_fibrillation") af = r;
  }
  REQUIRE(af);
  CHECK(af->present);
  CHECK(af->priority == Priority::high);
  CHECK(af->message.find("Atrial flutter, fast variable conduction") == 0);
  CHECK(af->message.find("300/min") != std::string::npos);
  CHECK(af->message.find("AF") == std::string::npos);
}
