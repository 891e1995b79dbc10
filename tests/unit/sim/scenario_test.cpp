#include <doctest/doctest.h>

#include "sim/builtin_scenarios.hpp"
#include "sim/scenario.hpp"

using namespace vigil::sim;
using namespace std::chrono_literals;

TEST_CASE("a nurse educator's drill script parses into events and expectations") {
  auto s = parse_scenario(R"(title: Hypertensive crisis
description: BP climbs during the infusion,
  then settles after the infusion is paused.
duration: 10:00
patient: heart rate 76, systolic 128, diastolic 78, spo2 98
nibp every 2 min
at 3:00 raise systolic to 220 and diastolic to 120 over 90 s and raise heart rate to 120 over 1 min
at 6:00 unplug oximeter for 20 s
at 7:00 measure nibp
expect high hypertensive_crisis between 4:00 and 5:30
)",
                          "crisis.scn");
  REQUIRE(s.ok());
  CHECK(s->title == "Hypertensive crisis");
  CHECK(s->description == "BP climbs during the infusion, then settles after the infusion is paused.");
  CHECK(s->duration == 10min);
  CHECK(s->nibp_cycle == 2min);
  CHECK(s->patient.systolic == 128);
  REQUIRE(s->events.size() == 3);
  const auto& rise = s->events[0];
  CHECK(rise.at == 3min);
  REQUIRE(rise.changes.size() == 3);
  CHECK(rise.changes[0].param == Param::systolic);
  CHECK(rise.changes[0].target == 220);
  CHECK(rise.changes[0].over == 90s);
  CHECK(rise.changes[1].param == Param::diastolic);
  CHECK(rise.changes[1].over == 90s);
  CHECK(rise.changes[2].param == Param::heart_rate);
  CHECK(rise.changes[2].over == 60s);
  CHECK(s->events[1].fault == FaultKind::unplug);
  CHECK(s->events[1].device == "oximeter");
  CHECK(s->events[1].fault_for == 20s);
  CHECK(s->events[2].measure_nibp);
  REQUIRE(s->expectations.size() == 1);
  CHECK(s->expectations[0].priority == "high");
  CHECK(s->expectations[0].condition == "hypertensive_crisis");
  CHECK(s->expectations[0].from == 4min);
  CHECK(s->expectations[0].to == 5min + 30s);
}

TEST_CASE("scenario errors name the file, line and column") {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"at 3:00 raise systolik to 220\n", "drill.scn:1:15: expected a vital sign"},
      {"duration: 1:00\nat 3:75 raise spo2 to 90\n", "drill.scn:2:4: seconds and minutes go up to 59"},
      {"at 1:00 lower spo2 to 120\n", "drill.scn:1:23: spo2 120 is not a plausible value"},
      {"at 1:00 unplug oximeter\n", "drill.scn:1:24: expected 'for <duration>' at the end of the line"},
      {"at 1:00 dance\n", "drill.scn:1:9: unknown action 'dance'"},
      {"expect urgent spo2_low between 1:00 and 2:00\n", "drill.scn:1:8: expected a priority"},
      {"expect high spo2_low between 2:00 and 1:00\n", "drill.scn:1:39: the window ends before it starts"},
      {"patient: heart rate fast\n", "drill.scn:1:21: expected a number, found 'fast'"},
      {"nibp every 10 s\n", "drill.scn:1:12: a cuff cycle shorter than 30 s"},
      {"hello world\n", "drill.scn:1:1: unknown line 'hello'"},
  };
  for (const auto& c : cases) {
    const std::string text = c.text;
    CAPTURE(text);
    auto s = parse_scenario(c.text, "drill.scn");
    REQUIRE_FALSE(s.ok());
    CHECK_MESSAGE(s.error().starts_with(c.error), s.error());
  }
}

TEST_CASE("every shipped scenario parses") {
  CHECK(builtin_scenarios().size() >= 3);
  for (const auto& b : builtin_scenarios()) {
    CAPTURE(b.name);
    auto s = parse_scenario(b.text, b.name);
    CHECK_MESSAGE(s.ok(), (s.ok() ? "" : s.error()));
  }
}

TEST_CASE("absurd durations and times are errors, not overflows (found by fuzzing)") {
  CHECK(parse_scenario("at 1:00 lower spo2 to 80 over 1e91 s\n", "f.scn").error().starts_with("f.scn:1:31: a duration must be under"));
  CHECK(parse_scenario("at 99999999:00 lower spo2 to 80\n", "f.scn").error().starts_with("f.scn:1:4: a time must be under"));
  CHECK(parse_scenario("duration: 2000000 s\n", "f.scn").error().starts_with("f.scn:1:11: a duration must be under"));
}
