// The infusion record built from a journal written by the journal itself:
// one morning on bed-1 with a ketamine infusion, a BP rise to 220/120, an
// acknowledged hypertension alarm, a short desaturation and a discharge.
#include "record/record_builder.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "journal/journal.hpp"
#include "record/infusion_course.hpp"
#include "record/record_config.hpp"
#include "record/record_formats.hpp"
#include "record/record_text.hpp"
#include "record/time_text.hpp"
#include "tests/unit/record/morning_journal.hpp"
#include "tests/unit/temp_dir.hpp"
#include "tools/ctl/export_journal.hpp"
#include "wire/timestamp.hpp"

using namespace vigil;
using namespace std::chrono_literals;
using core::Metric;
namespace v1 = vigil::v1;

namespace {

using test::at;
using test::Morning;
using test::T0;

record::InfusionRecord build(const Morning& m, std::int64_t session = 2) {
  auto r = record::build_record(m.path, session, record::RecordOptions{}, at(120));
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error()));
  return r.value();
}

}  // namespace

TEST_CASE("An infusion session's record: who, the drug as entered, the steps and the baseline") {
  Morning m;
  const auto r = build(m);
  CHECK(r.patient_id == "PAT-5");
  CHECK(r.bed == "bed-1");
  CHECK(r.admission_id == 1);
  CHECK(r.drug == "ketamine");
  CHECK(r.regimen == "0.5 mg/kg over 40 min");
  REQUIRE(r.dose);
  CHECK(r.dose->total_mg() == doctest::Approx(36));
  CHECK(*r.cumulative_mg == doctest::Approx(36));  // ran 50 min, the whole dose in its 40
  REQUIRE(r.admitted);
  CHECK(r.admitted->by == "nurse Ana at station-1");
  REQUIRE(r.started);
  CHECK(r.started->time == at(10));
  REQUIRE(r.stopped);
  CHECK(r.stopped->by == "nurse Cleo at station-1");
  REQUIRE(r.discharged);
  CHECK(r.discharged->by == "nurse Dee at station-1");
  CHECK(r.monitored == 80min);
  CHECK_FALSE(r.provisional);
  CHECK_FALSE(r.drill);
  REQUIRE(r.baseline);
  CHECK(r.baseline->source == "measured");
  CHECK(r.baseline->time == at(10));
  CHECK(r.baseline->values.at(Metric::nibp_systolic) == 128);
  CHECK(r.baseline->values.at(Metric::nibp_diastolic) == 78);
  CHECK(r.baseline->values.at(Metric::spo2) == 97);
}

TEST_CASE("The response: peak rise over the baseline and its time, back within 10 %, heart rate, SpO₂") {
  Morning m;
  const auto x = build(m).response;
  REQUIRE(x.systolic);
  CHECK(x.systolic->value == 220);
  CHECK(x.systolic->rise() == 92);
  CHECK(x.systolic->rise_percent() == doctest::Approx(71.875));
  CHECK(x.systolic->time == at(30));  // the cuff's own time, not when it arrived
  REQUIRE(x.time_to_peak);
  CHECK(*x.time_to_peak == 20min);
  REQUIRE(x.diastolic);
  CHECK(x.diastolic->rise() == 42);
  REQUIRE(x.back_within_10_percent);
  CHECK(*x.back_within_10_percent == 65min);  // 08:40 150/90 is still 17 % up; 09:15 135/82 is back
  REQUIRE(x.heart_rate);
  CHECK(x.heart_rate->metric == Metric::pulse_rate);
  CHECK(x.heart_rate->rise() == 18);
  REQUIRE(x.lowest_spo2);
  CHECK(*x.lowest_spo2 == 86);
  CHECK(x.spo2_below_90 == 60s);
}

TEST_CASE("Checkpoints take the cuff reading within 5 minutes, or say not measured") {
  Morning m;
  const auto c = build(m).checkpoints;
  REQUIRE(c.size() == 3);
  CHECK(c[0].name == "BP before dosing");
  REQUIRE(c[0].measurement);
  CHECK(c[0].measurement->systolic == 128);
  CHECK(c[0].measurement->time == at(5));
  CHECK(c[1].target == at(50));
  CHECK_FALSE(c[1].measurement);  // 08:40 and 09:15 are both more than 5 min away
  CHECK(record::checkpoint_table(build(m)).rows[1][2] == "not measured");
  REQUIRE(c[2].measurement);
  CHECK(c[2].measurement->systolic == 130);
  CHECK(c[2].measurement->time == at(88));
}

