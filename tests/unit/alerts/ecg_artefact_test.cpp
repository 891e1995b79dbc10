// Motion and electrode artefact judged from the ECG itself (EcgArtefact, in
// every QrsDetector): synthetic ECG with electrode jerks and muscle noise
// added is flagged, and its beats leave the AF analysis; clean sinus rhythm,
// ventricular bigeminy and a ventricular tachycardia (beats that repeat
// their shape) are not flagged. Fed a second at a time on the analyzer's
// own clock (ecg_feed.hpp).
#include "alerts/ecg_artefact.hpp"

#include <doctest/doctest.h>

#include <random>

#include "alerts/qrs_detector.hpp"
#include "alerts/rhythm_analyzer.hpp"
#include "alerts/rhythm_conditions.hpp"
#include "ecg_feed.hpp"
#include "synthetic_signals.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;

namespace {

constexpr double kArtefactTestFs = 250.0;

std::vector<QrsDetection> detect_beats(const std::vector<float>& x) {
  return test::detect_qrs(x, kArtefactTestFs);
}

std::size_t flagged(const std::vector<QrsDetection>& found, double from_s, double to_s) {
  return static_cast<std::size_t>(std::count_if(found.begin(), found.end(), [&](const QrsDetection& q) {
    const double t = static_cast<double>(q.sample) / kArtefactTestFs;
    return t >= from_s && t < to_s && q.artefact != ArtefactReason::none;
  }));
}

// Electrode jerks as a moving patient's: random steps every 50 ms smoothed
// into 5-15 Hz swings of up to +-`jerk_mv`, plus uniform muscle noise of
// +-`muscle_mv`, from `from_s` to `to_s`.
void add_motion(std::vector<float>& x, double from_s, double to_s, double jerk_mv, double muscle_mv,
                unsigned seed = 11) {
  std::mt19937 rng{seed};
  std::uniform_real_distribution<double> u{-1.0, 1.0};
  const auto knot = static_cast<std::size_t>(0.05 * kArtefactTestFs);
  double a = 0, b = u(rng);
  for (auto i = static_cast<std::size_t>(from_s * kArtefactTestFs);
       i < static_cast<std::size_t>(to_s * kArtefactTestFs) && i < x.size(); ++i) {
    if (i % knot == 0) {
      a = b;
      b = u(rng);
    }
    const double w = static_cast<double>(i % knot) / static_cast<double>(knot);
    x[i] += static_cast<float>(jerk_mv * (a + (b - a) * w) + muscle_mv * u(rng));
  }
}

}  // namespace

TEST_CASE("a clean sinus ECG is never artefact") {
  const auto times = test::beat_times(test::sinus_rr(300, 0.8));
  const auto found = detect_beats(test::ecg(times, kArtefactTestFs, times.back() + 1));
  REQUIRE(found.size() >= 295);
  CHECK(flagged(found, 0, 1e9) == 0);
}

TEST_CASE("ventricular bigeminy and a ventricular tachycardia repeat their shape: not artefact") {
  // 60 beats of sinus rhythm with PVCs every other beat, then 90 s of a
  // ventricular rhythm at 150/min: one focus, one shape, every beat.
  std::vector<double> times;
  std::vector<bool> ventricular;
  double t = 1.0;
  for (int i = 0; i < 60; ++i) {
    const bool pvc = i % 2 == 1;
    t += pvc ? 0.5 : (i > 0 ? 1.1 : 0.8);
    times.push_back(t);
    ventricular.push_back(pvc);
  }
  for (; t < times.front() + 150; t += 0.4) {
    times.push_back(t + 0.4);
    ventricular.push_back(true);
  }
  const auto x = test::ecg_with_kinds(times, ventricular, kArtefactTestFs, times.back() + 1);
  CHECK(flagged(detect_beats(x), 0, 1e9) == 0);
  RhythmAnalyzer a;
  const RhythmState s = test::stream(a, x, kArtefactTestFs);
  CHECK_FALSE(s.ecg_artefact);
  REQUIRE(s.ventricular_rate_bpm);
  CHECK(*s.ventricular_rate_bpm == doctest::Approx(150).epsilon(0.05));
  CHECK(s.tachycardia);
}

