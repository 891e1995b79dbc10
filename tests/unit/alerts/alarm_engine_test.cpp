#include "alerts/alarm_engine.hpp"

#include <doctest/doctest.h>

#include "alerts/limit_rules.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;

namespace {

ConditionReport desat(bool present, double value, Priority p = Priority::medium, core::Duration delay = 15s) {
  ConditionReport r;
  r.condition = "desaturation";
  r.present = present;
  r.priority = p;
  r.delay = delay;
  r.metric = core::Metric::spo2;
  r.value = value;
  r.limit = 90;
  r.message = "SpO2 " + std::to_string(value);
  return r;
}

struct Harness {
  core::ManualClock clock;
  AlarmEngine engine{"bed-1"};
  std::vector<AlarmEvent> events;

  void report(const ConditionReport& r) { engine.report(r, clock.now(), events); }
  void tick() { engine.tick(clock.now(), events); }
  // Advance one second at a time, reporting and ticking as the daemon does.
  void hold(const ConditionReport& r, int seconds) {
    for (int i = 0; i < seconds; ++i) {
      report(r);
      tick();
      clock.advance(1s);
    }
  }
  std::vector<Transition> transitions() const {
    std::vector<Transition> t;
    for (const auto& e : events) t.push_back(e.transition);
    return t;
  }
};

}  // namespace

TEST_CASE("SpO2 88% for 20 s raises medium desaturation after the 15 s delay") {
  Harness h;
  const auto start = h.clock.now();
  h.hold(desat(true, 88), 20);
  REQUIRE(h.events.size() == 1);
  CHECK(h.events[0].transition == Transition::raised);
  CHECK(h.events[0].priority == Priority::medium);
  CHECK(h.events[0].onset == start);
  CHECK(h.events[0].time == start + 15s);
  CHECK(h.events[0].alarm_id.starts_with("bed-1:desaturation:"));
}

TEST_CASE("SpO2 88% for 10 s raises nothing") {
  Harness h;
  h.hold(desat(true, 88), 10);
  h.hold(desat(false, 96), 30);
  CHECK(h.events.empty());
}

TEST_CASE("a condition without delay raises at once and clears when it ends") {
  Harness h;
  h.report(desat(true, 80, Priority::high, 0s));
  h.clock.advance(3s);
  h.report(desat(false, 95, Priority::high, 0s));
  CHECK(h.transitions() == std::vector{Transition::raised, Transition::cleared});
  CHECK_FALSE(h.events[1].active);
  CHECK_FALSE(h.events[1].latched);
}

TEST_CASE("a latched high alarm survives its condition until acknowledged") {
  Harness h;
  auto r = desat(true, 80, Priority::high, 0s);
  r.latching = true;
  h.report(r);
  h.clock.advance(5s);
  r.present = false;
  h.report(r);
  REQUIRE(h.events.size() == 2);
  CHECK(h.events[1].transition == Transition::cleared);
  CHECK(h.events[1].latched);
  CHECK(h.engine.current(h.clock.now()).size() == 1);
  REQUIRE(h.engine.acknowledge(h.events[0].alarm_id, "nurse Ana @station-1", h.clock.now(), h.events).ok());
  CHECK(h.transitions() ==
        std::vector{Transition::raised, Transition::cleared, Transition::acknowledged, Transition::reset});
  CHECK(h.events[2].actor == "nurse Ana @station-1");
  CHECK(h.engine.current(h.clock.now()).empty());
}

TEST_CASE("the same condition recurring while latched reactivates the same alarm, not a duplicate") {
  Harness h;
  auto r = desat(true, 80, Priority::high, 0s);
  r.latching = true;
  h.report(r);
  const auto id = h.events[0].alarm_id;
  r.present = false;
  h.report(r);
  h.clock.advance(2s);
  r.present = true;
  h.report(r);
  REQUIRE(h.events.size() == 3);
  CHECK(h.events[2].transition == Transition::updated);
  CHECK(h.events[2].alarm_id == id);
  CHECK(h.events[2].active);
}

