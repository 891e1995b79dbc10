// VF judged on the ECG waveform (VfDetector: filter leakage and TCSC must
// both say VF): a sine-like 4-8 Hz swing is VF-like, an organised ECG of any
// rate is not, nor is broadband noise or a swing too small to be more than a
// lead off. Deterministic synthetic signals (synthetic_signals.hpp).
#include "alerts/vf_detector.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "synthetic_signals.hpp"

using namespace vigil;
using namespace vigil::alerts;

namespace {

constexpr double kFs = 250.0;

struct Seen {
  std::size_t judged = 0, vf_like = 0;
};

Seen judge_all(const std::vector<float>& x, double fs = kFs) {
  VfDetector d{fs};
  Seen s;
  std::int64_t last = 0;
  for (const float v : x) {
    d.add(v);
    if (d.judgement() && d.judgement()->end_sample != last) {
      last = d.judgement()->end_sample;
      ++s.judged;
      s.vf_like += d.vf_like() ? 1 : 0;
    }
  }
  return s;
}

std::vector<double> regular_beats(double rate, double seconds) {
  std::vector<double> beats;
  for (double t = 0.5; t < seconds; t += 60.0 / rate) beats.push_back(t);
  return beats;
}

std::vector<float> sine(double hz, double amplitude_mv, double seconds, double fs = kFs) {
  std::vector<float> x(static_cast<std::size_t>(seconds * fs));
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] =
        static_cast<float>(amplitude_mv * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / fs));
  return x;
}

}  // namespace

TEST_CASE(
    "a 5 Hz swing of 0.6 mV, the plainest VF, is VF-like from its first full window, at 125 to 500 /s") {
  for (const double fs : {125.0, 250.0, 360.0, 500.0}) {
    CAPTURE(fs);
    const auto s = judge_all(sine(5, 0.6, 20, fs), fs);
    CHECK(s.judged == 17);  // once a second from the end of the first 4 s
    CHECK(s.vf_like == s.judged);
  }
  const auto four_seconds = sine(5, 0.6, 4);
  const auto j = VfDetector::judge(std::vector<double>(four_seconds.begin(), four_seconds.end()), kFs);
  CHECK(j.leakage < 0.1);
  CHECK(j.tcsc > 0.7);
}

TEST_CASE("the same swing at 0.05 mV is not judged VF: so small a trace is a lead off or asystole") {
  CHECK(judge_all(sine(5, 0.05, 20)).vf_like == 0);
}

TEST_CASE("clean sinus rhythm at 60, 75, 120 and 170 /min is never VF-like") {
  for (const double rate : {60.0, 75.0, 120.0, 170.0}) {
    CAPTURE(rate);
    const auto s = judge_all(test::ecg(regular_beats(rate, 120), kFs, 120));
    CHECK(s.judged > 100);
    CHECK(s.vf_like == 0);
  }
}

TEST_CASE("broadband noise with no ECG (muscle, a loose electrode) is not VF: it does not cancel itself") {
  std::mt19937 rng{7};
  std::normal_distribution<double> noise{0.0, 0.3};
  std::vector<float> x(static_cast<std::size_t>(60 * kFs));
  for (auto& v : x) v = static_cast<float>(noise(rng));
  CHECK(judge_all(x).vf_like == 0);
}

TEST_CASE(
    "a ventricular tachycardia at 200/min with separate wide complexes is not VF-like (the tachycardia "
    "alarm's); at 250/min, sine-like, it is") {
  auto vt = [](double rate) {
    const auto beats = regular_beats(rate, 60);
    return test::ecg_with_kinds(beats, std::vector<bool>(beats.size(), true), kFs, 60);
  };
  CHECK(judge_all(vt(200)).vf_like == 0);
  const auto flutter = judge_all(vt(250));
  CHECK(flutter.vf_like * 2 > flutter.judged);
}
