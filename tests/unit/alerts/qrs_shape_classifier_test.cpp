#include "alerts/qrs_shape_classifier.hpp"

#include <doctest/doctest.h>

#include "alerts/qrs_detector.hpp"
#include "alerts/rhythm_analyzer.hpp"
#include "core/time.hpp"
#include "synthetic_signals.hpp"

using namespace vigil;
using namespace vigil::alerts;

namespace {

constexpr double kFs = 250.0;

std::vector<QrsDetection> detect(const std::vector<float>& x) {
  QrsDetector d{kFs};
  std::vector<QrsDetection> out;
  for (std::size_t at = 0; at < x.size(); at += 250)
    d.add(std::span<const float>(x).subspan(at, std::min<std::size_t>(250, x.size() - at)), out);
  return out;
}

// Sinus at `rr` with every `every`-th beat a PVC (coupling 60 %, full compensatory pause).
struct Series {
  std::vector<double> times;
  std::vector<bool> ventricular;
};
Series with_pvcs_every(std::size_t n, double rr, std::size_t every, std::size_t first_pvc) {
  Series s;
  double t = 1.0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool pvc = i >= first_pvc && (i - first_pvc) % every == 0;
    const bool after_pvc = !s.ventricular.empty() && s.ventricular.back();
    t += pvc ? 0.6 * rr : (after_pvc ? 1.4 * rr : rr);
    s.times.push_back(t);
    s.ventricular.push_back(pvc);
  }
  return s;
}

// For each true beat, the shape found for it (unknown when not detected).
std::vector<QrsShape> shapes_of(const Series& s, const std::vector<QrsDetection>& found) {
  std::vector<QrsShape> out(s.times.size());
  std::size_t f = 0;
  for (std::size_t b = 0; b < s.times.size(); ++b) {
    while (f < found.size() && static_cast<double>(found[f].sample) / kFs < s.times[b] - 0.05) ++f;
    if (f < found.size() && static_cast<double>(found[f].sample) / kFs <= s.times[b] + 0.05)
      out[b] = found[f].shape;
  }
  return out;
}

core::TimePoint at(double seconds) {
  return core::TimePoint{} +
         std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(seconds));
}

RhythmState stream(RhythmAnalyzer& a, const std::vector<float>& x) {
  for (std::size_t at_sample = 0; at_sample < x.size(); at_sample += 250) {
    a.add_ecg_samples(
        at(static_cast<double>(at_sample) / kFs), kFs,
        std::span<const float>(x).subspan(at_sample, std::min<std::size_t>(250, x.size() - at_sample)));
  }
  return a.state(at(static_cast<double>(x.size()) / kFs));
}

}  // namespace

TEST_CASE(
    "ventricular bigeminy from the first beat: the wide beats are ventricular, the narrow ones normal") {
  const Series s = with_pvcs_every(150, 0.8, 2, 0);
  const auto shapes =
      shapes_of(s, detect(test::ecg_with_kinds(s.times, s.ventricular, kFs, s.times.back() + 1)));
  std::size_t pvcs = 0, pvcs_out = 0, normals = 0, normals_kept = 0;
  std::size_t missed = 0;
  for (std::size_t b = 20; b < shapes.size(); ++b) {  // after the template is learnt
    if (shapes[b].shape == BeatShape::unknown) {      // not detected
      ++missed;
    } else if (s.ventricular[b]) {
      ++pvcs;
      pvcs_out += outside_normal_conduction(shapes[b].shape) ? 1 : 0;
      CHECK(shapes[b].shape != BeatShape::normal);
    } else {
      ++normals;
      normals_kept += shapes[b].shape == BeatShape::normal ? 1 : 0;
    }
  }
  CHECK(missed <= 3);
  CHECK(pvcs_out == pvcs);
  CHECK(normals_kept == normals);
}

TEST_CASE("a conducted beat shows its P wave; in AF the stretch before the QRS is fibrillatory baseline") {
  const std::vector<double> sinus = test::beat_times(test::sinus_rr(120, 0.85), 1.0);
  const std::vector<bool> none(sinus.size(), false);
  std::size_t with_p = 0, counted = 0;
  for (const auto& q : detect(test::ecg_with_kinds(sinus, none, kFs, sinus.back() + 1))) {
    if (!q.shape.p_wave) continue;
    ++counted;
    with_p += *q.shape.p_wave >= 0.7 ? 1 : 0;
  }
  REQUIRE(counted > 90);
  CHECK(with_p >= counted * 95 / 100);

  const std::vector<double> af = test::beat_times(test::af_rr(120, 0.7), 1.0);
  std::size_t af_with_p = 0, af_counted = 0;
  for (const auto& q :
       detect(test::ecg_with_kinds(af, std::vector<bool>(af.size()), kFs, af.back() + 1, true))) {
    if (!q.shape.p_wave) continue;
    ++af_counted;
    af_with_p += *q.shape.p_wave >= 0.7 ? 1 : 0;
  }
  REQUIRE(af_counted > 90);
  CHECK(af_with_p < af_counted / 2);
}

TEST_CASE(
    "frequent PVCs in bigeminy on a streamed ECG raise no AF; an AF stretch on the same analyzer does") {
  RhythmAnalyzer bigeminy;
  const Series s = with_pvcs_every(200, 0.85, 2, 5);
  const RhythmState st =
      stream(bigeminy, test::ecg_with_kinds(s.times, s.ventricular, kFs, s.times.back() + 1));
  CHECK(st.available());
  CHECK(st.rhythm == Rhythm::sinus);
  // Every conducted beat follows a PVC; its P wave is read all the same (the
  // PVC's T wave is over by then), so the atria are seen to be organised.
  REQUIRE(st.p_wave_match);
  CHECK(*st.p_wave_match > 0.8);

  RhythmAnalyzer fibrillating;
  const std::vector<double> af = test::beat_times(test::af_rr(200, 0.6), 1.0);
  const RhythmState fa =
      stream(fibrillating, test::ecg_with_kinds(af, std::vector<bool>(af.size()), kFs, af.back() + 1, true));
  CHECK(fa.available());
  CHECK(fa.rhythm == Rhythm::irregular_af);
  REQUIRE(fa.p_wave_match);
  CHECK(*fa.p_wave_match < 0.3);
}

TEST_CASE("marked respiratory sinus arrhythmia on a streamed ECG: P waves before every beat keep it sinus") {
  // A young adult breathing 12/min: the RR swings +-20 % with each breath.
  std::vector<double> rr;
  for (int i = 0; i < 200; ++i) rr.push_back(0.9 + 0.18 * std::sin(2 * std::numbers::pi * i / 4.5));
  const std::vector<double> beats = test::beat_times(rr, 1.0);
  RhythmAnalyzer a;
  const RhythmState st =
      stream(a, test::ecg_with_kinds(beats, std::vector<bool>(beats.size()), kFs, beats.back() + 1));
  CHECK(st.available());
  CHECK(st.rhythm == Rhythm::sinus);
  REQUIRE(st.p_wave_match);
  CHECK(*st.p_wave_match > 0.9);
}