TEST_CASE("Alarms: raised, acknowledged by whom and how fast, cleared; time without data") {
  Morning m;
  const auto r = build(m);
  REQUIRE(r.alarms.size() == 1);
  const auto& a = r.alarms[0];
  CHECK(a.condition == "hypertension");
  CHECK(a.priority == "HIGH");
  CHECK(a.onset == at(30));
  CHECK(a.raised == at(30, 5));
  CHECK(a.acknowledged_by == "nurse Ben at station-2");
  REQUIRE(a.time_to_acknowledge());
  CHECK(*a.time_to_acknowledge() == 45s);
  CHECK(a.cleared == at(40, 5));
  for (const auto& n : r.no_data) CHECK_MESSAGE(n.total < 10s, core::label(n.metric));
}

TEST_CASE("The vitals table: every 5 min during the infusion, every 15 after, every cuff, every alarm") {
  Morning m;
  const auto r = build(m);
  auto row_at = [&](core::TimePoint t) -> const record::VitalsRow* {
    for (const auto& row : r.vitals)
      if (row.time == t) return &row;
    return nullptr;
  };
  for (int minute : {10, 15, 55, 60, 75, 90}) CHECK_MESSAGE(row_at(at(minute)), minute);
  CHECK_FALSE(row_at(at(65)));
  const auto* peak = row_at(at(30));
  REQUIRE(peak);
  CHECK(peak->reason.find("NIBP") != std::string::npos);
  CHECK(peak->values.at(Metric::nibp_systolic) == 220);
  const auto* alarm = row_at(at(30, 5));
  REQUIRE(alarm);
  CHECK(alarm->reason == "alarm: hypertension");
  CHECK(alarm->values.at(Metric::pulse_rate) == 90);
}

TEST_CASE("A session still open is provisional; its discharge checkpoint is not reached") {
  Morning m{false};
  const auto r = build(m);
  CHECK(r.provisional);
  CHECK_FALSE(r.discharged);
  CHECK_FALSE(r.checkpoints[2].reached);
  CHECK(record::record_marks(r).size() == 1);
  CHECK(*r.cumulative_mg == doctest::Approx(36));  // stopped at 09:00, after its 40 min
}

TEST_CASE("Wrong sessions and journals are refused with what is wrong") {
  Morning m;
  auto unknown = record::build_record(m.path, 99);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error() == "session: no session 99 in the journal");
  auto admission = record::build_record(m.path, 1);
  REQUIRE_FALSE(admission.ok());
  CHECK(admission.error().find("not an infusion; its infusion sessions: 2") != std::string::npos);
  auto missing = record::build_record(m.dir.file("nothing-here.db"), 2);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("nothing-here.db") != std::string::npos);
  CHECK(record::last_session(m.path, "bed-1").value() == 2);
  CHECK_FALSE(record::last_session(m.path, "bed-9").ok());
}

TEST_CASE(
    "Formats: JSON with units and MDC codes, CSV with units in its header, HTML and PDF with display names") {
  Morning m;
  const auto r = build(m);
  const auto json = record::record_json(r);
  CHECK(json.find("\"rise\": {\"value\": 92, \"unit\": \"mm[Hg]\", \"mdc_code\": 150021") !=
        std::string::npos);
  CHECK(json.find("\"acknowledged_by\": \"nurse Ben at station-2\"") != std::string::npos);
  CHECK(json.find("\"total\": {\"value\": 36, \"unit\": \"mg\"}") != std::string::npos);
  CHECK(json.find("\"time_to_acknowledge\": {\"value\": 45, \"unit\": \"s\"}") != std::string::npos);
  const auto csv = record::record_csv(r);
  CHECK(csv.substr(0, csv.find('\n')) ==
        "time (UTC),session,bed,patient,reason,SpO\u2082 (%),Pulse (/min),HR (/min),Resp (/min),NIBP sys "
        "(mmHg),"
        "NIBP dia (mmHg),NIBP mean (mmHg),drill,provisional");
  const auto html = record::record_html(r);
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("NIBP 220/120 mmHg") != std::string::npos);
  CHECK(html.find("spo2") == std::string::npos);  // never the internal name
  const auto pdf = record::record_pdf(r);
  REQUIRE_MESSAGE(pdf.ok(), (pdf.ok() ? "" : pdf.error()));
  CHECK(pdf.value().substr(0, 5) == "%PDF-");
}

