// The drill report's judgement, on alarm transitions made up by hand: what
// counts as met, early, late, at the wrong priority, missed, not judgeable
// (a rhythm alarm on a bed without beats), or unexpected, and how the
// nurse's response is measured.
#include <doctest/doctest.h>

#include "drill/drill_report.hpp"

using namespace vigil;
using namespace vigil::sim;
using namespace vigil::drill;
using namespace std::chrono_literals;

namespace {

Ward crisis_ward() {
  auto s = parse_scenario(R"(title: Hypertensive crisis
duration: 10:00
device probe masimo
at 2:00 start infusion
at 3:00 surge to 220/120 over 90 s
at 8:00 start atrial fibrillation at 150/min
expect medium hypertension between 3:30 and 4:30
expect high hypertension between 4:00 and 5:00
expect medium tachycardia between 8:10 and 9:00
expect high atrial_fibrillation between 8:30 and 9:30
)",
                          "crisis.scn");
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error()));
  Ward ward;
  ward.title = "crisis drill";
  ward.file = "w.ward";
  WardBed bed;
  bed.id = "bed-1";
  bed.patient_id = "DRILL-bed-1";
  bed.scenario_ref = "crisis.scn";
  bed.scenario = *s;
  bed.devices.push_back({"probe", "masimo", WardDevice::Via::pty, 0});  // gives no beats
  ward.beds.push_back(bed);
  return ward;
}

SeenAlarm seen(core::Duration t, const std::string& id, const std::string& condition,
               const std::string& priority, const std::string& transition, const std::string& actor = "",
               bool unanswered = false) {
  SeenAlarm a;
  a.t = t;
  a.bed = "bed-1";
  a.alarm_id = id;
  a.condition = condition;
  a.priority = priority;
  a.transition = transition;
  a.kind = "physiological";
  a.actor = actor;
  a.message = condition + " message";
  a.unanswered = unanswered;
  a.drill = true;
  return a;
}

DrillRecord base_record() {
  DrillRecord r;
  r.speed = 20;
  read_condition_list(R"(hypertension physiological medium,high  Hypertension
bp_surge physiological medium  BP surge vs baseline
tachycardia physiological medium,high  Tachycardia
desaturation physiological medium,high  Desaturation
atrial_fibrillation physiological medium,high beats=ecg,reported,pulse  irregular rhythm (AF) from beat intervals
pause physiological high beats=ecg  no ECG beat for 3 s
device_lost:<device> technical medium  device silent, unplugged or garbled
)",
                      r);
  return r;
}

const ExpectationResult& result(const DrillReport& r, const std::string& priority,
                                const std::string& condition) {
  for (const auto& er : r.beds[0].timeline)
    for (const auto& x : er.expectations)
      if (x.expected.priority == priority && x.expected.condition == condition) return x;
  FAIL("no such expectation");
  throw;
}

}  // namespace

TEST_CASE("a crisis answered in time: alarms met, time to alarm and to acknowledge, and who acknowledged") {
  auto record = base_record();
  record.alarms = {
      seen(3min + 41s, "h1", "hypertension", "medium", "RAISED"),
      seen(4min + 22s, "h1", "hypertension", "high", "ESCALATED"),
      seen(4min + 50s, "h1", "hypertension", "high", "ACKNOWLEDGED", "nurse Ana at station-1"),
      seen(8min + 31s, "t1", "tachycardia", "medium", "RAISED"),
      seen(8min + 40s, "t1", "tachycardia", "medium", "ACKNOWLEDGED", "nurse Ben at bedside"),
      seen(9min + 50s, "h1", "hypertension", "high", "CLEARED"),
  };
  const auto report = evaluate(crisis_ward(), record);
  const auto& medium = result(report, "medium", "hypertension");
  CHECK(medium.verdict == Verdict::met);
  REQUIRE(medium.occurrence);
  CHECK(medium.occurrence->t == 3min + 41s);
  CHECK(medium.note == "came at 3:41, 41 s after the event");
  const auto& high = result(report, "high", "hypertension");
  CHECK(high.verdict == Verdict::met);  // the same alarm, worsened in place
  const auto& story = report.beds[0].alarms[high.occurrence->alarm];
  CHECK(story.acknowledged == 4min + 50s);
  CHECK(story.acknowledged_by == "nurse Ana at station-1");
  CHECK(story.escalated == 4min + 22s);
  CHECK(story.cleared == 9min + 50s);
  CHECK(result(report, "medium", "tachycardia").verdict == Verdict::met);
  // The bed has only an HL7 monitor, which gives vigild no beat timing: the
  // AF expectation is not judged, and says why.
  const auto& af = result(report, "high", "atrial_fibrillation");
  CHECK(af.verdict == Verdict::no_beat_source);
  CHECK(af.note.find("none of this bed's devices (masimo) gives them") != std::string::npos);
  CHECK(report.met_count() == 3);
  CHECK(report.skipped_count() == 1);
  CHECK(report.unexpected_count() == 0);
  CHECK(report.as_scripted());

  const auto text = report_text(report);
  CHECK(text.find("RESULT: 3 of 4 expected alarms came in their windows; 1 not judged") != std::string::npos);
  CHECK(text.find("acknowledged 4:50 by nurse Ana at station-1, 69 s after it sounded") != std::string::npos);
  CHECK(text.find("3:00  surge to 220/120 over 90 s") != std::string::npos);
  const auto json = report_json(report);
  CHECK(json.find("\"time_to_acknowledge_s\":69") != std::string::npos);
  CHECK(json.find("\"as_scripted\":true") != std::string::npos);
  CHECK(json.find("\"verdict\":\"no beat source\"") != std::string::npos);
}

