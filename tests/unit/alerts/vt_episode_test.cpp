// The ventricular_tachycardia condition on beats alone (VtEpisode inside
// RhythmConditions): 6 ventricular beats in a row that repeat one another
// at 100/min or more start it, its onset the run's first beat; a salvo of
// 5, a slower run, bigeminy or wide beats that do not repeat (artefact) do
// not; it holds while the beats stay as wide as before, also once the shape
// classifier has learnt the VT complex as its new normal, and through
// silence; 10 s of other beats ends it. Without any narrow beat first (a
// patient connected in VT: the VT complex is the template, every beat
// `normal`), 6 wide normal beats at 100/min or more start it, unless that
// wide template was seen slower (a bundle branch block).
#include "alerts/vt_episode.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>

#include "alerts/alarm_engine.hpp"
#include "alerts/alarm_profile.hpp"
#include "alerts/rhythm_conditions.hpp"
#include "tests/unit/alerts/clock_start.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using vigil::alerts::test::t0;

namespace {

// On the classifier's width scale (alerts/vt_episode.hpp, kWideComplexMs):
// a narrow conducted complex and a 140 ms ventricular one.
constexpr double kNarrowMs = 36, kWideMs = 92;

struct VtBeats {
  VtEpisode v;
  core::TimePoint t = t0;
  bool in_vf = false;  // what the VF detector holds of the ECG meanwhile
  // `count` beats at `rate` /min of one kind.
  void normal(int count, double rate, double width = kNarrowMs) {
    add(count, rate, BeatShape::normal, width, std::nullopt);
  }
  void ventricular(int count, double rate, double repeat = 0.95) {
    add(count, rate, BeatShape::ventricular, kWideMs, repeat);
  }
  void add(int count, double rate, BeatShape shape, double width, std::optional<double> repeat) {
    for (int k = 0; k < count; ++k) {
      t += std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(60.0 / rate));
      Beat b{t, BeatSource::ecg, std::nullopt, 1.0, shape};
      b.qrs_width_ms = width;
      b.repeat_match = repeat;
      v.on_beat(b, in_vf);
    }
  }
};

}  // namespace

TEST_CASE(
    "6 repeating ventricular beats at 180/min start the condition, high and latching, onset at the first") {
  VtBeats b;
  b.normal(20, 78);
  b.ventricular(5, 180);
  CHECK_FALSE(b.v.present());
  b.ventricular(1, 180);
  REQUIRE(b.v.present());
  const auto r = b.v.report();
  CHECK(r.condition == "ventricular_tachycardia");
  CHECK(r.priority == Priority::high);
  CHECK(r.kind == AlarmKind::physiological);
  CHECK(r.latching);
  CHECK(r.value == doctest::Approx(180).epsilon(0.01));
  REQUIRE(r.since);
  CHECK(*r.since ==
        b.t - 5 * std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(60.0 / 180)));
  CHECK(r.message == "VT — check patient: wide ventricular beats in a row at 180/min");
}

TEST_CASE("a run of beats unlike normal that are not wider in this lead starts it too, if they repeat") {
  VtBeats b;
  b.normal(20, 78);
  b.add(6, 150, BeatShape::unlike_normal, kNarrowMs, 0.92);
  CHECK(b.v.present());
  VtBeats jerks;
  jerks.normal(20, 78);
  jerks.add(30, 150, BeatShape::unlike_normal, kNarrowMs, 0.5);
  CHECK_FALSE(jerks.v.present());
}

TEST_CASE("salvos of 5, a run at 90/min, bigeminy and couplets raise nothing") {
  VtBeats salvos;
  for (int k = 0; k < 10; ++k) {
    salvos.normal(8, 78);
    salvos.ventricular(5, 200);
  }
  CHECK_FALSE(salvos.v.present());
  VtBeats slow;  // an accelerated idioventricular rhythm, not VT
  slow.normal(20, 78);
  slow.ventricular(30, 90);
  CHECK_FALSE(slow.v.present());
  VtBeats bigeminy;
  for (int k = 0; k < 40; ++k) {
    bigeminy.normal(1, 78);
    bigeminy.ventricular(1, 130);
  }
  CHECK_FALSE(bigeminy.v.present());
  VtBeats couplets;
  for (int k = 0; k < 20; ++k) {
    couplets.normal(3, 78);
    couplets.ventricular(2, 150);
  }
  CHECK_FALSE(couplets.v.present());
}

TEST_CASE("wide beats whose shapes do not repeat one another (electrode jerks) raise nothing") {
  VtBeats b;
  b.normal(20, 78);
  b.ventricular(30, 200, /*repeat=*/0.4);
  CHECK_FALSE(b.v.present());
  // One beat of another shape inside a run starts the count again.
  VtBeats c;
  c.normal(20, 78);
  c.ventricular(4, 180);
  c.ventricular(1, 180, 0.5);
  c.ventricular(4, 180);
  CHECK_FALSE(c.v.present());
  c.ventricular(1, 180);
  CHECK(c.v.present());
}