TEST_CASE("An output that cannot be written is refused and nothing is left behind") {
  Morning m;
  const auto r = build(m);
  const auto folder = m.dir.file("out");
  std::filesystem::create_directory(folder);
  CHECK_FALSE(record::write_record(r, record::Format::json, folder).ok());  // a folder
  CHECK_FALSE(record::write_record(r, record::Format::json, m.dir.file("no/such/folder/r.json")).ok());
  CHECK(std::filesystem::is_empty(folder));
  // A FIFO keeps its place (a rename would have put a regular file there), nothing is left beside it.
  const auto fifo = folder + "/fifo.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto refused = record::write_record(r, record::Format::json, fifo);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error() == "output: cannot write " + fifo + ": not a regular file (a FIFO)");
  CHECK(std::filesystem::is_fifo(fifo));
  std::filesystem::remove(fifo);
  CHECK(std::filesystem::is_empty(folder));
  const auto file = folder + "/r.csv";
  REQUIRE(record::write_record(r, record::Format::csv, file).ok());
  std::ifstream in{file};
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == record::record_csv(r));
}

TEST_CASE("Pauses, resumes and a new rate shape the cumulative dose; staff entries are listed and plotted") {
  Morning m{true, true};
  const auto r = build(m);
  REQUIRE(r.changes.size() == 3);
  CHECK(r.changes[0].kind == record::InfusionChange::Kind::paused);
  CHECK(r.changes[0].time == at(31));
  CHECK(r.changes[0].by == "nurse Ben at station-1");
  CHECK(r.changes[1].kind == record::InfusionChange::Kind::resumed);
  REQUIRE(r.changes[2].rate_mg_per_min);
  CHECK(*r.changes[2].rate_mg_per_min == 0.5);
  // 21 min at 0.9, 10 min paused, 4 min at 0.9, 15 min at 0.5: 18.9 + 3.6 + 7.5
  CHECK(*r.cumulative_mg == doctest::Approx(30.0));
  REQUIRE(r.entries.size() == 3);
  CHECK(r.entries[0].type == record::StaffEntry::Type::intervention);
  CHECK(r.entries[0].kind == "oxygen");
  CHECK(r.entries[0].text == "nasal cannula 2 L/min");
  CHECK(r.entries[1].type == record::StaffEntry::Type::adverse_event);
  CHECK(r.entries[1].kind == "hypertension");
  CHECK(r.entries[1].text.empty());
  CHECK(r.entries[2].type == record::StaffEntry::Type::note);
  CHECK(r.entries[2].text == "calm, talking");

  const auto course = record::course_table(r);
  REQUIRE(course.rows.size() == 5);  // started, paused, resumed, rate changed, stopped
  CHECK(course.rows[1][1] == "paused");
  CHECK(course.rows[4][1] == "stopped");
  const auto json = record::record_json(r);
  CHECK(json.find("\"cumulative_dose\": {\"value\": 30, \"unit\": \"mg\"}") != std::string::npos);
  CHECK(
      json.find("{\"what\": \"rate_changed\", \"time\": \"2026-11-23T08:45:00Z\", \"rate\": {\"value\": 0.5, "
                "\"unit\": \"mg/min\"}") != std::string::npos);
  CHECK(json.find("{\"type\": \"intervention\", \"time\": \"2026-11-23T08:21:00Z\", \"kind\": \"oxygen\", "
                  "\"text\": \"nasal cannula 2 L/min\", \"by\": \"nurse Ben at station-1\"}") !=
        std::string::npos);
  const auto html = record::record_html(r);
  CHECK(html.find("<td>intervention</td><td>oxygen</td><td>nasal cannula 2 L/min</td>") != std::string::npos);
  CHECK(html.find(">AE</text>") != std::string::npos);  // the adverse event marked on the plots
}

