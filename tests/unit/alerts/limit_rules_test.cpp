// How LimitRules finds the rules a reading touches (only those on its
// metric, only those turned on) and how it keeps one report per condition,
// rewritten whole by every reading; and a bed whose limit is changed while
// its readings stream in; beds with the same rules sharing one copy.
#include "alerts/limit_rules.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <random>

#include "alerts/bed_alarms.hpp"
#include "tests/unit/alerts/clock_start.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using core::Metric;
using vigil::alerts::test::t0;

namespace {

LimitRule level(const std::string& condition, Metric m, LimitKind k, double threshold, Priority p,
                std::string label) {
  LimitRule r;
  r.condition = condition;
  r.metric = m;
  r.kind = k;
  r.threshold = threshold;
  r.priority = p;
  r.label = std::move(label);
  return r;
}

core::Reading value_of(Metric m, double v) {
  return core::Reading{m, v, {}, {}};
}

}  // namespace

TEST_CASE("a level turned off is not judged; the condition's other level still is") {
  auto off = level("desaturation", Metric::spo2, LimitKind::below, 90, Priority::medium, "SpO2 low");
  off.enabled = false;
  LimitRules rules{{off, level("desaturation", Metric::spo2, LimitKind::below, 85, Priority::high,
                               "Severe desaturation")}};
  auto at88 = rules.evaluate(value_of(Metric::spo2, 88), "ox", t0);
  REQUIRE(at88.size() == 1);
  CHECK_FALSE(at88[0].present);
  auto at80 = rules.evaluate(value_of(Metric::spo2, 80), "ox", t0);
  REQUIRE(at80.size() == 1);
  CHECK(at80[0].present);
  CHECK(at80[0].priority == Priority::high);
  CHECK(at80[0].text() == "Severe desaturation: SpO₂ 80 % (limit SpO₂ < 85 %)");
}

TEST_CASE("a metric whose only rules are turned off, or that has none, reports nothing") {
  auto off = level("desaturation", Metric::spo2, LimitKind::below, 90, Priority::medium, "SpO2 low");
  off.enabled = false;
  LimitRules rules{{off, level("tachycardia", Metric::pulse_rate, LimitKind::above, 120, Priority::medium,
                               "Tachycardia")}};
  CHECK(rules.evaluate(value_of(Metric::spo2, 70), "ox", t0).empty());
  CHECK(rules.evaluate(value_of(Metric::perfusion_index, 0.2), "ox", t0).empty());
  CHECK(rules.evaluate(value_of(Metric::pulse_rate, 130), "ox", t0).size() == 1);
}

TEST_CASE("a cuff measurement reports each condition it touches once, in rule order, on all its values") {
  LimitRules rules{{
      level("hypertension", Metric::nibp_systolic, LimitKind::at_or_above, 180, Priority::medium,
            "Hypertension"),
      level("hypertension", Metric::nibp_diastolic, LimitKind::at_or_above, 110, Priority::medium,
            "Hypertension"),
      level("hypotension", Metric::nibp_systolic, LimitKind::below, 90, Priority::medium, "Hypotension"),
  }};
  const std::array cuff{value_of(Metric::nibp_systolic, 150), value_of(Metric::nibp_diastolic, 115)};
  const auto reports = rules.evaluate(cuff, "cuff", t0, {});
  REQUIRE(reports.size() == 2);
  CHECK(reports[0]->condition == "hypertension");
  CHECK(reports[0]->present);
  CHECK(reports[0]->metric == Metric::nibp_diastolic);
  CHECK(reports[0]->value == 115);
  CHECK(reports[1]->condition == "hypotension");
  CHECK_FALSE(reports[1]->present);
}

TEST_CASE("a condition's report is rewritten whole by the next reading: device, note, numbers") {
  LimitRules rules{{level("desaturation", Metric::spo2, LimitKind::below, 90, Priority::medium, "SpO2 low")}};
  const auto first = value_of(Metric::spo2, 85);
  auto reports = rules.evaluate(std::span{&first, 1}, "oximeter-1", t0, {});
  REQUIRE(reports.size() == 1);
  reports[0]->source_note = " (a note of the caller's)";
  CHECK(reports[0]->since == t0);
  const auto second = value_of(Metric::spo2, 97);
  reports = rules.evaluate(std::span{&second, 1}, "oximeter-2", t0 + 1s, {});
  REQUIRE(reports.size() == 1);
  CHECK_FALSE(reports[0]->present);
  CHECK(reports[0]->device == "oximeter-2");
  CHECK(reports[0]->source_note.empty());
  CHECK_FALSE(reports[0]->since);
  CHECK(reports[0]->value == 97);
  CHECK(reports[0]->text() == "SpO2 low: SpO₂ 97 % (limit SpO₂ < 90 %)");
}

TEST_CASE(
    "SpO2 91 % raises no alarm at the 90 % limit, and does 15 s after the limit is raised to 92 % "
    "mid-stream") {
  BedAlarms bed{"bed-1", ketamine_iv_adult_profile()};
  BedOutput out;
  std::vector<AlarmEvent> raised;
  auto second = [&](core::Duration t) {
    bed.on_reading("oximeter", value_of(Metric::spo2, 91), t0 + t, out);
    bed.tick(t0 + t, out);
    for (const auto& e : out.alarms)
      if (e.condition == "desaturation") raised.push_back(e);
    out.clear();
  };
  for (auto t = 0s; t < 30s; t += 1s) second(t);
  CHECK(raised.empty());
  RuleOverride higher;
  higher.condition = "desaturation";
  higher.priority = Priority::medium;
  higher.threshold = 92;
  higher.by = "charge nurse";
  REQUIRE(bed.set_limit(higher, Actor{"A. Diaz", "station-1"}, t0 + 30s, out));
  out.clear();
  for (auto t = 30s; t < 45s; t += 1s) second(t);
  CHECK(raised.empty());  // the changed rule waits out its 15 s from its first reading
  second(45s);
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].transition == Transition::raised);
  CHECK(raised[0].limit == 92);
  CHECK(raised[0].message == "SpO2 low: SpO₂ 91 % (limit SpO₂ < 92 % for 15 s)");
}