TEST_CASE("audio pause expires after 2 minutes and re-announces a still-active alarm") {
  Harness h;
  h.report(desat(true, 80, Priority::high, 0s));
  h.engine.audio_pause("nurse Ben", h.clock.now(), h.events);
  REQUIRE(h.events.back().transition == Transition::audio_paused);
  REQUIRE(h.events.back().audio_paused_until == h.clock.now() + 120s);
  h.hold(desat(true, 80, Priority::high, 0s), 119);
  CHECK(h.events.back().transition == Transition::audio_paused);
  h.hold(desat(true, 80, Priority::high, 0s), 2);
  CHECK(h.events.back().transition == Transition::audio_resumed);
}

TEST_CASE("an unacknowledged medium alarm escalates to high after 120 s; an acknowledged one does not") {
  Harness h;
  h.hold(desat(true, 88, Priority::medium, 0s), 121);
  REQUIRE(h.transitions() == std::vector{Transition::raised, Transition::escalated});
  CHECK(h.events[1].priority == Priority::high);
  CHECK(h.events[1].time - h.events[0].onset == 120s);

  Harness acked;
  acked.report(desat(true, 88, Priority::medium, 0s));
  REQUIRE(acked.engine.acknowledge(acked.events[0].alarm_id, "nurse", acked.clock.now(), acked.events).ok());
  acked.hold(desat(true, 88, Priority::medium, 0s), 200);
  CHECK(acked.transitions() == std::vector{Transition::raised, Transition::acknowledged});
}

TEST_CASE("acknowledging an unknown alarm is an error naming the field") {
  Harness h;
  auto r = h.engine.acknowledge("bed-1:nothing:0", "nurse", h.clock.now(), h.events);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().starts_with("alarm_id:"));
}

TEST_CASE("a worse level of an active condition escalates it in place") {
  Harness h;
  h.report(desat(true, 88, Priority::medium, 0s));
  h.report(desat(true, 82, Priority::high, 0s));
  CHECK(h.transitions() == std::vector{Transition::raised, Transition::escalated});
  CHECK(h.events[1].priority == Priority::high);
  CHECK(h.events[1].alarm_id == h.events[0].alarm_id);
}

TEST_CASE("technical alarms never latch") {
  Harness h;
  ConditionReport r;
  r.condition = "device_lost:spo2";
  r.kind = AlarmKind::technical;
  r.present = true;
  r.latching = true;
  h.report(r);
  r.present = false;
  h.report(r);
  CHECK(h.transitions() == std::vector{Transition::raised, Transition::cleared});
  CHECK_FALSE(h.events[1].latched);
  CHECK(h.engine.current(h.clock.now()).empty());
}

namespace {
LimitRule limit(std::string condition, core::Metric m, LimitKind k, double threshold,
                Priority p = Priority::medium, core::Duration delay = 0s, double hysteresis = 0) {
  LimitRule r;
  r.condition = std::move(condition);
  r.metric = m;
  r.kind = k;
  r.threshold = threshold;
  r.priority = p;
  r.delay = delay;
  r.hysteresis = hysteresis;
  r.label = "SpO2 low";
  return r;
}
core::Reading reading(core::Metric m, double v) {
  return core::Reading{m, v, {}, {}};
}
const core::TimePoint kEngineStart{std::chrono::hours{1}};
}  // namespace

TEST_CASE("limit rules: artifact-flagged values never alarm and never clear") {
  LimitRules rules{{limit("desaturation", core::Metric::spo2, LimitKind::below, 90)}};
  auto r = reading(core::Metric::spo2, 70);
  r.quality.set(core::QualityFlag::artifact);
  CHECK(rules.evaluate(r, "ox", kEngineStart).empty());
  auto reports = rules.evaluate(reading(core::Metric::spo2, 70), "ox", kEngineStart);
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].present);
  CHECK(reports[0].text() == "SpO2 low: SpO₂ 70 % (limit SpO₂ < 90 %)");
}

TEST_CASE("limit rules: hysteresis keeps a value hovering at the limit from flapping") {
  LimitRules rules{
      {limit("desaturation", core::Metric::spo2, LimitKind::below, 90, Priority::medium, 0s, 1)}};
  auto at = [&](double v) {
    return rules.evaluate(reading(core::Metric::spo2, v), "ox", kEngineStart).at(0).present;
  };
  CHECK_FALSE(at(90));
  CHECK(at(89));
  CHECK(at(90));  // not yet back past 90 + 1
  CHECK(at(91));  // exactly at the edge still counts
  CHECK_FALSE(at(92));
}