TEST_CASE("the episode holds when the classifier takes the VT complex as normal, and while beats stop") {
  VtBeats b;
  b.normal(30, 78);
  b.ventricular(12, 170);
  REQUIRE(b.v.present());
  // Relearnt: the same wide complexes now come as `normal`, or unclassified
  // while the template is learnt again.
  b.add(9, 170, BeatShape::unknown, kWideMs, std::nullopt);
  b.normal(100, 170, kWideMs);
  CHECK(b.v.present());
  // No beat at all for 30 s (asystole, a lead off): no recovery.
  b.t += 30s;
  b.normal(1, 170, kWideMs);
  CHECK(b.v.present());
}

TEST_CASE("10 s of narrow beats, or of wide beats below 100/min, end the condition") {
  VtBeats b;
  b.normal(30, 78);
  b.ventricular(20, 170);
  REQUIRE(b.v.present());
  b.normal(13, 78);  // 9.2 s from the first narrow beat
  CHECK(b.v.present());
  b.normal(2, 78);
  CHECK_FALSE(b.v.present());
  CHECK(b.v.report().message.starts_with("VT — ended"));

  VtBeats slower;
  slower.normal(30, 78);
  slower.ventricular(20, 170);
  slower.ventricular(20, 80);  // 15 s; the first 3 still count the VT's last intervals
  CHECK_FALSE(slower.v.present());
}

TEST_CASE("a wide template at 100/min or more from the first beats (connected in VT) starts it") {
  VtBeats b;
  b.add(9, 150, BeatShape::unknown, kWideMs, std::nullopt);  // the classifier learning
  b.normal(5, 150, kWideMs);
  CHECK_FALSE(b.v.present());
  b.normal(1, 150, kWideMs);
  REQUIRE(b.v.present());
  CHECK(b.v.report().message.starts_with("VT — check patient: wide-complex tachycardia at 150/min"));
  b.normal(200, 150, kWideMs);  // held by the width
  CHECK(b.v.present());

  VtBeats slow_vt;  // at 110/min
  slow_vt.normal(6, 110, kWideMs);
  CHECK(slow_vt.v.present());

  VtBeats narrow;  // a narrow sinus tachycardia from the first beat
  narrow.normal(100, 150);
  CHECK_FALSE(narrow.v.present());
}

TEST_CASE("while the ECG is held to be VF, a wide template relearnt on its deflections starts nothing") {
  VtBeats b;
  b.normal(60, 80);
  b.in_vf = true;  // the classifier took the fibrillation's deflections as its template
  b.normal(40, 150, kWideMs);
  CHECK_FALSE(b.v.present());
  b.in_vf = false;  // organised again, and still a wide complex at a VT rate
  b.normal(6, 150, kWideMs);
  CHECK(b.v.present());
}

TEST_CASE("a bundle branch block seen at 80/min and then at 115/min raises nothing; narrow beats re-arm") {
  VtBeats b;
  b.normal(30, 80, kWideMs);
  b.normal(100, 115, kWideMs);
  CHECK_FALSE(b.v.present());
  // The template relearnt on narrow beats (the block gone, a new lead): a
  // later wide template at a VT rate is news again.
  b.normal(60, 80);
  b.normal(6, 150, kWideMs);
  CHECK(b.v.present());
}

TEST_CASE("pulse and device-reported beats, which show no QRS, are not judged") {
  VtEpisode v;
  for (int k = 0; k < 30; ++k) v.on_beat({t0 + k * 300ms, BeatSource::pulse, std::nullopt, 0.8});
  CHECK_FALSE(v.judged());
  RhythmConditions rhythm;
  for (int k = 0; k < 30; ++k) rhythm.on_beat({t0 + k * 300ms, BeatSource::reported, std::nullopt, 1.0});
  const auto reports = rhythm.check(RhythmRules{}, t0 + 10s);
  CHECK(std::none_of(reports.begin(), reports.end(),
                     [](const auto& r) { return r.condition == "ventricular_tachycardia"; }));
}

TEST_CASE("rhythm conditions give the engine the VT at once as high, onset at the run's first beat") {
  RhythmConditions rhythm;
  AlarmEngine engine{"bed-1", EngineSettings{}};
  std::vector<AlarmEvent> events;
  auto t = t0;
  for (int k = 0; k < 40; ++k) {
    const bool vt = k >= 20;
    t += vt ? 350ms : 800ms;
    Beat b{t, BeatSource::ecg, std::nullopt, 1.0, vt ? BeatShape::ventricular : BeatShape::normal};
    b.qrs_width_ms = vt ? kWideMs : kNarrowMs;
    if (vt) b.repeat_match = 0.95;
    rhythm.on_beat(b);
    for (const auto& r : rhythm.check(RhythmRules{}, t)) engine.report(r, t, events);
    engine.tick(t, events);
  }
  const auto vt = std::find_if(events.begin(), events.end(),
                               [](const AlarmEvent& e) { return e.condition == "ventricular_tachycardia"; });
  REQUIRE(vt != events.end());
  CHECK(vt->transition == Transition::raised);
  CHECK(vt->priority == Priority::high);
  CHECK(vt->onset == t0 + 20 * 800ms + 350ms);
  CHECK(vt->time == t0 + 20 * 800ms + 6 * 350ms);
}
