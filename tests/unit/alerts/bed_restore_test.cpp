// A daemon restart in the middle of an infusion, on the pure bed logic: what
// BedAlarms::state() gives the journal is enough for restore() to put the
// patient, the infusion, the baseline and every alarm back as they were.
#include <doctest/doctest.h>

#include "alerts/bed_alarms.hpp"
#include "tests/unit/alerts/ketamine_bed.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using core::Metric;

namespace {

struct RestoringBed : test::KetamineBed {
  void reading(Metric m, double v, const std::string& device = "monitor") {
    bed.on_reading(device, core::Reading{m, v, {}, {}}, clock.now(), out);
  }
  void stream(Metric m, double v, int seconds) {
    for (int i = 0; i < seconds; ++i) {
      reading(m, v);
      bed.tick(clock.now(), out);
      clock.advance(1s);
    }
  }
  const AlarmEvent* find(const std::string& condition, Transition t) const {
    for (const auto& a : out.alarms)
      if (a.condition == condition && a.transition == t) return &a;
    return nullptr;
  }
};

// The daemon's side of a restart: a new BedAlarms with the profile rebuilt
// from the state's name and changes.
BedAlarms restarted(const BedState& s, core::TimePoint now, BedOutput& out,
                    const std::vector<core::Observation>& recent = {}) {
  BedAlarms bed{"bed-1", ketamine_iv_adult_profile()};
  auto profile = ketamine_iv_adult_profile();
  for (const auto& o : s.context.profile_changes) REQUIRE(apply_override(profile, o).ok());
  bed.restore(s, profile, recent, std::nullopt, now, out);
  return bed;
}

}  // namespace

TEST_CASE("After a restart mid-infusion the patient, limits, infusion, baseline and every alarm are back") {
  RestoringBed b;
  REQUIRE(b.bed
              .admit("PAT-7", ketamine_iv_adult_profile(), {}, {{Metric::nibp_systolic, 130}}, b.nurse,
                     b.clock.now(), b.out)
              .ok());
  REQUIRE(b.bed
              .set_limit({"desaturation", Priority::medium, 88.0, std::nullopt, std::nullopt, "", "nurse"},
                         b.nurse, b.clock.now(), b.out)
              .ok());
  REQUIRE(b.bed
              .start_infusion("ketamine", "0.5 mg/kg over 40 min", {{Metric::nibp_systolic, 130}}, b.nurse,
                              b.clock.now(), b.out)
              .ok());
  const auto started = b.clock.now();
  // Severe desaturation for 8 s, then recovered: cleared, latched, nobody acknowledged.
  b.stream(Metric::spo2, 83, 8);
  b.stream(Metric::spo2, 97, 2);
  // Tachycardia for 40 s: active, and acknowledged by the nurse.
  b.stream(Metric::pulse_rate, 135, 40);
  const auto* tachy = b.find("tachycardia", Transition::raised);
  REQUIRE(tachy);
  REQUIRE(b.bed.acknowledge(tachy->alarm_id, b.nurse, b.clock.now(), b.out).ok());
  const BedState saved = b.bed.state();
  CHECK(saved.alarms.size() == 2);

  b.clock.advance(20s);  // the daemon was down for 20 s
  BedOutput out;
  BedAlarms bed = restarted(saved, b.clock.now(), out);
  CHECK(bed.patient_id() == "PAT-7");
  REQUIRE(bed.infusion());
  CHECK(bed.infusion()->started == started);
  CHECK(bed.infusion()->regimen == "0.5 mg/kg over 40 min");
  CHECK(bed.baseline().at(Metric::nibp_systolic) == 130);
  bool tightened = false;
  for (const auto& r : bed.profile().rules)
    tightened =
        tightened || (r.condition == "desaturation" && r.priority == Priority::medium && r.threshold == 88);
  CHECK(tightened);

  REQUIRE(out.alarms.size() == 2);
  for (const auto& a : out.alarms) {
    CHECK(a.transition == Transition::restored);
    if (a.condition == "desaturation") {
      CHECK((!a.active && a.latched && !a.acknowledged && a.priority == Priority::high));
    } else {
      CHECK(a.condition == "tachycardia");
      CHECK((a.active && a.acknowledged && a.alarm_id == tachy->alarm_id));
      CHECK(a.actor == "nurse Ana at station-1");
    }
  }
  // What was restored, then the rules in force as this start's config made them.
  REQUIRE(out.context.size() == 2);
  CHECK(out.context[0].what == "restored");
  CHECK(out.context[1].what == "limits_in_force");
  CHECK(out.context[0].message.find("patient PAT-7") != std::string::npos);
  CHECK(out.context[0].message.find("ketamine infusion running") != std::string::npos);

  // The restored alarms live on: a racing pulse keeps the tachycardia without a second alarm, a normal
  // pulse clears it, the latched desaturation can be reset.
  out.clear();
  bed.on_reading("monitor", core::Reading{Metric::pulse_rate, 135, {}, {}}, b.clock.now(), out);
  bed.tick(b.clock.now(), out);
  CHECK(out.alarms.empty());
  bed.on_reading("monitor", core::Reading{Metric::pulse_rate, 80, {}, {}}, b.clock.now(), out);
  REQUIRE(out.alarms.size() == 1);
  CHECK(out.alarms[0].transition == Transition::cleared);
  std::string desat_id;
  for (const auto& a : bed.engine().current(b.clock.now())) desat_id = a.alarm_id;
  CHECK(bed.reset(desat_id, b.nurse, b.clock.now(), out).ok());
  CHECK(bed.engine().current(b.clock.now()).empty());
}

