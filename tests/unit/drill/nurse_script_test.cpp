// The scripted nurse of the built-in ward infusion-record acts on what vigild
// has said on its bus by the action's time, never on the simulator's clock,
// which runs ahead of vigild: at 100x the desaturation vigild raised at 20:40
// was once not yet heard when the simulator's clock said 21:00, and the
// scripted acknowledgement found nothing to acknowledge.
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

}  // namespace

TEST_CASE("the 21:00 acknowledgement waits for vigild's 21:00 on the bus, and then finds the desaturation") {
  const auto ward = infusion_record();
  NurseScript script{ward};
  // The simulator's clock is at 21:00.4; the last heartbeat heard from
  // vigild says 20:59.6, and the desaturation it raised at 20:40 is still
  // on its way (a busy machine held up the bus).
  core::ManualClock simulator{core::TimePoint{21min + 400ms}};
  DrillRecord seen;
  seen.daemon_time = 20min + 59s + 600ms;
  REQUIRE(simulator.now().time_since_epoch() >= 21min);
  const auto before = texts(script.due(seen));
  REQUIRE(!before.empty());
  CHECK(before.back() == "16:10 bed-1 change infusion rate to 0.6 mg/min reason slower after the crisis");
  CHECK(script.due(seen).empty());

  // The bus keeps order: the alarm comes before the heartbeat that passes 21:00.
  seen.alarms.push_back(desaturation("RAISED", 20min + 40s));
  seen.daemon_time = 21min;
  const auto now = script.due(seen);
  REQUIRE(texts(now) == std::vector<std::string>{"21:00 bed-1 acknowledge desaturation"});
  auto r = scripted_request(now.front(), seen);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error()));
  CHECK(r->acknowledge().bed() == "bed-1");
  CHECK(r->acknowledge().alarm_id() == "bed-1:desaturation:1");
  CHECK(r->actor() == "vigil-drill (scripted)");
  CHECK(r->station() == "drill runner");
}

TEST_CASE("nothing is played before vigild has been heard, however far the simulator's clock has run") {
  const auto ward = infusion_record();
  NurseScript script{ward};
  DrillRecord seen;
  CHECK(script.due(seen).empty());
  seen.daemon_time = 1min + 59s;
  CHECK(script.due(seen).empty());
  seen.daemon_time = 2min;
  CHECK(texts(script.due(seen)) ==
        std::vector<std::string>{"2:00 bed-1 start infusion ketamine 0.5 mg/kg for 72 kg over 40 min"});
}

TEST_CASE(
    "an acknowledgement of an alarm vigild has not raised, or has cleared, is refused with the reason") {
  const auto ward = infusion_record();
  NurseScript script{ward};
  DrillRecord seen;
  seen.daemon_time = 21min;
  const auto due = script.due(seen);
  REQUIRE(!due.empty());
  const auto& ack = due.back();
  REQUIRE(action_text(ack) == "21:00 bed-1 acknowledge desaturation");

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
  DrillRecord seen;
  seen.daemon_time = 2min;
  const auto due = script.due(seen);
  REQUIRE(due.size() == 1);
  auto r = scripted_request(due.front(), seen);
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
