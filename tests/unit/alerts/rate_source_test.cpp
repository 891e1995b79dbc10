// Which rate the rate alarms follow (RateSource, LimitRules::hand_over) and
// what that does to the tachycardia alarm of a bed, on a fake clock: the ECG
// before the pulse, the pulse when the ECG becomes unusable, and back, with
// no alarm dropped or sounded again by a change of source.
#include "alerts/rate_source.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "alerts/bed_alarms.hpp"
#include "tests/unit/alerts/clock_start.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using core::Metric;
using core::QualityFlag;
using vigil::alerts::test::t0;

namespace {

core::Reading rate(Metric m, double v, bool usable = true) {
  core::Reading r{m, v, {}, {}};
  if (!usable) r.quality.set(QualityFlag::questionable);
  return r;
}

// A bed fed an ECG heart rate (vigild's, from the monitor's ECG) and an
// oximeter's pulse rate every second, ticking as the daemon does.
struct TwoSourceBed {
  core::ManualClock clock{t0};
  BedAlarms bed{"bed-1", ketamine_iv_adult_profile()};
  BedOutput out;
  std::vector<AlarmEvent> events;

  void second(std::optional<core::Reading> ecg, std::optional<core::Reading> pulse) {
    if (ecg) bed.on_reading("monitor:ecg", *ecg, clock.now(), out);
    if (pulse) bed.on_reading("oximeter", *pulse, clock.now(), out);
    bed.tick(clock.now(), out);
    events.insert(events.end(), out.alarms.begin(), out.alarms.end());
    out.clear();
    clock.advance(1s);
  }
  void seconds(int n, std::optional<core::Reading> ecg, std::optional<core::Reading> pulse) {
    for (int i = 0; i < n; ++i) second(ecg, pulse);
  }
  // Its raises and clears (an unacknowledged medium alarm also escalates
  // after 120 s, which is the engine's business, not the source's).
  std::vector<Transition> of(const std::string& condition) const {
    std::vector<Transition> t;
    for (const auto& e : events)
      if (e.condition == condition &&
          (e.transition == Transition::raised || e.transition == Transition::cleared))
        t.push_back(e.transition);
    return t;
  }
  const AlarmEvent* last(const std::string& condition) const {
    const AlarmEvent* found = nullptr;
    for (const auto& e : events)
      if (e.condition == condition) found = &e;
    return found;
  }
};

}  // namespace

TEST_CASE("RateSource: the ECG heart rate before the pulse rate; other metrics always judged") {
  RateSource s;
  const auto first = s.on_reading("oximeter", rate(Metric::pulse_rate, 80), t0);
  CHECK(first.use);
  CHECK(first.taken_from == Metric::heart_rate);  // whatever a restart resumed
  CHECK(s.in_use() == "oximeter pulse");
  const auto d = s.on_reading("monitor:ecg", rate(Metric::heart_rate, 80), t0 + 1s);
  CHECK(d.use);
  CHECK(d.taken_from == Metric::pulse_rate);
  CHECK_FALSE(s.on_reading("oximeter", rate(Metric::pulse_rate, 80), t0 + 1s).use);
  CHECK(s.on_reading("oximeter", core::Reading{Metric::spo2, 97, {}, {}}, t0 + 1s).use);
}

TEST_CASE("RateSource: an unusable or silent ECG gives way to the pulse; a usable one takes back") {
  RateSource s;
  (void)s.on_reading("monitor:ecg", rate(Metric::heart_rate, 80), t0);
  CHECK_FALSE(s.on_reading("oximeter", rate(Metric::pulse_rate, 80), t0 + 1s).use);
  // Questionable (a noisy ECG): the pulse takes over.
  CHECK(s.on_reading("monitor:ecg", rate(Metric::heart_rate, 80, false), t0 + 2s).use);
  auto d = s.on_reading("oximeter", rate(Metric::pulse_rate, 80), t0 + 2s);
  CHECK(d.use);
  CHECK(d.taken_from == Metric::heart_rate);
  d = s.on_reading("monitor:ecg", rate(Metric::heart_rate, 80), t0 + 3s);
  CHECK(d.use);
  CHECK(d.taken_from == Metric::pulse_rate);
  // Silent for longer than kFresh: the pulse takes over again.
  CHECK_FALSE(s.on_reading("oximeter", rate(Metric::pulse_rate, 80), t0 + 3s + RateSource::kFresh).use);
  CHECK(s.on_reading("oximeter", rate(Metric::pulse_rate, 80), t0 + 4s + RateSource::kFresh).use);
}

TEST_CASE("RateSource: of two ECG heart rates the one in use stays while it is good") {
  RateSource s;
  (void)s.on_reading("monitor", rate(Metric::heart_rate, 80), t0);
  const auto d = s.on_reading("monitor:ecg", rate(Metric::heart_rate, 82), t0 + 1s);
  CHECK_FALSE(d.use);
  CHECK(s.in_use() == "monitor hr");
}

