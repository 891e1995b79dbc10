#include "sim/scenario.hpp"

#include <doctest/doctest.h>

#include "sim/builtin_scenarios.hpp"

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

TEST_CASE("rhythm, breathing, surge and infusion events read as a nurse educator writes them") {
  auto s = parse_scenario(R"(title: AF with rapid ventricular response
duration: 20:00
patient: heart rate 74, blood pressure 126/78, spo2 97
device monitor hl7-mllp
device oximeter nonin-7
variability: normal
oximeter delay 12 s averaging 4 s
at 2:00 start infusion
at 6:00 surge to 190/105 over 3 min
at 12:00 start atrial fibrillation at 140/min
at 13:00 start ectopic beats at 6/min
at 14:00 pause for 4 s
at 15:00 stop breathing for 90 s
at 16:00 apnoea for 30 s
at 17:00 stop atrial fibrillation at 80/min over 1 min
at 17:30 stop ectopic beats
at 18:00 raise systolic to 200 over 30 s, hold for 2 min, then return over 1 min
at 19:00 raise blood pressure to 150/90
at 19:30 stop infusion
expect high atrial_fibrillation between 12:30 and 13:30
)",
                          "af.scn");
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error()));
  CHECK(s->patient.systolic == 126);
  CHECK(s->patient.diastolic == 78);
  REQUIRE(s->devices.size() == 2);
  CHECK(s->devices[1].id == "oximeter");
  CHECK(s->devices[1].protocol == "nonin-7");
  CHECK(s->model.oximeter_delay == 12s);
  CHECK(s->model.oximeter_averaging == 4s);
  CHECK(s->model.variability == 1.0);
  REQUIRE(s->events.size() == 12);
  const auto& e = s->events;
  CHECK(e[0].infusion == InfusionAction::start);
  REQUIRE(e[1].surge);
  CHECK(e[1].surge->systolic == 190);
  CHECK(e[1].surge->over == 3min);
  CHECK(e[2].rhythm == Rhythm::atrial_fibrillation);
  REQUIRE(e[2].changes.size() == 1);
  CHECK(e[2].changes[0].param == Param::heart_rate);
  CHECK(e[2].changes[0].target == 140);
  CHECK(e[2].changes[0].over == 10s);  // AF sets in within a few beats
  CHECK(e[3].ectopics_per_min == 6);
  CHECK(e[4].pause == 4s);
  CHECK(e[5].apnoea == 90s);
  CHECK(e[6].apnoea == 30s);
  CHECK(e[7].rhythm == Rhythm::sinus);
  CHECK(e[7].changes[0].over == 1min);
  CHECK(e[8].ectopics_per_min == 0);
  REQUIRE(e[9].changes.size() == 1);
  CHECK(e[9].changes[0].hold == 2min);
  CHECK(e[9].changes[0].return_over == 1min);
  REQUIRE(e[10].changes.size() == 2);
  CHECK(e[10].changes[1].param == Param::diastolic);
  CHECK(e[10].changes[1].target == 90);
  CHECK(e[11].infusion == InfusionAction::stop);
  REQUIRE(s->expectations.size() == 1);
  CHECK(s->expectations[0].priority == "high");
  CHECK(s->expectations[0].condition == "atrial_fibrillation");
}

TEST_CASE("atrial flutter, motion on the ECG and an ECG without numbers read as written") {
  auto s = parse_scenario(R"(waveforms: only
device monitor hl7-mllp
at 1:00 start atrial flutter at 310/min with 2:1 block
at 2:00 stop atrial flutter at 80/min over 30 s
at 3:00 start atrial flutter with variable block
at 3:30 Start Atrial Flutter
at 4:00 motion monitor for 45 s
)",
                          "flutter.scn");
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error()));
  CHECK(s->waveforms);
  CHECK_FALSE(s->numerics);
  REQUIRE(s->events.size() == 5);
  const auto& e = s->events;
  CHECK(e[0].rhythm == Rhythm::atrial_flutter);
  CHECK(e[0].flutter.atrial_rate == 310);
  CHECK(e[0].flutter.block == FlutterBlock::two_to_one);
  CHECK(e[0].changes.empty());  // the flutter waves set the rate
  CHECK(e[1].rhythm == Rhythm::sinus);
  REQUIRE(e[1].changes.size() == 1);
  CHECK(e[1].changes[0].target == 80);
  CHECK(e[1].changes[0].over == 30s);
  CHECK(e[2].flutter.block == FlutterBlock::variable);
  CHECK(e[2].flutter.atrial_rate == 300);
  CHECK(e[3].flutter.block == FlutterBlock::two_to_one);  // the default
  CHECK(e[4].fault == FaultKind::motion);
  CHECK(e[4].device == "monitor");
  CHECK(e[4].fault_for == 45s);
  auto plain = parse_scenario("waveforms: on\n", "plain.scn");
  REQUIRE(plain.ok());
  CHECK(plain->numerics);
}

