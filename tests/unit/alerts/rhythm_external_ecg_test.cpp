#include <doctest/doctest.h>

#include <chrono>

#include "alerts/rhythm_analyzer.hpp"
#include "tests/unit/alerts/clock_start.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using vigil::alerts::test::t0;

namespace {

// One second of an ECG analysed outside: its coverage, and a beat at 75 /min
// (every 0.8 s) when `beating`.
struct Feeder {
  RhythmAnalyzer& rhythm;
  core::TimePoint next_beat = t0;
  void second(core::TimePoint from, bool beating, double quality = 1.0, bool flat = false) {
    while (beating && next_beat < from + 1s) {
      if (next_beat >= from) rhythm.add_beat({next_beat, BeatSource::ecg, std::nullopt, quality});
      next_beat += 800ms;
    }
    if (!beating) next_beat = from + 1s;
    rhythm.note_ecg_coverage(from, from + 1s, quality, flat);
  }
};

}  // namespace

TEST_CASE("ECG beats detected outside the analyzer, with their coverage, give sinus rhythm at 75 /min") {
  RhythmAnalyzer rhythm;
  Feeder f{rhythm};
  for (int s = 0; s < 40; ++s) f.second(t0 + std::chrono::seconds{s}, true);
  const auto st = rhythm.state(t0 + 40s);
  CHECK(st.available());
  CHECK(st.source == BeatSource::ecg);
  CHECK(st.rhythm == Rhythm::sinus);
  REQUIRE(st.ventricular_rate_bpm);
  CHECK(*st.ventricular_rate_bpm == doctest::Approx(75).epsilon(0.01));
}

TEST_CASE("when the externally analysed ECG stops arriving it is signal lost, not a pause") {
  RhythmAnalyzer rhythm;
  Feeder f{rhythm};
  for (int s = 0; s < 20; ++s) f.second(t0 + std::chrono::seconds{s}, true);
  const auto st = rhythm.state(t0 + 26s);
  CHECK_FALSE(st.pause.has_value());
  CHECK(st.unavailable == Unavailable::signal_lost);
}

TEST_CASE("while the externally analysed ECG keeps arriving without beats, a pause is reported") {
  RhythmAnalyzer rhythm;
  Feeder f{rhythm};
  for (int s = 0; s < 20; ++s) f.second(t0 + std::chrono::seconds{s}, true);
  for (int s = 20; s < 25; ++s) f.second(t0 + std::chrono::seconds{s}, false);
  const auto st = rhythm.state(t0 + 25s);
  REQUIRE(st.pause.has_value());
  CHECK(st.pause->ongoing);
  CHECK_FALSE(st.pause->poor_signal);
}

TEST_CASE("a pause over an externally analysed ECG that went flat is marked poor signal") {
  RhythmAnalyzer rhythm;
  Feeder f{rhythm};
  for (int s = 0; s < 20; ++s) f.second(t0 + std::chrono::seconds{s}, true);
  for (int s = 20; s < 25; ++s) f.second(t0 + std::chrono::seconds{s}, false, 0.0, true);
  const auto st = rhythm.state(t0 + 25s);
  REQUIRE(st.pause.has_value());
  CHECK(st.pause->poor_signal);
}

TEST_CASE("ECG beats of poor quality from an external detector leave rhythm analysis unavailable") {
  RhythmAnalyzer rhythm;
  Feeder f{rhythm};
  for (int s = 0; s < 40; ++s) f.second(t0 + std::chrono::seconds{s}, true, 0.2);
  const auto st = rhythm.state(t0 + 40s);
  CHECK(st.unavailable == Unavailable::poor_signal);
  CHECK(st.rhythm == Rhythm::unknown);
}