TEST_CASE("a pulse deficit: the ECG says 135, the pulse 95; tachycardia follows the ECG") {
  TwoSourceBed b;
  b.seconds(40, rate(Metric::heart_rate, 135), rate(Metric::pulse_rate, 95));
  CHECK(b.of("tachycardia") == std::vector{Transition::raised});
  REQUIRE(b.last("tachycardia"));
  CHECK(b.last("tachycardia")->message.find("HR 135") != std::string::npos);
}

TEST_CASE("an oximeter counting motion as pulses raises no tachycardia while the ECG is good") {
  TwoSourceBed b;
  b.seconds(60, rate(Metric::heart_rate, 80), rate(Metric::pulse_rate, 160));
  CHECK(b.of("tachycardia").empty());
}

TEST_CASE("the ECG becomes unusable during tachycardia: the pulse carries it on, no clear, no raise") {
  TwoSourceBed b;
  b.seconds(40, rate(Metric::heart_rate, 135), rate(Metric::pulse_rate, 134));
  REQUIRE(b.of("tachycardia") == std::vector{Transition::raised});
  b.seconds(40, rate(Metric::heart_rate, 135, false), rate(Metric::pulse_rate, 134));
  CHECK(b.of("tachycardia") == std::vector{Transition::raised});
  // The ECG gone altogether (no readings): still no transition.
  b.seconds(20, std::nullopt, rate(Metric::pulse_rate, 133));
  CHECK(b.of("tachycardia") == std::vector{Transition::raised});
  // The ECG back: it takes over, the alarm goes on.
  b.seconds(20, rate(Metric::heart_rate, 136), rate(Metric::pulse_rate, 133));
  CHECK(b.of("tachycardia") == std::vector{Transition::raised});
  // And when the rate falls, the alarm clears once, from the ECG (before the
  // unacknowledged medium alarm would have escalated to a latching high).
  b.seconds(5, rate(Metric::heart_rate, 90), rate(Metric::pulse_rate, 133));
  CHECK(b.of("tachycardia") == std::vector{Transition::raised, Transition::cleared});
}

TEST_CASE("the condition delay runs on across a change of source") {
  TwoSourceBed b;
  // 20 s above 120 on the ECG, then 15 s on the pulse: 35 s past the limit
  // in all, past the 30 s delay, so the alarm comes from the pulse.
  b.seconds(20, rate(Metric::heart_rate, 130), rate(Metric::pulse_rate, 130));
  CHECK(b.of("tachycardia").empty());
  b.seconds(15, rate(Metric::heart_rate, 130, false), rate(Metric::pulse_rate, 130));
  CHECK(b.of("tachycardia") == std::vector{Transition::raised});
}

TEST_CASE("a stale pulse past its limit cannot hold tachycardia once the ECG takes over") {
  TwoSourceBed b;
  b.seconds(40, std::nullopt, rate(Metric::pulse_rate, 130));
  REQUIRE(b.of("tachycardia") == std::vector{Transition::raised});
  b.seconds(5, rate(Metric::heart_rate, 80), std::nullopt);
  CHECK(b.of("tachycardia") == std::vector{Transition::raised, Transition::cleared});
}

namespace {

// vigild's ECG rate while the ECG is judged artefact: the value kept,
// flagged artifact (EcgArtefact; a VF looks like this too).
core::Reading artefact_rate(double v) {
  core::Reading r{Metric::heart_rate, v, {}, {}};
  r.quality.set(QualityFlag::artifact);
  return r;
}

core::Reading pulse_off() {
  core::Reading r{Metric::pulse_rate, std::nullopt, {}, {}};
  r.quality.set(QualityFlag::sensor_off);
  return r;
}

}  // namespace

TEST_CASE("RateSource: an artefact ECG rate is the last resort, behind a usable pulse") {
  RateSource s;
  CHECK(s.on_reading("monitor:ecg", rate(Metric::heart_rate, 80), t0).use);
  CHECK_FALSE(s.on_reading("oximeter", rate(Metric::pulse_rate, 80), t0).use);
  // The ECG turns artefact while the pulse is good: the pulse takes over.
  CHECK_FALSE(s.on_reading("monitor:ecg", artefact_rate(230), t0 + 1s).use);
  auto d = s.on_reading("oximeter", rate(Metric::pulse_rate, 80), t0 + 1s);
  CHECK(d.use);
  CHECK(d.taken_from == Metric::heart_rate);
  CHECK_FALSE(s.on_reading("monitor:ecg", artefact_rate(230), t0 + 2s).use);
  // The pulse's sensor comes off: the artefact ECG rate is judged at once.
  CHECK(s.on_reading("oximeter", pulse_off(), t0 + 3s).use);  // judges nothing: no value
  d = s.on_reading("monitor:ecg", artefact_rate(300), t0 + 3s);
  CHECK(d.use);
  CHECK(d.despite_artefact);
  CHECK(d.taken_from == Metric::pulse_rate);
  CHECK(s.in_use() == "monitor:ecg hr");
  // A usable pulse back takes over again; the flagged ECG waits.
  d = s.on_reading("oximeter", rate(Metric::pulse_rate, 82), t0 + 4s);
  CHECK(d.use);
  CHECK_FALSE(d.despite_artefact);
  CHECK_FALSE(s.on_reading("monitor:ecg", artefact_rate(300), t0 + 4s).use);
  // A usable ECG rate beats both.
  d = s.on_reading("monitor:ecg", rate(Metric::heart_rate, 81), t0 + 5s);
  CHECK(d.use);
  CHECK_FALSE(d.despite_artefact);
  CHECK(s.in_use() == "monitor:ecg hr");
}

