// The detector keeps its window's lengths and lag differences in sorted
// orders updated as intervals enter and leave, and reads the median, the
// pattern quantiles and the residual irregularity off them;
// RrAfDetector::features_from_scratch selects them anew. Both must agree
// bit for bit, or the validated figures no longer describe what runs.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "alerts/rr_af_detector.hpp"
#include "rr_af_agreement.hpp"
#include "synthetic_signals.hpp"

using namespace vigil::alerts;

namespace {

// Sinus, AF, ectopy, poor-quality beats, implausible intervals and
// repeated values (ties in the orders), in stretches.
std::vector<std::pair<double, bool>> mixed_series(unsigned seed) {
  std::mt19937 rng{seed};
  std::uniform_int_distribution<int> kind{0, 5};
  std::uniform_real_distribution<double> unit{0.0, 1.0};
  std::vector<std::pair<double, bool>> out;
  for (int stretch = 0; stretch < 30; ++stretch) {
    const int k = kind(rng);
    const auto sinus = test::sinus_rr(40, 0.6 + 0.4 * unit(rng), seed + static_cast<unsigned>(stretch));
    const auto af = test::af_rr(40, 0.5 + 0.3 * unit(rng), seed + 100 + static_cast<unsigned>(stretch));
    for (std::size_t i = 0; i < 40; ++i) {
      double rr = k == 1 ? af[i] : sinus[i];
      if (k == 2 && i % 3 == 1) rr *= 0.65;            // premature beats
      if (k == 3) rr = i % 2 ? 0.5 : 1.1;              // bigeminy: exact ties
      if (k == 4 && unit(rng) < 0.1) rr = 0.1;         // extra detections
      if (k == 4 && unit(rng) < 0.05) rr = 3.5;        // a long gap
      const bool good = !(k == 5 && unit(rng) < 0.3);  // poor-quality beats
      out.emplace_back(rr, good);
    }
  }
  return out;
}

void check_agreement(const AfDetectorConfig& config, unsigned seed) {
  CHECK(test::check_features_agree(config, mixed_series(seed)).assessed > 600);
}

}  // namespace

TEST_CASE("the detector's running orders give exactly the features computed from scratch") {
  for (const unsigned seed : {1u, 2u, 4u, 5u, 6u, 7u}) {
    CAPTURE(seed);
    check_agreement({}, seed);
    AfDetectorConfig pulse;  // jitter allowance in every difference
    pulse.timing_noise = std::chrono::milliseconds{20};
    check_agreement(pulse, seed);
    AfDetectorConfig small;  // the window grows to its minimum; other lags and quantile
    small.window = 8;
    small.first_assessment = 8;
    small.max_pattern_lag = 3;
    small.pattern_quantile = 0.5;
    check_agreement(small, seed);
    AfDetectorConfig wide;  // more than a word of bits in sample entropy's sets
    wide.window = 100;
    wide.first_assessment = 50;
    check_agreement(wide, seed);
  }
}

namespace {

// Pulse beats as a Nonin oximeter flags them: in one of its 75 frames a
// second, timed by its frame clock in whole microseconds, so intervals fall
// on a few values and the window's median (sample entropy's tolerance)
// often stays from one beat to the next, when the detector moves its pair
// counts on instead of counting afresh. Sinus with breathing, AF, and
// beats of poor quality, in stretches.
std::vector<std::pair<double, bool>> frame_clock_series(unsigned seed) {
  std::mt19937 rng{seed};
  std::uniform_real_distribution<double> unit{0.0, 1.0};
  std::vector<std::pair<double, bool>> out;
  long frame = 0;
  auto clock_us = [](long f) { return f * 1'000'000 / 75; };
  for (int stretch = 0; stretch < 20; ++stretch) {
    const bool af = stretch % 3 == 1, noisy = stretch % 4 == 3;
    for (int i = 0; i < 60; ++i) {
      const double rr = af ? 0.45 + 0.5 * unit(rng) : 0.8 + 0.05 * std::sin(i * 0.8) + 0.02 * unit(rng);
      const long next = frame + std::lround(rr * 75);
      out.emplace_back(static_cast<double>(clock_us(next) - clock_us(frame)) / 1e6,
                       !(noisy && unit(rng) < 0.2));
      frame = next;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("on a 75 Hz frame clock's intervals the running counts give exactly the features from scratch") {
  for (const unsigned seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    AfDetectorConfig pulse;
    pulse.timing_noise = std::chrono::milliseconds{20};
    const auto seen = test::check_features_agree(pulse, frame_clock_series(seed));
    CHECK(seen.assessed > 1000);
    CHECK(seen.af_called > 100);
    CHECK(test::check_features_agree({}, frame_clock_series(seed)).assessed > 1000);
  }
}

namespace {

// Sample entropy as defined (m = 1), pair by pair: the counts the detector
// takes a word of bits at a time. Median and tolerance as the detector
// takes them (the lower median of the usable lengths; 4 % of it plus half a
// jitter sd).
double entropy_by_pairs(const std::vector<double>& rr, const std::vector<bool>& usable, double noise_s) {
  std::vector<double> lengths;
  for (std::size_t j = 0; j < rr.size(); ++j)
    if (usable[j]) lengths.push_back(rr[j]);
  std::sort(lengths.begin(), lengths.end());
  const double r = 0.04 * lengths[lengths.size() / 2] + 0.5 * noise_s;
  std::size_t a = 0, b = 0;
  for (std::size_t i = 0; i + 1 < rr.size(); ++i) {
    for (std::size_t j = i + 1; j + 1 < rr.size(); ++j) {
      if (!usable[i] || !usable[i + 1] || !usable[j] || !usable[j + 1]) continue;
      if (std::abs(rr[i] - rr[j]) > r) continue;
      ++b;
      if (std::abs(rr[i + 1] - rr[j + 1]) <= r) ++a;
    }
  }
  return -std::log((static_cast<double>(a) + 0.2) / (static_cast<double>(b) + 1));
}

}  // namespace

TEST_CASE("sample entropy counts every pair as its definition does, in windows of 8 to 150 intervals") {
  // Windows past 64 and 128 intervals cross the words the likeness rows are
  // kept in; the series mixes AF, sinus, exact ties and unusable intervals.
  const auto series = mixed_series(3);
  std::size_t compared = 0, nonzero = 0;
  for (const std::size_t n : {8u, 9u, 31u, 32u, 33u, 63u, 64u, 65u, 66u, 127u, 128u, 129u, 150u}) {
    for (int start = 0; start + n <= series.size() && start < 1000; start += 37) {
      std::vector<double> rr;
      std::vector<bool> usable;
      for (std::size_t k = 0; k < n; ++k) {
        const auto& [s, good] = series[static_cast<std::size_t>(start) + k];
        rr.push_back(s);
        usable.push_back(good && s >= 0.2 && s <= 3.0);
      }
      if (std::count(usable.begin(), usable.end(), true) < 8) continue;
      for (const int noise_ms : {0, 20}) {
        AfDetectorConfig c;
        c.timing_noise = std::chrono::milliseconds{noise_ms};
        CAPTURE(n);
        CAPTURE(start);
        const double expected = entropy_by_pairs(rr, usable, noise_ms / 1000.0);
        REQUIRE(RrAfDetector::features_from_scratch(rr, usable, c).entropy == expected);
        ++compared;
        nonzero += expected != -std::log(0.2) ? 1 : 0;
      }
    }
  }
  CHECK(compared > 250);
  CHECK(nonzero > compared / 2);  // most windows have alike pairs to count
}