TEST_CASE(
    "electrode jerks and muscle noise on sinus rhythm: flagged, out of the AF analysis, no false rate") {
  const auto times = test::beat_times(test::sinus_rr(240, 0.8));
  auto x = test::ecg(times, kArtefactTestFs, 180);
  add_motion(x, 60, 100, 0.8, 0.4);
  const auto found = detect_beats(x);
  CHECK(flagged(found, 0, 60) == 0);
  CHECK(flagged(found, 62, 100) >= 25);  // most detections in it (a burst's first two suspects open it)
  CHECK(flagged(found, 110, 180) == 0);  // clean again once the burst is over

  RhythmAnalyzer a;
  std::vector<float> first(x.begin(), x.begin() + static_cast<long>(95 * kArtefactTestFs));
  RhythmState s = test::stream(a, first, kArtefactTestFs);
  CHECK(s.ecg_artefact);
  CHECK(s.rhythm != Rhythm::irregular_af);
  CHECK(s.unavailable == Unavailable::poor_signal);  // its beats' intervals are not used
  CHECK_FALSE(s.tachycardia);
  RhythmAnalyzer b;
  s = test::stream(b, x, kArtefactTestFs);
  CHECK_FALSE(s.ecg_artefact);
  CHECK(s.rhythm == Rhythm::sinus);
}

TEST_CASE("muscle noise alone, broadband above 40 Hz, is artefact") {
  const auto times = test::beat_times(test::sinus_rr(150, 0.8));
  auto x = test::ecg(times, kArtefactTestFs, 120);
  add_motion(x, 60, 90, 0.0, 0.5);
  const auto found = detect_beats(x);
  CHECK(flagged(found, 0, 60) == 0);
  CHECK(flagged(found, 61, 90) >= 20);  // of about 36 beats
  std::size_t muscle = 0;
  for (const auto& q : found) muscle += q.artefact == ArtefactReason::muscle_noise ? 1 : 0;
  CHECK(muscle >= 10);  // the rest: the noise also spoils the beats' shapes
  CHECK(flagged(found, 95, 120) == 0);
}

TEST_CASE("the ecg_artefact condition: present while the ECG is artefact and 5 s after, worded for staff") {
  core::ManualClock clock;
  RhythmConditions rhythm;
  const RhythmRules rules = ketamine_iv_adult_profile().rhythm;
  auto second = [&](bool artefact) {
    const auto from = clock.now();
    clock.advance(1s);
    rhythm.on_beat(Beat{from + 200ms, BeatSource::ecg, std::nullopt, artefact ? 0.2 : 0.9});
    rhythm.on_ecg_coverage(from, clock.now(), artefact ? 0.2 : 0.9, false, artefact);
    std::optional<ConditionReport> art, unavailable;
    for (const auto& r : rhythm.check(rules, clock.now())) {
      if (r.condition == "ecg_artefact") art = r;
      if (r.condition == "rhythm_unavailable") unavailable = r;
    }
    REQUIRE(art);
    REQUIRE(unavailable);
    CHECK_FALSE((art->present && unavailable->present));  // one technical alarm for one cause
    return *art;
  };
  for (int i = 0; i < 40; ++i) CHECK_FALSE(second(false).present);
  ConditionReport r = second(true);
  CHECK(r.present);
  CHECK(r.kind == AlarmKind::technical);
  CHECK(r.priority == Priority::low);
  CHECK(r.delay == rules.unavailable_delay);  // the engine waits on the injected clock
  CHECK(r.message.starts_with("ECG artefact — check electrodes"));
  for (int i = 0; i < 20; ++i) CHECK(second(true).present);
  for (int i = 0; i < 4; ++i) CHECK(second(false).present);  // held through the gaps between bursts
  for (int i = 0; i < 3; ++i) second(false);
  CHECK_FALSE(second(false).present);
}