TEST_CASE("The cumulative dose: even rate without changes, nothing while paused, never above the total") {
  core::InfusionDose dose{0.5, "mg/kg", 72, 40};  // 36 mg at 0.9 mg/min
  using K = record::InfusionChange::Kind;
  CHECK(record::cumulative_mg(dose, at(0), at(20), {}) == doctest::Approx(18));
  CHECK(record::cumulative_mg(dose, at(0), at(60), {}) == doctest::Approx(36));
  // Paused and never resumed: what ran before the pause.
  CHECK(record::cumulative_mg(dose, at(0), at(60), {{K::paused, at(10), {}, "", ""}}) == doctest::Approx(9));
  // A faster rate reaches the total sooner, and no more runs after it.
  CHECK(record::cumulative_mg(dose, at(0), at(60), {{K::rate_changed, at(10), 3.0, "", ""}}) ==
        doctest::Approx(36));
  // A change after the end does not count.
  CHECK(record::cumulative_mg(dose, at(0), at(10),
                              {{K::paused, at(5), {}, "", ""}, {K::resumed, at(20), {}, "", ""}}) ==
        doctest::Approx(4.5));
  CHECK(record::parse_rate("0.5 mg/min") == 0.5);
  CHECK_FALSE(record::parse_rate("fast"));
  CHECK_FALSE(record::parse_rate("0 mg/min"));
}

TEST_CASE("The profile's checkpoints and discharge criteria, and the clinic, come from vigild's config") {
  Morning m;
  const auto conf = m.dir.file("vigil.conf");
  std::ofstream{conf} << R"(clinic_name: "Harbour Street Clinic"
profile {
  name: "esketamine"
  based_on: "ketamine-iv-adult"
  record {
    checkpoint { name: "BP before dosing" from: START offset_min: 0 }
    checkpoint { name: "BP 20 min after the start" from: START offset_min: 20 }
    checkpoint { name: "BP before discharge" from: DISCHARGE offset_min: 0 }
    min_monitored_min: 120
    bp_margin_percent: 10
    stable_min: 10
  }
}
profile { name: "esketamine-night" based_on: "esketamine" }
)";
  auto config = record::read_record_config(conf);
  REQUIRE_MESSAGE(config.ok(), (config.ok() ? "" : config.error()));
  CHECK(config->clinic == "Harbour Street Clinic");
  // A profile without its own settings takes those of the one it is based on.
  CHECK(config->for_profile("esketamine-night").min_monitored == 120min);
  CHECK(config->for_profile("ketamine-iv-adult").min_monitored == 0min);

  record::RecordConfig c = config.value();
  c.defaults = c.for_profile("esketamine");
  auto built = record::build_record(m.path, 2, c, at(120));
  REQUIRE(built.ok());
  const auto& r = built.value();
  CHECK(r.clinic == "Harbour Street Clinic");
  REQUIRE(r.checkpoints.size() == 3);
  CHECK(r.checkpoints[1].name == "BP 20 min after the start");
  REQUIRE(r.checkpoints[1].measurement);
  CHECK(r.checkpoints[1].measurement->systolic == 220);
  // 80 min monitored where the profile asks 2 h; 130/80 at 09:28 is within 10 % of 128/78.
  REQUIRE(r.discharge_check);
  CHECK_FALSE(r.discharge_check->monitored_long_enough);
  CHECK(r.discharge_check->criteria_met);
  const auto items = record::summary_items(r);
  auto item = [&](const std::string& key) {
    for (const auto& [k, v] : items)
      if (k == key) return v;
    return std::string{"(none)"};
  };
  CHECK(item("Clinic") == "Harbour Street Clinic");
  CHECK(item("Monitored from the start") == "1 h 20 min; NOT met the profile's minimum of 2 h 00 min");
  CHECK(item("Discharge criteria").substr(0, 4) == "met:");

  // Over the last 20 min the 09:15 reading of 135/82 counts too: 5 % up,
  // more than a margin of 3 % allows (130/80 is within it).
  c.defaults.discharge.stable = 20min;
  c.defaults.discharge.bp_margin_percent = 3;
  const auto strict = record::build_record(m.path, 2, c, at(120)).value();
  CHECK_FALSE(strict.discharge_check->criteria_met);
  REQUIRE(strict.discharge_check->unmet.size() == 1);
  CHECK(strict.discharge_check->unmet[0].find("NIBP 135/82 mmHg") == 0);
  CHECK(record::record_json(strict).find("\"criteria_met\": false") != std::string::npos);
}

