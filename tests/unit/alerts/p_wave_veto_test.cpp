// The P-wave veto weighs each conducted beat's P-wave match capped at
// +-RhythmConfig::p_wave_match_cap: a coarse fibrillatory wave that falls in
// phase with the running average now and then must not outvote the beats
// where it falls against it, and a small P wave in noise must keep its
// weight. Beats are given with their shape and match, as vigild's ECG beat
// source hands them over.
#include <doctest/doctest.h>

#include <array>

#include "alerts/rhythm_analyzer.hpp"
#include "core/time.hpp"
#include "synthetic_signals.hpp"

using namespace vigil;
using namespace vigil::alerts;

namespace {

const core::TimePoint kStart = core::ManualClock{}.now();

core::TimePoint at(double seconds) {
  return kStart + std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(seconds));
}

// Irregular (AF-like) normal-shaped ECG beats whose P-wave matches cycle
// through `matches`; the state after the last beat.
template <std::size_t N>
RhythmState irregular_beats_with(const std::array<double, N>& matches) {
  RhythmAnalyzer a;
  const std::vector<double> times = test::beat_times(test::af_rr(120, 0.75, 7));
  for (std::size_t i = 0; i < times.size(); ++i) {
    Beat b{at(times[i]), BeatSource::ecg, std::nullopt, 1.0, BeatShape::normal};
    b.p_wave = matches[i % N];
    a.add_beat(b);
  }
  return a.state(at(times.back() + 0.1));
}

}  // namespace

TEST_CASE("coarse f waves in phase with the average on some beats and against it on others do not veto AF") {
  // Per-beat matches as in MIT-BIH 219's coarse AF: near +0.9 or -0.6. Their
  // plain mean (0.37) is above the shipped veto; capped, the in-phase and
  // anti-phase beats cancel (0.16).
  const RhythmState s = irregular_beats_with(std::array{0.95, 0.9, -0.6, 0.85, -0.5, 0.9, 0.1});
  REQUIRE(s.p_wave_match);
  REQUIRE(s.p_wave_evidence);
  CHECK(*s.p_wave_match >= RhythmConfig{}.p_wave_veto);
  CHECK(*s.p_wave_evidence < RhythmConfig{}.p_wave_veto);
  CHECK(s.rhythm == Rhythm::irregular_af);
}

TEST_CASE("small P waves in noise, matching only moderately but never in anti-phase, veto AF") {
  // As MIT-BIH 200's conducted beats: matches around 0.4, none below 0.
  const RhythmState s = irregular_beats_with(std::array{0.45, 0.35, 0.5, 0.3, 0.4});
  REQUIRE(s.p_wave_evidence);
  CHECK(*s.p_wave_evidence == doctest::Approx(0.4).epsilon(0.02));
  CHECK(*s.p_wave_evidence >= RhythmConfig{}.p_wave_veto);
  CHECK(s.af_evidence > RhythmConfig{}.af.enter_probability);  // the intervals alone would say AF
  CHECK(s.rhythm == Rhythm::sinus);
}

TEST_CASE("a clear P wave on every beat gives evidence at the cap: the mean match tells its size") {
  const RhythmState s = irregular_beats_with(std::array{0.95, 0.9, 0.97});
  REQUIRE(s.p_wave_evidence);
  CHECK(*s.p_wave_evidence == doctest::Approx(RhythmConfig{}.p_wave_match_cap));
  CHECK(*s.p_wave_match > 0.9);
  CHECK(s.rhythm == Rhythm::sinus);
}

TEST_CASE("at an AF onset the sinus P waves still in the window do not veto the new AF for long") {
  // 60 irregular beats with clear P waves (match 0.9: organised atria, e.g.
  // atrial ectopy), then AF: irregular beats whose f waves match around 0.
  // Over the whole 32-beat window the old P waves veto the first 12 AF
  // beats; with the recent 16 required too, AF is called at the 6th.
  auto first_af_call = [](std::size_t recent_beats) {
    RhythmConfig config;
    config.p_wave_recent_beats = recent_beats;
    RhythmAnalyzer a{config};
    const std::vector<double> times = test::beat_times(test::af_rr(160, 0.75, 9));
    for (std::size_t i = 0; i < times.size(); ++i) {
      Beat b{at(times[i]), BeatSource::ecg, std::nullopt, 1.0, BeatShape::normal};
      b.p_wave = i < 60 ? 0.9 : (i % 2 ? 0.05 : -0.05);
      a.add_beat(b);
      if (i >= 60 && a.state(at(times[i])).rhythm == Rhythm::irregular_af) return i - 60;
    }
    return times.size();
  };
  const std::size_t with_recent = first_af_call(16), window_only = first_af_call(32);
  CHECK(with_recent <= 8);
  CHECK(window_only >= 11);
  CHECK(with_recent < window_only);
}