TEST_CASE("with a pulse-flagging oximeter on the bed, an AF alarm is judged like any other") {
  auto ward = crisis_ward();
  ward.beds[0].devices.push_back({"oximeter", "nonin-7", WardDevice::Via::pty, 0});
  auto record = base_record();
  record.alarms = {seen(3min + 41s, "h1", "hypertension", "medium", "RAISED"),
                   seen(4min + 22s, "h1", "hypertension", "high", "ESCALATED"),
                   seen(8min + 31s, "t1", "tachycardia", "medium", "RAISED"),
                   seen(8min + 44s, "a1", "atrial_fibrillation", "high", "RAISED")};
  const auto met = evaluate(ward, record);
  CHECK(result(met, "high", "atrial_fibrillation").verdict == Verdict::met);
  CHECK(met.skipped_count() == 0);
  CHECK(met.as_scripted());

  record.alarms.pop_back();
  const auto missed = evaluate(ward, record);
  CHECK(result(missed, "high", "atrial_fibrillation").verdict == Verdict::missed);
  CHECK_FALSE(missed.as_scripted());
}

TEST_CASE("a pause needs ECG beats: pulse flags alone leave it not judged") {
  auto ward = crisis_ward();
  ward.beds[0].devices.push_back({"oximeter", "cms50", WardDevice::Via::pty, 0});
  ward.beds[0].scenario.expectations.push_back({"high", "pause", 9min, 9min + 10s, 14});
  const auto report = evaluate(ward, base_record());
  const auto& pause = result(report, "high", "pause");
  CHECK(pause.verdict == Verdict::no_beat_source);
  CHECK(pause.note.find("from ecg beats, and none of this bed's devices (masimo, cms50)") !=
        std::string::npos);
  CHECK_FALSE(verdict_fails(Verdict::no_beat_source));
}

TEST_CASE("vigild's condition list gives the conditions and the beats each rhythm condition needs") {
  const auto record = base_record();
  CHECK(record.conditions.size() == 7);
  CHECK(record.conditions[4] == "atrial_fibrillation");
  CHECK(record.conditions[6] == "device_lost:<device>");
  CHECK(record.rhythm_beats.size() == 2);
  CHECK(record.rhythm_beats.at("atrial_fibrillation") ==
        std::vector<std::string>{"ecg", "reported", "pulse"});
  CHECK(record.rhythm_beats.at("pause") == std::vector<std::string>{"ecg"});
}

TEST_CASE("late, early, wrong-priority and missing alarms are told apart, and surprises are listed") {
  auto record = base_record();
  record.alarms = {
      seen(3min + 5s, "h1", "hypertension", "medium", "RAISED"),    // before 3:30 (less 2 s tolerance)
      seen(5min + 40s, "h1", "hypertension", "high", "ESCALATED"),  // after 5:00
      seen(8min + 20s, "t1", "tachycardia", "high", "RAISED"),      // high, medium expected
      seen(6min, "d1", "desaturation", "medium", "RAISED"),         // nobody expected it
  };
  const auto report = evaluate(crisis_ward(), record);
  CHECK(result(report, "medium", "hypertension").verdict == Verdict::early);
  CHECK(result(report, "high", "hypertension").verdict == Verdict::late);
  CHECK(result(report, "high", "hypertension").note ==
        "came at 5:40 (160 s after the event), outside 4:00-5:00");
  CHECK(result(report, "medium", "tachycardia").verdict == Verdict::other_priority);
  CHECK(result(report, "medium", "tachycardia").note == "came at 8:20 as high, not medium");
  REQUIRE(report.beds[0].unexpected.size() == 1);
  CHECK(report.beds[0].alarms[report.beds[0].unexpected[0].alarm].condition == "desaturation");
  CHECK_FALSE(report.as_scripted());
  CHECK(report.failed_count() == 3);
  CHECK(report_text(report).find("alarms nobody expected:\n    6:00  MEDIUM desaturation") !=
        std::string::npos);
}

TEST_CASE("an escalation because nobody answered is a finding about the response, not a new alarm") {
  auto record = base_record();
  record.alarms = {
      seen(3min + 41s, "h1", "hypertension", "medium", "RAISED"),
      seen(4min + 10s, "h1", "hypertension", "high", "ESCALATED"),
      seen(8min + 31s, "t1", "tachycardia", "medium", "RAISED"),
      seen(10min + 31s, "t1", "tachycardia", "high", "ESCALATED", "", true),
  };
  const auto report = evaluate(crisis_ward(), record);
  CHECK(report.unexpected_count() == 0);
  const auto& tachy = result(report, "medium", "tachycardia");
  const auto& story = report.beds[0].alarms[tachy.occurrence->alarm];
  CHECK(story.unanswered == 10min + 31s);
  CHECK(report_text(report).find("escalated to HIGH at 10:31 because nobody acknowledged it") !=
        std::string::npos);
}

