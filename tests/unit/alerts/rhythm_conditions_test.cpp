// RhythmConditions on its own: the reports it gives the alarm engine for
// beats fed on a fake clock.
#include "alerts/rhythm_conditions.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;

namespace {

struct Beats {
  core::ManualClock clock;
  RhythmConditions rhythm;
  RhythmRules rules = ketamine_iv_adult_profile().rhythm;

  void beats(int n, core::Duration rr, BeatSource source = BeatSource::ecg) {
    for (int i = 0; i < n; ++i) {
      clock.advance(rr);
      rhythm.on_beat(Beat{clock.now(), source, std::nullopt, std::nullopt});
    }
  }
  std::vector<ConditionReport> check() { return rhythm.check(rules, clock.now()); }
};

std::vector<ConditionReport> of(const std::vector<ConditionReport>& v, const std::string& condition) {
  std::vector<ConditionReport> out;
  std::copy_if(v.begin(), v.end(), std::back_inserter(out),
               [&](const auto& r) { return r.condition == condition; });
  return out;
}

}  // namespace

TEST_CASE("no rhythm is judged before the first beat, nor with the rhythm rules off") {
  Beats r;
  CHECK(r.check().empty());
  r.beats(10, 800ms);
  r.rules.enabled = false;
  CHECK(r.check().empty());
}

TEST_CASE("a regular rhythm reports AF and rhythm_unavailable absent, and no pause") {
  Beats r;
  r.beats(120, 800ms);
  const auto reports = r.check();
  REQUIRE(of(reports, "atrial_fibrillation").size() == 1);
  CHECK_FALSE(of(reports, "atrial_fibrillation")[0].present);
  CHECK(of(reports, "pause").empty());
  REQUIRE(of(reports, "rhythm_unavailable").size() == 1);
  CHECK_FALSE(of(reports, "rhythm_unavailable")[0].present);
  CHECK(of(reports, "rhythm_unavailable")[0].kind == AlarmKind::technical);
}

TEST_CASE("an ongoing ECG pause is present on every check until beats return, then ends once") {
  Beats r;
  r.beats(30, 800ms);
  r.clock.advance(4s);
  auto pause = of(r.check(), "pause");
  REQUIRE(pause.size() == 1);
  CHECK(pause[0].present);
  CHECK(pause[0].priority == Priority::high);
  CHECK(pause[0].latching);
  r.clock.advance(1s);
  REQUIRE(of(r.check(), "pause").size() == 1);
  r.beats(1, 100ms);
  pause = of(r.check(), "pause");
  REQUIRE(pause.size() == 2);
  CHECK(pause[0].present);
  CHECK_FALSE(pause[1].present);
  CHECK(pause[1].value == doctest::Approx(5.1));
  r.beats(1, 800ms);
  CHECK(of(r.check(), "pause").empty());
}

TEST_CASE("a pause that began and ended between two checks is still reported, raised and ended") {
  Beats r;
  r.beats(30, 800ms);
  CHECK(of(r.check(), "pause").empty());
  r.beats(1, 4s);
  r.beats(2, 800ms);
  const auto pause = of(r.check(), "pause");
  REQUIRE(pause.size() == 2);
  CHECK(pause[0].present);
  CHECK_FALSE(pause[1].present);
  CHECK(of(r.check(), "pause").empty());
}

TEST_CASE("pulse beats never make a pause: a missing pulse is as often the probe as the heart") {
  Beats r;
  r.beats(30, 800ms, BeatSource::pulse);
  r.beats(1, 5s, BeatSource::pulse);
  CHECK(of(r.check(), "pause").empty());
}

TEST_CASE("every rhythm report says rhythm analysis raised it; AF on pulse beats carries the pulse rate") {
  Beats ecg;
  ecg.beats(30, 800ms);
  ecg.clock.advance(4s);
  const auto reports = ecg.check();
  REQUIRE(of(reports, "pause").size() == 1);
  CHECK(
      std::all_of(reports.begin(), reports.end(), [](const auto& r) { return r.rule == AlarmRule::rhythm; }));
  CHECK(of(reports, "atrial_fibrillation")[0].metric == core::Metric::heart_rate);

  // An irregular pulse (intervals 450-1100 ms from a fixed seed) is judged
  // on the oximeter's pulse: its rate is a pulse rate, not an ECG heart rate.
  Beats pulse;
  std::mt19937 seed{20};
  std::uniform_int_distribution<int> rr_ms{450, 1100};
  for (int i = 0; i < 150; ++i) pulse.beats(1, std::chrono::milliseconds{rr_ms(seed)}, BeatSource::pulse);
  const auto af = of(pulse.check(), "atrial_fibrillation");
  REQUIRE(af.size() == 1);
  CHECK(af[0].present);
  CHECK(af[0].rule == AlarmRule::rhythm);
  CHECK(af[0].metric == core::Metric::pulse_rate);
  CHECK(af[0].message.rfind("Irregular pulse", 0) == 0);
}
