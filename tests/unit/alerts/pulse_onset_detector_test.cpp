#include "alerts/pulse_onset_detector.hpp"

#include <doctest/doctest.h>

#include <cmath>

#include "synthetic_signals.hpp"

using namespace vigil::alerts;

namespace {

std::vector<PulseOnset> detect(const std::vector<float>& x, double fs) {
  PulseOnsetDetector d{fs};
  std::vector<PulseOnset> out;
  for (std::size_t at = 0; at < x.size(); at += 25)
    d.add(std::span<const float>(x).subspan(at, std::min<std::size_t>(25, x.size() - at)), out);
  return out;
}

struct Timing {
  std::size_t hits = 0;
  double mean_error = 0, max_deviation = 0;  // s; deviation from the mean error
};

Timing timing(const std::vector<double>& onsets, const std::vector<PulseOnset>& found, double fs) {
  Timing t;
  std::vector<double> errors;
  std::size_t f = 0;
  for (const double o : onsets) {
    if (o < 3.5) continue;  // the detector learns its level in the first 3 s
    while (f < found.size() && static_cast<double>(found[f].sample) / fs < o - 0.15) ++f;
    if (f < found.size() && std::abs(static_cast<double>(found[f].sample) / fs - o) <= 0.15) {
      errors.push_back(static_cast<double>(found[f].sample) / fs - o);
      ++f;
    }
  }
  t.hits = errors.size();
  for (const double e : errors) t.mean_error += e / static_cast<double>(errors.size());
  for (const double e : errors) t.max_deviation = std::max(t.max_deviation, std::abs(e - t.mean_error));
  return t;
}

std::size_t expected(const std::vector<double>& onsets, double seconds) {
  std::size_t n = 0;
  for (const double o : onsets) n += (o >= 3.5 && o < seconds - 0.4) ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("every pulse of a clean plethysmogram is found, with a steady onset delay") {
  const auto onsets = test::beat_times(test::sinus_rr(100, 0.8), 0.5);
  const auto found = detect(test::pleth(onsets, 125, 60), 125);
  const Timing t = timing(onsets, found, 125);
  CHECK(t.hits == expected(onsets, 60));
  CHECK(t.max_deviation < 0.02);  // interval error below 40 ms
  CHECK(std::abs(t.mean_error) < 0.08);
}

TEST_CASE("irregular pulses in AF are each found") {
  const auto onsets = test::beat_times(test::af_rr(120, 0.7), 0.5);
  const auto found = detect(test::pleth(onsets, 100, 60, 1.0), 100);
  const Timing t = timing(onsets, found, 100);
  CHECK(t.hits >= expected(onsets, 60) - 1);
}

TEST_CASE("pulse beats never claim ECG-grade quality; clean pulses score near the ceiling") {
  const auto onsets = test::beat_times(test::sinus_rr(100), 0.5);
  const auto found = detect(test::pleth(onsets, 125, 60), 125);
  REQUIRE(found.size() > 10);
  for (std::size_t i = 5; i < found.size(); ++i) {
    CHECK(found[i].quality <= kPulseQualityCeiling);
    CHECK(found[i].quality > 0.6);
  }
}

TEST_CASE("motion-like noise as large as the pulse drives the quality below the usable level") {
  const auto onsets = test::beat_times(test::sinus_rr(100), 0.5);
  const auto found = detect(test::pleth(onsets, 125, 60, 30.0), 125);
  double mean = 0;
  for (const auto& f : found) mean += f.quality / static_cast<double>(found.size());
  CHECK(mean < 0.5);
}

TEST_CASE("a flat pleth (probe off) gives no pulses") {
  PulseOnsetDetector d{125};
  std::vector<PulseOnset> out;
  const std::vector<float> flat(125 * 20, 512.0f);
  d.add(flat, out);
  CHECK(out.empty());
  CHECK(d.flat());
}
