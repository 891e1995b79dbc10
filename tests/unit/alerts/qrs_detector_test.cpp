#include "alerts/qrs_detector.hpp"

#include <doctest/doctest.h>

#include <cmath>

#include "synthetic_signals.hpp"

using namespace vigil::alerts;

namespace {

std::vector<QrsDetection> detect(const std::vector<float>& x, double fs, std::size_t chunk) {
  QrsDetector d{fs};
  std::vector<QrsDetection> out;
  for (std::size_t at = 0; at < x.size(); at += chunk) {
    d.add(std::span<const float>(x).subspan(at, std::min(chunk, x.size() - at)), out);
  }
  return out;
}

// Matched beats within 50 ms, counted one to one.
std::size_t matched(const std::vector<double>& truth, const std::vector<QrsDetection>& found, double fs,
                    double tolerance = 0.05) {
  std::size_t hits = 0, f = 0;
  for (const double t : truth) {
    while (f < found.size() && static_cast<double>(found[f].sample) / fs < t - tolerance) ++f;
    if (f < found.size() && std::abs(static_cast<double>(found[f].sample) / fs - t) <= tolerance) {
      ++hits;
      ++f;
    }
  }
  return hits;
}

std::vector<double> beats_within(const std::vector<double>& beats, double seconds) {
  std::vector<double> in;
  for (const double b : beats) {
    if (b < seconds - 0.5) in.push_back(b);
  }
  return in;
}

}  // namespace

TEST_CASE(
    "every beat of a clean synthetic ECG is found on its R wave, at 250 and 500 Hz; quality settles high") {
  const auto beats = beats_within(test::beat_times(test::sinus_rr(90, 0.8), 0.7), 60);
  for (const double fs : {250.0, 500.0}) {
    CAPTURE(fs);
    const auto found = detect(test::ecg(beats, fs, 60), fs, static_cast<std::size_t>(fs / 4));
    CHECK(found.size() == beats.size());
    CHECK(matched(beats, found, fs, 0.02) == beats.size());
    // The noise level starts from the first 2 s and needs a few beats to settle.
    for (const auto& f : found) {
      if (static_cast<double>(f.sample) / fs > 5) CHECK(f.quality > 0.8);
    }
  }
}

TEST_CASE("a clean ECG keeps its quality at fast rates, where the T wave comes close behind the QRS") {
  // The T wave's energy then sits on the tail of the QRS's moving integral;
  // counted with that tail it looked like noise a fifth of the QRS's size.
  for (const double rate : {150.0, 160.0, 180.0}) {
    CAPTURE(rate);
    const auto beats =
        beats_within(test::beat_times(test::sinus_rr(static_cast<std::size_t>(rate), 60.0 / rate)), 60);
    const auto found = detect(test::ecg(beats, 250, 60), 250, 62);
    CHECK(matched(beats, found, 250, 0.02) == beats.size());
    for (const auto& f : found) {
      if (static_cast<double>(f.sample) / 250 > 5) CHECK(f.quality > 0.8);
    }
  }
}

TEST_CASE("AF's irregular beats and a fast rate are all detected") {
  const auto beats = beats_within(test::beat_times(test::af_rr(150, 0.5)), 60);
  const auto found = detect(test::ecg(beats, 360, 60), 360, 90);
  CHECK(matched(beats, found, 360) >= beats.size() - 1);
  CHECK(found.size() <= beats.size() + 1);
}

TEST_CASE("the result does not depend on how the stream is cut into blocks") {
  const auto beats = beats_within(test::beat_times(test::sinus_rr(40)), 30);
  const auto x = test::ecg(beats, 250, 30);
  const auto whole = detect(x, 250, x.size());
  const auto bytes = detect(x, 250, 1);
  REQUIRE(whole.size() == bytes.size());
  for (std::size_t i = 0; i < whole.size(); ++i) CHECK(whole[i].sample == bytes[i].sample);
}

TEST_CASE("a flat line (lead off, saturated amplifier) gives no beats and quality 0") {
  QrsDetector d{250};
  std::vector<QrsDetection> out;
  const std::vector<float> flat(250 * 10, 0.3f);
  d.add(flat, out);
  CHECK(out.empty());
  CHECK(d.flat());
  CHECK(d.signal_quality() == 0.0);
}

TEST_CASE("asystole after sinus rhythm: the detector stops finding beats") {
  auto beats = beats_within(test::beat_times(test::sinus_rr(20)), 16);
  const auto x = test::ecg(beats, 250, 30);  // 14 s of baseline only after the last beat
  const auto found = detect(x, 250, 50);
  REQUIRE_FALSE(found.empty());
  CHECK(static_cast<double>(found.back().sample) / 250 < beats.back() + 0.1);
  CHECK(matched(beats, found, 250) == beats.size());
}

TEST_CASE("heavy noise drives the signal-quality index down") {
  const auto beats = beats_within(test::beat_times(test::sinus_rr(60)), 45);
  const auto clean = detect(test::ecg(beats, 250, 45, 0.02), 250, 62);
  const auto noisy = detect(test::ecg(beats, 250, 45, 0.8), 250, 62);
  double clean_q = 0, noisy_q = 0;
  for (const auto& f : clean) clean_q += f.quality / static_cast<double>(clean.size());
  for (const auto& f : noisy) noisy_q += f.quality / static_cast<double>(noisy.size());
  CHECK(clean_q > 0.9);
  CHECK(noisy_q < 0.5);
}

TEST_CASE("heavy noise drives the signal-quality index down at slow and fast rates alike") {
  for (const double rate : {60.0, 100.0, 160.0}) {
    CAPTURE(rate);
    const auto beats =
        beats_within(test::beat_times(test::sinus_rr(static_cast<std::size_t>(rate), 60.0 / rate)), 45);
    const auto noisy = detect(test::ecg(beats, 250, 45, 0.6), 250, 62);
    double q = 0;
    for (const auto& f : noisy) q += f.quality / static_cast<double>(noisy.size());
    CHECK(q < 0.3);
  }
}

TEST_CASE("a beat the threshold missed is recovered by search-back, with capped quality") {
  auto beats = beats_within(test::beat_times(test::sinus_rr(60)), 45);
  auto x = test::ecg(beats, 250, 45);
  // One beat at 40 % amplitude: below the threshold, above half of it.
  const double small = beats[40];
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / 250;
    if (std::abs(t - small) < 0.35) x[i] = static_cast<float>(x[i] - 0.6 * 1.1 * test::gauss(t, small, 0.01));
  }
  const auto found = detect(x, 250, 62);
  CHECK(matched(beats, found, 250) == beats.size());
}