TEST_CASE("ventricular tachycardia starts and stops at the rate written, within 2 s") {
  auto s = parse_scenario(R"(at 1:00 start ventricular tachycardia at 180/min
at 2:00 stop ventricular tachycardia at 80/min
at 3:00 start ventricular fibrillation
)",
                          "vt.scn");
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error()));
  REQUIRE(s->events.size() == 3);
  const auto& e = s->events;
  CHECK(e[0].rhythm == Rhythm::ventricular_tachycardia);
  REQUIRE(e[0].changes.size() == 1);
  CHECK(e[0].changes[0].target == 180);
  CHECK(e[0].changes[0].over == 2s);
  CHECK(e[1].rhythm == Rhythm::sinus);
  CHECK(e[1].changes[0].target == 80);
  CHECK(e[2].rhythm == Rhythm::ventricular_fibrillation);
  auto wrong = parse_scenario("at 1:00 start ventricular flutter\n", "vt.scn");
  REQUIRE_FALSE(wrong.ok());
  CHECK_MESSAGE(
      wrong.error().starts_with("vt.scn:1:27: expected 'fibrillation' or 'tachycardia', found 'flutter'"),
      wrong.error());
}

TEST_CASE("the nurse's scripted actions keep their free text as written") {
  auto s = parse_scenario(R"(at 2:00 start infusion ketamine 0.5 mg/kg for 72 kg over 40 min
at 2:30 start infusion 36 mg over 1:00:00
at 6:00 Acknowledge bp_surge
at 7:00 pause infusion reason BP 220/120  # the cuff
at 8:00 resume infusion
at 8:10 change infusion rate to 0.6 mg/min reason slower, after the crisis
at 9:00 note Calm, talking
at 9:10 intervention oxygen nasal cannula 2 L/min
at 9:20 adverse event hypertension 220/120, infusion paused
at 9:30 discharge
at 9:40 admit
)",
                          "nurse.scn");
  REQUIRE_MESSAGE(s.ok(), s.error());
  const auto& e = s->events;
  REQUIRE(e.size() == 11);
  REQUIRE(e[0].dose);
  CHECK(e[0].infusion == InfusionAction::start);
  CHECK((e[0].dose->drug == "ketamine" && e[0].dose->amount == 0.5 && e[0].dose->unit == "mg/kg"));
  CHECK((e[0].dose->weight_kg == 72 && e[0].dose->duration_min == 40));
  REQUIRE(e[1].dose);
  CHECK((e[1].dose->unit == "mg" && e[1].dose->amount == 36 && e[1].dose->duration_min == 60));
  using Kind = StaffAction::Kind;
  CHECK((e[2].staff->kind == Kind::acknowledge && e[2].staff->what == "bp_surge"));
  CHECK((e[3].staff->kind == Kind::pause_infusion && e[3].staff->text == "BP 220/120"));
  CHECK(e[4].staff->kind == Kind::resume_infusion);
  CHECK((e[5].staff->kind == Kind::change_rate && e[5].staff->rate_mg_per_min == 0.6));
  CHECK(e[5].staff->text == "slower, after the crisis");
  CHECK((e[6].staff->kind == Kind::note && e[6].staff->text == "Calm, talking"));
  CHECK((e[7].staff->kind == Kind::intervention && e[7].staff->what == "oxygen"));
  CHECK(e[7].staff->text == "nasal cannula 2 L/min");
  CHECK((e[8].staff->kind == Kind::adverse_event && e[8].staff->what == "hypertension"));
  CHECK(e[8].staff->text == "220/120, infusion paused");
  CHECK(e[9].staff->kind == Kind::discharge);
  CHECK(e[10].staff->kind == Kind::admit);
  CHECK_FALSE(e[9].infusion);

  const std::pair<const char*, const char*> bad[] = {
      {"at 1:00 start infusion ketamine 0.5 mg/kg over 40 min\n",
       "nurse.scn:1:43: expected 'for', found 'over'"},
      {"at 1:00 start infusion 0.5 ml over 40 min\n", "nurse.scn:1:28: expected 'mg/kg' or 'mg', found 'ml'"},
      {"at 1:00 start infusion 0.5 mg/kg for 900 kg over 40 min\n", "nurse.scn:1:38: a weight of 1-400 kg"},
      {"at 1:00 change infusion rate to 0 mg/min\n", "nurse.scn:1:33: a rate above 0"},
      {"at 1:00 note\n", "nurse.scn:1:13: expected the note's text"},
      {"at 1:00 resume\n", "nurse.scn:1:15: expected 'infusion'"},
  };
  for (const auto& line : bad) {
    const char* text = line.first;
    const char* error = line.second;
    CAPTURE(text);
    auto r = parse_scenario(text, "nurse.scn");
    REQUIRE_FALSE(r.ok());
    CHECK_MESSAGE(r.error().starts_with(error), r.error());
  }
}