TEST_CASE(
    "A restored extreme tachycardia stays while the pulse is still past its limit, at its worst level") {
  RestoringBed b;
  b.stream(Metric::pulse_rate, 160, 12);  // high: > 150 for 10 s
  const auto* raised = b.find("tachycardia", Transition::raised);
  REQUIRE(raised);
  REQUIRE(raised->priority == Priority::high);
  const BedState saved = b.bed.state();
  b.clock.advance(3s);
  BedOutput out;
  BedAlarms bed = restarted(saved, b.clock.now(), out);
  out.clear();
  for (double pulse : {160.0, 158.0, 130.0}) {  // still racing, then only past the medium level
    bed.on_reading("monitor", core::Reading{Metric::pulse_rate, pulse, {}, {}}, b.clock.now(), out);
    bed.tick(b.clock.now(), out);
    b.clock.advance(1s);
  }
  CHECK(out.alarms.empty());
  REQUIRE(bed.engine().current(b.clock.now()).size() == 1);
  CHECK(bed.engine().current(b.clock.now())[0].priority == Priority::high);
  bed.on_reading("monitor", core::Reading{Metric::pulse_rate, 118, {}, {}}, b.clock.now(), out);
  CHECK(out.alarms.empty());  // within 3 /min of the limit: the same hysteresis as before the restart
  bed.on_reading("monitor", core::Reading{Metric::pulse_rate, 110, {}, {}}, b.clock.now(), out);
  REQUIRE(out.alarms.size() == 1);
  CHECK(out.alarms[0].transition == Transition::cleared);
}

TEST_CASE("A restored unacknowledged medium alarm still escalates two minutes after it was first raised") {
  RestoringBed b;
  b.stream(Metric::spo2, 89, 20);  // medium desaturation after 15 s
  const auto* raised = b.find("desaturation", Transition::raised);
  REQUIRE(raised);
  CHECK(raised->time - raised->onset == 15s);
  const auto raised_at = raised->time;
  const BedState saved = b.bed.state();
  b.clock.advance(30s);
  BedOutput out;
  BedAlarms bed = restarted(saved, b.clock.now(), out);
  out.clear();
  bed.tick(raised_at + 119s, out);
  CHECK(out.alarms.empty());
  bed.tick(raised_at + 120s, out);
  REQUIRE(out.alarms.size() == 1);
  CHECK(out.alarms[0].transition == Transition::escalated);
  CHECK(out.alarms[0].priority == Priority::high);
}

TEST_CASE(
    "A restored sensor-off alarm clears when the device's first frame after the restart says the probe is "
    "on") {
  RestoringBed b;
  core::DeviceConditions off;
  off.set(core::DeviceCondition::sensor_off);
  for (int i = 0; i < 12; ++i) {
    b.bed.on_device_conditions("oximeter", off, b.clock.now(), b.out);
    b.bed.tick(b.clock.now(), b.out);
    b.clock.advance(1s);
  }
  REQUIRE(b.find("sensor_off:oximeter", Transition::raised));
  BedOutput out;
  BedAlarms bed = restarted(b.bed.state(), b.clock.now(), out);
  REQUIRE(out.alarms.size() == 1);
  CHECK((out.alarms[0].condition == "sensor_off:oximeter" && out.alarms[0].active));
  out.clear();
  bed.on_device_conditions("oximeter", core::DeviceConditions{}, b.clock.now(), out);
  REQUIRE(out.alarms.size() == 1);
  CHECK(out.alarms[0].transition == Transition::cleared);
}