TEST_CASE("The vitals table's cadence comes from the profile") {
  Morning m;
  const auto conf = m.dir.file("vigil.conf");
  std::ofstream{conf} << R"(profile {
  name: "esketamine"
  based_on: "ketamine-iv-adult"
  record { vitals_every_min: 10 vitals_every_min_after: 30 }
}
)";
  auto config = record::read_record_config(conf);
  REQUIRE_MESSAGE(config.ok(), (config.ok() ? "" : config.error()));
  CHECK(config->for_profile("esketamine").during_cadence == 10min);
  CHECK(config->for_profile("esketamine").after_cadence == 30min);
  // Unset: as before.
  CHECK(config->for_profile("ketamine-iv-adult").during_cadence == 5min);
  CHECK(config->for_profile("ketamine-iv-adult").after_cadence == 15min);

  record::RecordConfig c = config.value();
  c.defaults = c.for_profile("esketamine");
  const auto r = record::build_record(m.path, 2, c, at(120)).value();
  auto reason_at = [&](int minute) -> std::string {
    for (const auto& row : r.vitals)
      if (row.time == at(minute)) return row.reason;
    return "(no row)";
  };
  // Started at 08:10, stopped at 09:00, discharged at 09:30.
  for (int minute : {10, 50}) CHECK_MESSAGE(reason_at(minute) == "every 10 min", minute);
  for (int minute : {20, 30, 40}) CHECK_MESSAGE(reason_at(minute) == "every 10 min; NIBP", minute);
  CHECK(reason_at(15) == "(no row)");
  CHECK(reason_at(55) == "(no row)");
  CHECK(reason_at(60) == "every 30 min");
  CHECK(reason_at(90) == "every 30 min");
  CHECK(reason_at(75) == "NIBP");
}

TEST_CASE("A config the record cannot use is refused with where and why") {
  test::TempDir dir;
  const auto conf = dir.file("bad.conf");
  std::ofstream{conf} << "profile { name: \"x\" record { spo2_min: 120 } }\n";
  auto r = record::read_record_config(conf);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "config " + conf + ": profile 'x': record.spo2_min: must be 0 to 100 (%)");
  // 0 would leave the table without rows between the cuff readings; set, it is refused, not taken as the
  // default.
  for (const char* cadence : {"vitals_every_min: 0", "vitals_every_min_after: 61"}) {
    std::ofstream{conf} << "profile { name: \"x\" record { " << cadence << " } }\n";
    r = record::read_record_config(conf);
    REQUIRE_FALSE(r.ok());
    const std::string field{cadence, std::string_view{cadence}.find(':')};
    CHECK(r.error() == "config " + conf + ": profile 'x': record." + field + ": must be 1 to 60 (minutes)");
  }
  std::ofstream{conf} << "clinic_nam: \"typo\"\n";
  r = record::read_record_config(conf);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("line 1") != std::string::npos);
  CHECK_FALSE(record::read_record_config(dir.file("missing.conf")).ok());
}

TEST_CASE(
    "An open record reaches as far as the journal does, when a drill's clock runs ahead of the wall clock") {
  Morning m{false};  // journalled up to 09:10, still admitted
  const auto r = record::build_record(m.path, 2, record::RecordOptions{}, at(30)).value();
  CHECK(r.provisional);
  CHECK(r.to >= at(69));
  REQUIRE(r.stopped);  // 09:00, after the wall clock's "now"
  CHECK(r.stopped->time == at(60));
}

TEST_CASE("Across sessions: the same patient's earlier infusion, dose against peak rise") {
  Morning m{true, false, true};
  const auto r = build(m, 4);
  REQUIRE(r.across_sessions.size() == 2);
  const auto& before = r.across_sessions[0];
  CHECK(before.session_id == 2);
  CHECK_FALSE(before.this_session);
  CHECK(*before.dose_mg_per_kg == 0.5);
  CHECK(before.systolic->rise() == 92);
  CHECK(before.heart_rate->rise() == 18);
  const auto& now = r.across_sessions[1];
  CHECK(now.this_session);
  CHECK(*now.dose_mg_per_kg == 1.0);
  CHECK(now.systolic->rise() == 42);  // a double dose, a smaller rise
  CHECK(record::across_sessions_table(r).rows[1][0] == "4 (this one)");
  CHECK(record::record_json(r).find("\"across_sessions\": [\n    {\"session\": 2, \"this_session\": false") !=
        std::string::npos);
  // The earlier record knows only itself.
  CHECK(build(m, 2).across_sessions.size() == 1);
}