TEST_CASE("an expectation for a condition vigild cannot raise fails as a likely typo") {
  auto ward = crisis_ward();
  ward.beds[0].scenario.expectations.push_back({"medium", "hypertensoin", 3min, 4min, 12});
  const auto report = evaluate(ward, base_record());
  CHECK(result(report, "medium", "hypertensoin").verdict == Verdict::unknown_condition);
  CHECK(verdict_fails(Verdict::unknown_condition));
}

TEST_CASE("per-device technical conditions match vigild's placeholder names") {
  const std::vector<std::string> listed{"device_lost:<device>", "hypertension"};
  CHECK(vigild_can_raise(listed, "device_lost:oximeter"));
  CHECK(vigild_can_raise(listed, "hypertension"));
  CHECK_FALSE(vigild_can_raise(listed, "device_lost:"));
  CHECK_FALSE(vigild_can_raise(listed, "sensor_off:oximeter"));
  CHECK(vigild_can_raise({}, "anything"));
}

TEST_CASE("a message without the drill mark is a warning in the report and spoils the drill") {
  auto record = base_record();
  record.not_marked_drill = 2;
  const auto report = evaluate(crisis_ward(), record);
  CHECK_FALSE(report.as_scripted());
  CHECK(report_text(report).find("WARNING: 2 messages were NOT marked as a drill") != std::string::npos);
}

TEST_CASE("the plot shows every bed's vitals, the expectation windows and the alarms") {
  auto record = base_record();
  record.alarms = {seen(3min + 41s, "h1", "hypertension", "medium", "RAISED"),
                   seen(4min, "h1", "hypertension", "medium", "ACKNOWLEDGED", "nurse Ana")};
  for (int s = 0; s < 600; ++s)
    record.readings.push_back(
        {std::chrono::seconds{s}, "bed-1", "monitor", "hr", 70.0 + s / 10.0, true, true});
  record.readings.push_back({3min, "bed-1", "monitor", "nibp_sys", 210, true, true});
  record.readings.push_back({3min, "bed-1", "monitor", "nibp_dia", 118, true, true});
  const auto svg = report_svg(evaluate(crisis_ward(), record), record);
  CHECK(svg.starts_with("<svg xmlns='http://www.w3.org/2000/svg'"));
  CHECK(svg.find("<polyline fill='none' stroke='#c0392b'") != std::string::npos);
  CHECK(svg.find("<title>210/118 at 3:00</title>") != std::string::npos);
  CHECK(svg.find("expected high hypertension 4:00-5:00: missed") != std::string::npos);
  CHECK(svg.find("acknowledged 4:00 by nurse Ana") != std::string::npos);
  CHECK(svg.find("3:00 surge to 220/120 over 90 s") != std::string::npos);
  CHECK(svg.rfind("</svg>\n") == svg.size() - 7);
}

TEST_CASE("an alarm raised at medium on its way to the expected high is not a surprise; one above it is") {
  auto record = base_record();
  record.alarms = {
      seen(3min + 41s, "h1", "hypertension", "medium", "RAISED"),
      seen(4min + 22s, "h1", "hypertension", "high", "ESCALATED"),
      seen(8min + 31s, "t1", "tachycardia", "medium", "RAISED"),
      seen(8min + 50s, "t1", "tachycardia", "high", "ESCALATED"),
  };
  auto ward = crisis_ward();
  auto& x = ward.beds[0].scenario.expectations;
  x.erase(x.begin());  // only the high hypertension is expected now
  const auto report = evaluate(ward, record);
  CHECK(result(report, "high", "hypertension").verdict == Verdict::met);
  // The medium tachycardia was expected, its worsening to high was not.
  REQUIRE(report.beds[0].unexpected.size() == 1);
  CHECK(report.beds[0].unexpected[0].priority == "high");
  CHECK(report.beds[0].alarms[report.beds[0].unexpected[0].alarm].condition == "tachycardia");
}

TEST_CASE("a latched alarm whose condition comes back has not ended at its first clearing") {
  auto record = base_record();
  auto ended = seen(8min + 34s, "t1", "tachycardia", "high", "CLEARED");
  ended.latched = true;
  record.alarms = {
      seen(8min + 31s, "t1", "tachycardia", "high", "RAISED"),
      ended,
      seen(8min + 48s, "t1", "tachycardia", "high", "UPDATED"),
      seen(9min + 55s, "t1", "tachycardia", "high", "CLEARED"),
  };
  const auto report = evaluate(crisis_ward(), record);
  const auto& tachycardia = result(report, "medium", "tachycardia");
  REQUIRE(tachycardia.occurrence);
  CHECK(report.beds[0].alarms[tachycardia.occurrence->alarm].cleared == 9min + 55s);
}
