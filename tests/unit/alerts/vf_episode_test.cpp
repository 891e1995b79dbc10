// The ventricular_fibrillation condition on the injected clock (VfEpisode
// inside RhythmConditions): VF-like ECG for 5 s starts it, its onset the
// start of the run; a shorter run does not; only 10 s of organised ECG ends
// it; a flat or absent ECG neither starts nor ends it; and it is reported
// whatever the artefact judgement and with no beat at all.
#include "alerts/vf_episode.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "alerts/alarm_engine.hpp"
#include "alerts/alarm_profile.hpp"
#include "alerts/rhythm_conditions.hpp"
#include "tests/unit/alerts/clock_start.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using vigil::alerts::test::t0;

namespace {

enum class Ecg { vf, organised, flat };

// One second of ECG coverage per call, from `from` s after t0.
void seconds_of(VfEpisode& v, int from, int count, Ecg ecg) {
  for (int s = from; s < from + count; ++s)
    v.on_coverage(t0 + std::chrono::seconds{s}, t0 + std::chrono::seconds{s + 1}, ecg == Ecg::vf,
                  ecg == Ecg::flat);
}

}  // namespace

TEST_CASE("VF-like ECG for 5 s starts the condition, high and latching, its onset where the run began") {
  VfEpisode v;
  seconds_of(v, 0, 20, Ecg::organised);
  seconds_of(v, 20, 4, Ecg::vf);
  CHECK_FALSE(v.present());
  seconds_of(v, 24, 1, Ecg::vf);
  REQUIRE(v.present());
  const auto r = v.report();
  CHECK(r.condition == "ventricular_fibrillation");
  CHECK(r.priority == Priority::high);
  CHECK(r.kind == AlarmKind::physiological);
  CHECK(r.latching);
  REQUIRE(r.since);
  CHECK(*r.since == t0 + 20s);
  CHECK(r.message.starts_with("VF/VT suspected — check patient"));
}

TEST_CASE("a VF-like run of 4 s (a salvo of ventricular beats) between organised ECG raises nothing") {
  VfEpisode v;
  for (int k = 0; k < 10; ++k) {
    seconds_of(v, k * 10, 6, Ecg::organised);
    seconds_of(v, k * 10 + 6, 4, Ecg::vf);
  }
  CHECK_FALSE(v.present());
}

TEST_CASE("one organised second inside a VF-like run does not restart the run; two do") {
  VfEpisode v;
  seconds_of(v, 0, 3, Ecg::vf);
  seconds_of(v, 3, 1, Ecg::organised);
  seconds_of(v, 4, 2, Ecg::vf);
  CHECK(v.present());

  VfEpisode w;
  seconds_of(w, 0, 3, Ecg::vf);
  seconds_of(w, 3, 2, Ecg::organised);
  seconds_of(w, 5, 4, Ecg::vf);
  CHECK_FALSE(w.present());
}

TEST_CASE("only 10 s of organised ECG ends the condition; a flat trace or no ECG keeps it") {
  VfEpisode v;
  seconds_of(v, 0, 10, Ecg::vf);
  REQUIRE(v.present());
  seconds_of(v, 10, 20, Ecg::flat);  // asystole or a lead off after VF is no recovery
  CHECK(v.present());
  // 60 s without any ECG: still present.
  seconds_of(v, 90, 9, Ecg::organised);
  CHECK(v.present());
  seconds_of(v, 99, 1, Ecg::organised);
  CHECK_FALSE(v.present());
  CHECK_FALSE(v.report().present);
}

TEST_CASE("a flat trace breaks a VF-like run before onset") {
  VfEpisode v;
  seconds_of(v, 0, 3, Ecg::vf);
  seconds_of(v, 3, 1, Ecg::flat);
  seconds_of(v, 4, 3, Ecg::vf);
  CHECK_FALSE(v.present());
}

TEST_CASE(
    "rhythm conditions report VF with no beat at all and with the ECG judged artefact, and the engine "
    "raises it at once as high") {
  RhythmConditions rhythm;
  const RhythmRules rules;
  AlarmEngine engine{"bed-1", EngineSettings{}};
  std::vector<AlarmEvent> events;
  for (int s = 0; s < 8; ++s) {
    const auto now = t0 + std::chrono::seconds{s + 1};
    rhythm.on_ecg_coverage(now - 1s, now, 0.2, false, /*artefact=*/true, /*vf_like=*/true);
    for (const auto& r : rhythm.check(rules, now)) engine.report(r, now, events);
    engine.tick(now, events);
  }
  const auto vf = std::find_if(events.begin(), events.end(),
                               [](const AlarmEvent& e) { return e.condition == "ventricular_fibrillation"; });
  REQUIRE(vf != events.end());
  CHECK(vf->transition == Transition::raised);
  CHECK(vf->priority == Priority::high);
  CHECK(vf->time == t0 + 5s);
  CHECK(vf->onset == t0);
}

TEST_CASE("rhythm rules turned off report no VF") {
  RhythmConditions rhythm;
  RhythmRules rules;
  rules.enabled = false;
  for (int s = 0; s < 10; ++s)
    rhythm.on_ecg_coverage(t0 + std::chrono::seconds{s}, t0 + std::chrono::seconds{s + 1}, 0.2, false, true,
                           true);
  CHECK(rhythm.check(rules, t0 + 10s).empty());
}