TEST_CASE("errors in the new lines name the line and column too") {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"at 1:00 surge to 220\n", "drill.scn:1:18: expected a blood pressure like 220/120, found '220'"},
      {"at 1:00 surge to 120/220\n", "drill.scn:1:18: blood pressure 120/220 is not plausible"},
      {"at 1:00 start atrial flicker\n",
       "drill.scn:1:22: expected 'fibrillation' or 'flutter', found 'flicker'"},
      {"at 1:00 start atrial flutter with 3:1 block\n",
       "drill.scn:1:35: expected '2:1' or 'variable' (block)"},
      {"at 1:00 start atrial flutter at 150/min\n",
       "drill.scn:1:33: atrial flutter: an atrial (flutter wave) rate"},
      {"waveforms: sometimes\n", "drill.scn:1:12: expected 'on', 'off' or 'only', found 'sometimes'"},
      {"at 1:00 start af at 400/min\n", "drill.scn:1:21: a heart rate of 20-250 /min is expected"},
      {"at 1:00 start dancing\n", "drill.scn:1:15: expected what to start"},
      {"at 1:00 pause for 2 min\n", "drill.scn:1:19: a pause of 1-30 s is expected"},
      {"device ox masimo\nat 1:00 unplug oximeter for 5 s\n",
       "drill.scn:2:16: no device 'oximeter' in this scenario (its devices: ox)"},
      {"device ox telepathy\n", "drill.scn:1:11: the simulator does not speak 'telepathy'"},
      {"device ox masimo\ndevice ox nonin-7\n", "drill.scn:2:8: device 'ox' is named twice"},
      {"variability: wild\n", "drill.scn:1:14: expected 'none', 'normal' or 'marked', found 'wild'"},
      {"at 1:00 start ectopic beats at 60/min\n", "drill.scn:1:32: ectopic beats: 1-30 /min is expected"},
  };
  for (const auto& c : cases) {
    const std::string text = c.text;
    CAPTURE(text);
    auto s = parse_scenario(c.text, "drill.scn");
    REQUIRE_FALSE(s.ok());
    CHECK_MESSAGE(s.error().starts_with(c.error), s.error());
  }
}

TEST_CASE("numbers out of any drill's range are refused where they are written") {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"duration: 99999:00\n", "drill.scn:1:11: a drill lasts at most 24 hours"},
      {"at 1:00 raise spo2 to 80 over 1e30 s\n", "drill.scn:1:31: a drill lasts at most 24 hours"},
      {"seed: 1e30\n", "drill.scn:1:7: a seed is a whole number"},
      {"seed: 2.5\n", "drill.scn:1:7: a seed is a whole number"},
      {"noise: -3\n", "drill.scn:1:8: a noise of 0 to 20 is expected"},
      {"oximeter averaging 10 min\n", "drill.scn:1:20: an oximeter averaging of 0-60 s is expected"},
      {"oximeter delay 3 min\n", "drill.scn:1:16: an oximeter delay of 0-120 s is expected"},
      {"at 1:00 raise spo2 to 80 over nan s\n", "drill.scn:1:31: a duration cannot be negative"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto s = parse_scenario(c.text, "drill.scn");
    REQUIRE_FALSE(s.ok());
    CHECK_MESSAGE(s.error().starts_with(c.error), s.error());
  }
}

TEST_CASE("absurd durations and times are errors, not overflows (found by fuzzing)") {
  CHECK(parse_scenario("at 1:00 lower spo2 to 80 over 1e91 s\n", "f.scn")
            .error()
            .starts_with("f.scn:1:31: a drill lasts at most 24 hours"));
  CHECK(parse_scenario("at 99999999:00 lower spo2 to 80\n", "f.scn")
            .error()
            .starts_with("f.scn:1:4: a drill lasts at most 24 hours"));
  CHECK(parse_scenario("duration: 2000000 s\n", "f.scn")
            .error()
            .starts_with("f.scn:1:11: a drill lasts at most 24 hours"));
}
