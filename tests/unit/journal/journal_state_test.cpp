// The bed state the journal stores must give back exactly what BedAlarms
// handed it, or a restart would bring back a different bed.
#include "journal/journal_state.hpp"

#include <doctest/doctest.h>

using namespace vigil;
using namespace vigil::journal;
using namespace std::chrono_literals;
using core::Metric;

TEST_CASE("A bed state survives the trip through the journal's protobuf unchanged") {
  const core::TimePoint t{std::chrono::hours{24 * 365 * 56}};
  alerts::BedState s;
  s.context.patient_id = "PAT-9";
  s.context.profile = "ketamine-iv-adult";
  s.context.profile_from_admission = true;
  s.context.profile_changes.push_back(
      {"desaturation", alerts::Priority::medium, 88.0, 20s, std::nullopt, "", "A. Diaz"});
  s.context.profile_changes.push_back({"bp_surge", alerts::Priority::medium, std::nullopt, std::nullopt,
                                       false, "not for this patient", "A. Diaz"});
  s.context.profile_changes.push_back({"hypertension", alerts::Priority::medium, 170.0, std::nullopt,
                                       std::nullopt, "", "A. Diaz", "nibp_sys"});
  s.context.infusion = alerts::Infusion{t, "ketamine", "0.5 mg/kg over 40 min"};
  s.context.baseline = {{Metric::nibp_systolic, 128}, {Metric::pulse_rate, 74}, {Metric::spo2, 97}};
  s.context.baseline_source = "measured";
  core::DeviceConditions off;
  off.set(core::DeviceCondition::sensor_off);
  s.device_conditions["ox"] = off;
  alerts::AlarmState a;
  a.last.condition = "tachycardia";
  a.last.present = true;
  a.last.priority = alerts::Priority::medium;
  a.last.delay = 30s;
  a.last.latching = false;
  a.last.rule = alerts::AlarmRule::limit;
  a.last.metric = Metric::pulse_rate;
  a.last.value = 131;
  a.last.limit = 120;
  a.last.message = "Tachycardia: pulse 131 /min";
  a.last.device = "ox";
  a.alarm_id = "bed-1:tachycardia:123";
  a.onset = t + 5min;
  a.raised = t + 5min + 15s;
  a.priority = alerts::Priority::high;
  a.active = true;
  a.acknowledged = true;
  a.escalated = true;
  a.latching = true;
  a.actor = "nurse Ana at station-1";
  a.paused_until = t + 7min;
  s.alarms.push_back(a);

  const auto back = from_journal(to_journal("bed-1", s, true));
  CHECK(back.context.patient_id == s.context.patient_id);
  CHECK(back.context.profile == s.context.profile);
  CHECK(back.context.profile_from_admission);
  REQUIRE(back.context.profile_changes.size() == 3);
  CHECK(back.context.profile_changes[0].metric.empty());
  CHECK(back.context.profile_changes[2].metric == "nibp_sys");
  CHECK(back.context.profile_changes[0].threshold == 88.0);
  CHECK(back.context.profile_changes[0].delay == core::Duration{20s});
  CHECK(!back.context.profile_changes[0].enabled);
  CHECK(back.context.profile_changes[1].enabled == false);
  CHECK(!back.context.profile_changes[1].threshold);
  REQUIRE(back.context.infusion);
  CHECK(back.context.infusion->started == t);
  CHECK(back.context.infusion->regimen == "0.5 mg/kg over 40 min");
  CHECK(back.context.baseline == s.context.baseline);
  CHECK(back.context.baseline_source == "measured");
  CHECK(back.device_conditions.at("ox") == off);
  REQUIRE(back.alarms.size() == 1);
  const auto& b = back.alarms[0];
  CHECK(b.alarm_id == a.alarm_id);
  CHECK((b.last.condition == "tachycardia" && b.last.present && b.last.delay == core::Duration{30s}));
  CHECK((b.last.priority == alerts::Priority::medium && b.last.metric == Metric::pulse_rate));
  CHECK((b.last.value == 131 && b.last.limit == 120 && b.last.device == "ox"));
  CHECK(b.last.rule == alerts::AlarmRule::limit);
  CHECK(b.last.message == a.last.message);
  CHECK((b.onset == a.onset && b.raised == a.raised && b.priority == alerts::Priority::high));
  CHECK((b.active && b.acknowledged && b.escalated && b.latching));
  CHECK(b.actor == a.actor);
  CHECK(b.paused_until == a.paused_until);
}

TEST_CASE(
    "A restored AF alarm still says rhythm analysis raised it; one journalled before the bus said, nothing") {
  alerts::BedState s;
  alerts::AlarmState a;
  a.last.condition = "atrial_fibrillation";
  a.last.present = true;
  a.last.priority = alerts::Priority::high;
  a.last.rule = alerts::AlarmRule::rhythm;
  a.last.metric = Metric::heart_rate;
  a.last.value = 128;
  a.last.limit = 110;
  a.alarm_id = "bed-1:atrial_fibrillation:1";
  a.active = true;
  s.alarms.push_back(a);
  auto stored = to_journal("bed-1", s, false);
  // What the restart publishes (RESTORED) and hl7out sends on.
  CHECK(stored.alarms(0).alarm().rule() == vigil::v1::RHYTHM_ANALYSIS);
  CHECK(from_journal(stored).alarms[0].last.rule == alerts::AlarmRule::rhythm);
  stored.mutable_alarms(0)->mutable_alarm()->clear_rule();
  CHECK(from_journal(stored).alarms[0].last.rule == alerts::AlarmRule::unspecified);
  // A value from a newer sender is no limit rule either.
  stored.mutable_alarms(0)->mutable_alarm()->set_rule(static_cast<vigil::v1::AlarmRule>(9));
  CHECK(from_journal(stored).alarms[0].last.rule == alerts::AlarmRule::unspecified);
}