TEST_CASE(
    "Readings journalled before the restart still count toward the baseline of an infusion started after "
    "it") {
  RestoringBed b;
  REQUIRE(b.bed.admit("PAT-8", ketamine_iv_adult_profile(), {}, {}, b.nurse, b.clock.now(), b.out).ok());
  std::vector<core::Observation> recent;
  for (int i = 0; i < 120; ++i) {
    for (auto [m, v] : {std::pair{Metric::spo2, 97.0}, {Metric::pulse_rate, 70.0}}) {
      core::Observation o;
      o.reading = core::Reading{m, v, {}, {}};
      o.received = b.clock.now();
      recent.push_back(o);
    }
    b.clock.advance(1s);
  }
  core::Observation cuff;
  cuff.reading = core::Reading{Metric::nibp_systolic, 124, {}, {}};
  cuff.received = b.clock.now();
  recent.push_back(cuff);
  BedOutput out;
  BedAlarms bed = restarted(b.bed.state(), b.clock.now(), out, recent);
  out.clear();
  REQUIRE(bed.start_infusion("ketamine", "", {}, b.nurse, b.clock.now(), out).ok());
  CHECK(bed.baseline_source() == "measured");
  CHECK(bed.baseline().at(Metric::spo2) == 97);
  CHECK(bed.baseline().at(Metric::pulse_rate) == 70);
  CHECK(bed.baseline().at(Metric::nibp_systolic) == 124);
}

TEST_CASE(
    "An unavailable journal is a medium technical alarm on the bed at once, cleared when it writes again") {
  RestoringBed b;
  b.bed.on_journal(false, "database or disk is full", b.clock.now(), b.out);
  REQUIRE(b.out.alarms.size() == 1);
  const auto& a = b.out.alarms[0];
  CHECK((a.condition == "journal_unavailable" && a.transition == Transition::raised));
  CHECK((a.kind == AlarmKind::technical && a.priority == Priority::medium));
  CHECK(a.message.find("database or disk is full") != std::string::npos);
  b.out.clear();
  b.bed.on_journal(true, "", b.clock.now(), b.out);
  REQUIRE(b.out.alarms.size() == 1);
  CHECK(b.out.alarms[0].transition == Transition::cleared);
  CHECK(!b.out.alarms[0].latched);
}

TEST_CASE("A tachycardia raised from the pulse and restored clears when the ECG, arriving first, says 80") {
  RestoringBed b;
  b.stream(Metric::pulse_rate, 130, 40);
  REQUIRE(b.find("tachycardia", Transition::raised));
  b.out.clear();
  BedOutput out;
  auto bed = restarted(b.bed.state(), b.clock.now(), out);
  REQUIRE(!out.alarms.empty());
  out.clear();
  // The ECG heart rate comes first after the restart (the oximeter has not
  // spoken yet): the pulse rules the restart resumed hand over to it.
  for (int i = 0; i < 5; ++i) {
    bed.on_reading("monitor:ecg", core::Reading{Metric::heart_rate, 80, {}, {}}, b.clock.now(), out);
    bed.tick(b.clock.now(), out);
    b.clock.advance(1s);
  }
  bool cleared = false;
  for (const auto& a : out.alarms)
    cleared = cleared || (a.condition == "tachycardia" && a.transition == Transition::cleared);
  CHECK(cleared);
}

TEST_CASE("A restored tachycardia stays raised when the pulse comes first, then the ECG, both still fast") {
  RestoringBed b;
  b.stream(Metric::heart_rate, 130, 40);
  REQUIRE(b.find("tachycardia", Transition::raised));
  BedOutput out;
  auto bed = restarted(b.bed.state(), b.clock.now(), out);
  out.clear();
  for (int i = 0; i < 40; ++i) {
    bed.on_reading("oximeter", core::Reading{Metric::pulse_rate, 131, {}, {}}, b.clock.now(), out);
    if (i >= 3)
      bed.on_reading("monitor:ecg", core::Reading{Metric::heart_rate, 130, {}, {}}, b.clock.now(), out);
    bed.tick(b.clock.now(), out);
    b.clock.advance(1s);
  }
  for (const auto& a : out.alarms) {
    INFO(to_string(a.transition));
    CHECK(a.condition != "tachycardia");
  }
}