TEST_CASE("RateSource: only the artifact flag is overlooked, and only on a heart rate") {
  RateSource s;
  auto off = artefact_rate(300);
  off.quality.set(QualityFlag::sensor_off);
  CHECK_FALSE(s.on_reading("monitor:ecg", off, t0).use);
  auto pulse = rate(Metric::pulse_rate, 300);
  pulse.quality.set(QualityFlag::artifact);
  CHECK_FALSE(s.on_reading("oximeter", pulse, t0).use);
  CHECK(s.in_use().empty());
  CHECK(RateSource::without_artefact(artefact_rate(300)).usable());
}

TEST_CASE("artefact ECG with a usable pulse: the rate alarms follow the pulse, the ECG rate is ignored") {
  TwoSourceBed b;
  b.seconds(60, artefact_rate(230), rate(Metric::pulse_rate, 80));
  CHECK(b.of("tachycardia").empty());
  // And a real tachycardia on the pulse still raises it, from the pulse.
  b.seconds(40, artefact_rate(60), rate(Metric::pulse_rate, 135));
  CHECK(b.of("tachycardia") == std::vector{Transition::raised});
  CHECK(b.of("bradycardia").empty());
}

TEST_CASE("artefact ECG with no pulse source: a flagged rate of 300/min still raises tachycardia") {
  TwoSourceBed b;
  b.seconds(9, artefact_rate(300), std::nullopt);
  CHECK(b.of("tachycardia").empty());  // the high rule's 10 s delay runs on the clock
  b.seconds(2, artefact_rate(300), std::nullopt);
  CHECK(b.of("tachycardia") == std::vector{Transition::raised});
  REQUIRE(b.last("tachycardia"));
  CHECK(b.last("tachycardia")->priority == Priority::high);
  CHECK(b.last("tachycardia")->message.find("300") != std::string::npos);
  CHECK(b.last("tachycardia")->message.ends_with(" (ECG rate, signal flagged as artefact)"));
}

TEST_CASE("a rate alarm from a usable ECG or pulse does not say artefact") {
  TwoSourceBed b;
  b.seconds(40, rate(Metric::heart_rate, 135), rate(Metric::pulse_rate, 95));
  REQUIRE(b.last("tachycardia"));
  CHECK(b.last("tachycardia")->message.find("artefact") == std::string::npos);
}

TEST_CASE("artefact ECG with no pulse source: a flagged slow rate raises bradycardia") {
  TwoSourceBed b;
  b.seconds(20, artefact_rate(35), std::nullopt);
  CHECK(b.of("bradycardia") == std::vector{Transition::raised});
  CHECK(b.last("bradycardia")->message.ends_with(" (ECG rate, signal flagged as artefact)"));
}

TEST_CASE("artefact ECG, the pulse present but unusable: the flagged ECG rate is judged") {
  SUBCASE("sensor off") {
    TwoSourceBed b;
    b.seconds(20, artefact_rate(300), pulse_off());
    CHECK(b.of("tachycardia") == std::vector{Transition::raised});
  }
  SUBCASE("low signal quality") {
    TwoSourceBed b;
    b.seconds(20, artefact_rate(300), rate(Metric::pulse_rate, 80, false));
    CHECK(b.of("tachycardia") == std::vector{Transition::raised});
  }
  SUBCASE("the pulse lost mid-way: tachycardia from the ECG after the high rule's delay") {
    TwoSourceBed b;
    b.seconds(30, artefact_rate(300), rate(Metric::pulse_rate, 80));
    REQUIRE(b.of("tachycardia").empty());
    // The ECG reading of the second the sensor comes off still meets a
    // usable pulse; from the next one the ECG rate is judged, for 10 s.
    b.seconds(11, artefact_rate(300), pulse_off());
    CHECK(b.of("tachycardia").empty());
    b.seconds(1, artefact_rate(300), pulse_off());
    CHECK(b.of("tachycardia") == std::vector{Transition::raised});
  }
}