TEST_CASE("limit rules: two rules on one condition (SBP or DBP) make one condition") {
  LimitRules rules{{
      limit("hypertension", core::Metric::nibp_systolic, LimitKind::at_or_above, 180),
      limit("hypertension", core::Metric::nibp_diastolic, LimitKind::at_or_above, 110),
  }};
  CHECK_FALSE(rules.evaluate(reading(core::Metric::nibp_systolic, 150), "cuff", kEngineStart).at(0).present);
  auto dia = rules.evaluate(reading(core::Metric::nibp_diastolic, 115), "cuff", kEngineStart);
  REQUIRE(dia.size() == 1);
  CHECK(dia[0].present);
  CHECK(dia[0].value == 115);
  // The systolic is fine but the condition stays present through the diastolic.
  CHECK(rules.evaluate(reading(core::Metric::nibp_systolic, 150), "cuff", kEngineStart).at(0).present);
}

TEST_CASE("limit rules: each level keeps its own delay") {
  LimitRules rules{{
      limit("desaturation", core::Metric::spo2, LimitKind::below, 90, Priority::medium, 15s, 1),
      limit("desaturation", core::Metric::spo2, LimitKind::below, 85, Priority::high, 5s, 1),
  }};
  auto at = [&](double v, core::Duration t) {
    return rules.evaluate(reading(core::Metric::spo2, v), "ox", kEngineStart + t).at(0);
  };
  CHECK_FALSE(at(88, 0s).present);
  CHECK_FALSE(at(82, 10s).present);  // below 85 only since 10 s: the high level waits 5 s more
  auto r = at(82, 15s);              // medium's 15 s and high's 5 s both run out
  CHECK(r.present);
  CHECK(r.priority == Priority::high);
}

TEST_CASE("limit rules: a present condition goes on at a lower level whose own delay has not run out") {
  // The shipped tachycardia: medium above 120 for 30 s, high above 150 for
  // 10 s. In AF the rate jumps about: high after 10 s above 150, then 146.
  LimitRules rules{{
      limit("tachycardia", core::Metric::heart_rate, LimitKind::above, 120, Priority::medium, 30s, 5),
      limit("tachycardia", core::Metric::heart_rate, LimitKind::above, 150, Priority::high, 10s, 5),
  }};
  auto at = [&](double v, core::Duration t) {
    return rules.evaluate(reading(core::Metric::heart_rate, v), "ecg", kEngineStart + t).at(0);
  };
  CHECK_FALSE(at(130, 0s).present);
  CHECK_FALSE(at(160, 4s).present);
  auto high = at(170, 14s);
  CHECK(high.present);
  CHECK(high.priority == Priority::high);
  auto lower = at(140, 16s);  // over 120 for 16 s only, but the condition has begun
  CHECK(lower.present);
  CHECK(lower.priority == Priority::medium);
  CHECK(at(146, 20s).present);
  CHECK_FALSE(at(114, 22s).present);  // back under 120 by the hysteresis: over
  // Begun afresh, each level waits out its delay again.
  CHECK_FALSE(at(140, 24s).present);
  CHECK_FALSE(at(140, 50s).present);
  CHECK(at(140, 54s).present);
}

TEST_CASE("limit rules: a fall into a lower level neither starts nor ends a desaturation early") {
  LimitRules rules{{
      limit("desaturation", core::Metric::spo2, LimitKind::below, 90, Priority::medium, 15s, 1),
      limit("desaturation", core::Metric::spo2, LimitKind::below, 85, Priority::high, 5s, 1),
  }};
  auto at = [&](double v, core::Duration t) {
    return rules.evaluate(reading(core::Metric::spo2, v), "ox", kEngineStart + t).at(0);
  };
  CHECK_FALSE(at(84, 0s).present);
  CHECK_FALSE(at(88, 3s).present);  // high's 5 s never ran out: nothing has begun
  CHECK_FALSE(at(95, 4s).present);
  CHECK_FALSE(at(84, 10s).present);
  CHECK(at(84, 15s).present);
  auto lower = at(88, 17s);  // below 90 for 7 s of medium's 15, and still a desaturation
  CHECK(lower.present);
  CHECK(lower.priority == Priority::medium);
  CHECK_FALSE(at(92, 18s).present);
}