TEST_CASE("an alarm's numbers read as printf's %g of the value to a tenth, for any value") {
  auto printf_g = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", std::round(v * 10) / 10);
    return std::string{buf};
  };
  std::mt19937_64 rng{17};
  std::uniform_real_distribution<double> any{-1e7, 1e7};
  std::uniform_int_distribution<int> tenths{-3000, 3000};
  for (int i = 0; i < 20000; ++i) {
    const double v = i % 2 ? any(rng) : tenths(rng) / 10.0;
    REQUIRE(format_number(v) == printf_g(v));
  }
  for (const double v : {0.0, -0.0, -0.04, 0.05, 97.25, 1e-7, 123456.7, 999999.96, 1e300, -1e-300})
    CHECK(format_number(v) == printf_g(v));
}

TEST_CASE("each condition's report names the device of the reading that judged it, as devices take turns") {
  LimitRules rules{
      {level("desaturation", Metric::spo2, LimitKind::below, 90, Priority::medium, "SpO2 low"),
       level("tachycardia", Metric::pulse_rate, LimitKind::above, 120, Priority::medium, "Tachycardia")}};
  auto device_of = [&](Metric m, const std::string& device) {
    const auto r = value_of(m, m == Metric::spo2 ? 97 : 72);
    const auto reports = rules.evaluate(std::span{&r, 1}, device, t0, {});
    REQUIRE(reports.size() == 1);
    return reports[0]->device;
  };
  CHECK(device_of(Metric::spo2, "oximeter") == "oximeter");
  CHECK(device_of(Metric::pulse_rate, "monitor") == "monitor");
  CHECK(device_of(Metric::pulse_rate, "monitor") == "monitor");
  CHECK(device_of(Metric::spo2, "monitor") == "monitor");
  CHECK(device_of(Metric::pulse_rate, "oximeter") == "oximeter");
  CHECK(device_of(Metric::spo2, "oximeter") == "oximeter");
  CHECK(device_of(Metric::spo2, "oximeter") == "oximeter");
}

TEST_CASE("beds with the same rules share one copy of them and judge apart; changed rules get their own") {
  const auto profile = ketamine_iv_adult_profile();
  LimitRules bed1{profile.rules}, bed2{profile.rules};
  CHECK(&bed1.rules() == &bed2.rules());
  const auto low = value_of(Metric::spo2, 80);
  const auto fine = value_of(Metric::spo2, 97);
  (void)bed1.evaluate(std::span{&low, 1}, "oximeter", t0, {});
  const auto on1 = bed1.evaluate(std::span{&low, 1}, "oximeter", t0 + 20s, {});
  const auto on2 = bed2.evaluate(std::span{&fine, 1}, "oximeter", t0 + 20s, {});
  REQUIRE(on1.size() == 1);
  REQUIRE(on2.size() == 1);
  CHECK(on1[0]->present);
  CHECK(on1[0]->since == t0);
  CHECK_FALSE(on2[0]->present);
  auto changed = profile.rules;
  changed.front().threshold += 5;
  LimitRules bed3{changed};
  CHECK(&bed3.rules() != &bed1.rules());
  CHECK(bed3.rules() == changed);
  CHECK(bed1.rules() == profile.rules);
}

TEST_CASE(
    "with nothing held by the engine, a steady SpO2 is left unreported; a fall, its delay and its return "
    "are all reported") {
  auto medium = level("desaturation", Metric::spo2, LimitKind::below, 90, Priority::medium, "SpO2 low");
  medium.delay = 10s;
  medium.hysteresis = 1;
  LimitRules rules{{medium}};
  const auto judge = [&](const char* device, double v, core::Duration at) {
    const core::Reading r = value_of(Metric::spo2, v);
    return rules.evaluate(std::span{&r, 1}, device, t0 + at, {}, true);
  };
  CHECK(judge("ox-1", 97, 0s).empty());
  CHECK(judge("ox-2", 96, 1s).empty());
  // Past the limit, its delay running: reported (not yet present), from the
  // reading at hand, though the readings before it were left out.
  auto fell = judge("ox-2", 88, 2s);
  REQUIRE(fell.size() == 1);
  CHECK_FALSE(fell[0]->present);
  CHECK(fell[0]->device == "ox-2");
  CHECK(fell[0]->value == 88);
  CHECK(fell[0]->since == t0 + 2s);
  REQUIRE(judge("ox-2", 87, 12s).size() == 1);
  // 90 is back past 90 but not by the hysteresis: still present.
  auto held = judge("ox-1", 90, 13s);
  REQUIRE(held.size() == 1);
  CHECK(held[0]->present);
  CHECK(held[0]->device == "ox-1");
  // Back within the limit: no rule past it, but the condition was present,
  // so its end is reported.
  auto back = judge("ox-1", 95, 14s);
  REQUIRE(back.size() == 1);
  CHECK_FALSE(back[0]->present);
  CHECK(back[0]->value == 95);
  CHECK(judge("ox-1", 96, 15s).empty());
  // Without the engine's word, every reading is reported.
  const core::Reading r = value_of(Metric::spo2, 97);
  CHECK(rules.evaluate(std::span{&r, 1}, "ox-1", t0 + 16s, {}).size() == 1);
}
