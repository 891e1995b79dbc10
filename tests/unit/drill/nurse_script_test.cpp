// The scripted nurse of the built-in ward infusion-record, on a fake clock
// for the simulator: actions go at their time on the simulator's clock, but
// an acknowledgement acts on the alarm it names. At 100x the simulator's
// clock once said 21:00 before the desaturation vigild raised at 20:40 had
// been heard on the bus, and the acknowledgement found nothing to acknowledge.
#include "drill/nurse_script.hpp"

#include <doctest/doctest.h>

using namespace vigil;
using namespace vigil::drill;
using namespace std::chrono_literals;

namespace {

sim::Ward infusion_record() {
  auto w = sim::load_ward("infusion-record");
  REQUIRE_MESSAGE(w.ok(), (w.ok() ? "" : w.error()));
  return *w;
}

SeenAlarm desaturation(const std::string& transition, core::Duration t) {
  SeenAlarm a;
  a.t = t;
  a.bed = "bed-1";
  a.alarm_id = "bed-1:desaturation:1";
  a.condition = "desaturation";
  a.priority = "high";
  a.transition = transition;
  a.kind = "physiological";
  a.drill = true;
  return a;
}

std::vector<std::string> texts(const std::vector<ScriptedAction>& v) {
  std::vector<std::string> t;
  for (const auto& a : v) t.push_back(action_text(a));
  return t;
}

// The simulator's clock, and the drill's start on it.
struct Drill {
  core::ManualClock simulator;
  core::TimePoint zero = simulator.now();
  core::Duration now() const { return simulator.now() - zero; }
  void at(core::Duration t) { simulator.set(zero + t); }
};

const std::string kAck = "21:00 bed-1 acknowledge desaturation";

}  // namespace

TEST_CASE(
    "the 21:00 acknowledgement waits for the desaturation to be heard, though the simulator is past 21:00") {
  const auto ward = infusion_record();
  NurseScript script{ward};
  Drill drill;
  // vigild raised the desaturation at 20:40; on a busy machine the bus has
  // carried vigild's time only to 20:59.6, and the alarm is still on its way.
  drill.at(21min + 400ms);
  DrillRecord seen;
  seen.daemon_time = 20min + 59s + 600ms;
  const auto before = texts(script.due(drill.now(), seen));
  REQUIRE(!before.empty());
  CHECK(before.back() == "16:10 bed-1 change infusion rate to 0.6 mg/min reason slower after the crisis");
  drill.at(21min + 500ms);
  CHECK(script.due(drill.now(), seen).empty());

  // The bus keeps order: the alarm comes before the heartbeat that passes 21:00.
  seen.alarms.push_back(desaturation("RAISED", 20min + 40s));
  const auto now = script.due(drill.now(), seen);
  REQUIRE(texts(now) == std::vector<std::string>{kAck});
  auto r = scripted_request(now.front(), seen);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error()));
  CHECK(r->acknowledge().bed() == "bed-1");
  CHECK(r->acknowledge().alarm_id() == "bed-1:desaturation:1");
  CHECK(r->actor() == "vigil-drill (scripted)");
  CHECK(r->station() == "drill runner");
}

TEST_CASE("an acknowledgement of an alarm already heard goes at its time, without waiting for the bus") {
  const auto ward = infusion_record();
  NurseScript script{ward};
  Drill drill;
  DrillRecord seen;
  seen.alarms.push_back(desaturation("RAISED", 20min + 40s));
  seen.daemon_time = 20min + 59s + 600ms;
  drill.at(20min + 59s + 900ms);
  CHECK(texts(script.due(drill.now(), seen)).back() != kAck);
  drill.at(21min);
  CHECK(texts(script.due(drill.now(), seen)) == std::vector<std::string>{kAck});
}

TEST_CASE("an infusion starts at 2:00 on the simulator's clock, however far behind the bus is") {
  const auto ward = infusion_record();
  NurseScript script{ward};
  Drill drill;
  DrillRecord seen;  // nothing heard from vigild yet
  drill.at(1min + 59s + 990ms);
  CHECK(script.due(drill.now(), seen).empty());
  drill.at(2min);
  CHECK(texts(script.due(drill.now(), seen)) ==
        std::vector<std::string>{"2:00 bed-1 start infusion ketamine 0.5 mg/kg for 72 kg over 40 min"});
}

TEST_CASE("the actions after a waiting acknowledgement wait behind it, in order") {
  const auto ward = infusion_record();
  NurseScript script{ward};
  Drill drill;
  DrillRecord seen;
  seen.daemon_time = 20min + 59s;
  drill.at(21min + 6s);
  CHECK(texts(script.due(drill.now(), seen)).back() != kAck);
  CHECK(!script.done());
  seen.daemon_time = 21min + 1s;
  CHECK(texts(script.due(drill.now(), seen)) ==
        std::vector<std::string>{kAck, "21:05 bed-1 intervention oxygen nasal cannula 2 L/min"});
}

TEST_CASE(
    "an acknowledgement of an alarm vigild had not raised by its time, or had cleared, is refused with "
    "the reason") {
  const auto ward = infusion_record();
  NurseScript script{ward};
  Drill drill;
  DrillRecord seen;
  seen.daemon_time = 21min;
  drill.at(21min);
  const auto due = script.due(drill.now(), seen);
  REQUIRE(!due.empty());
  const auto& ack = due.back();
  REQUIRE(action_text(ack) == kAck);

  auto r = scripted_request(ack, seen);
  REQUIRE(!r.ok());
  CHECK(r.error() == "no desaturation alarm is sounding on bed-1");

  seen.alarms.push_back(desaturation("RAISED", 20min + 40s));
  seen.alarms.push_back(desaturation("CLEARED", 20min + 55s));
  r = scripted_request(ack, seen);
  REQUIRE(!r.ok());
  CHECK(r.error() == "no desaturation alarm is sounding on bed-1");
}

TEST_CASE("the scripted start names the dose, and the regimen says it as staff do") {
  const auto ward = infusion_record();
  NurseScript script{ward};
  Drill drill;
  drill.at(2min);
  const auto due = script.due(drill.now(), DrillRecord{});
  REQUIRE(due.size() == 1);
  auto r = scripted_request(due.front(), DrillRecord{});
  REQUIRE(r.ok());
  const auto& s = r->start_infusion();
  CHECK(s.bed() == "bed-1");
  CHECK(s.drug() == "ketamine");
  CHECK(s.dose().amount() == doctest::Approx(0.5));
  CHECK(s.dose().unit() == "mg/kg");
  CHECK(s.dose().weight_kg() == doctest::Approx(72));
  CHECK(s.dose().duration_min() == 40);
  CHECK(s.regimen() == "0.5 mg/kg over 40 min");
}
