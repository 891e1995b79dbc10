// The infusion record built from a journal written by the journal itself:
// one morning on bed-1 with a ketamine infusion, a BP rise to 220/120, an
// acknowledged hypertension alarm, a short desaturation and a discharge.
#include "record/record_builder.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "journal/journal.hpp"
#include "record/infusion_course.hpp"
#include "record/record_config.hpp"
#include "record/record_formats.hpp"
#include "record/record_text.hpp"
#include "record/time_text.hpp"
#include "tests/unit/temp_dir.hpp"
#include "tools/ctl/export_journal.hpp"
#include "wire/timestamp.hpp"

using namespace vigil;
using namespace std::chrono_literals;
using core::Metric;
namespace v1 = vigil::v1;

namespace {

const core::TimePoint T0 = *tools::parse_time("2026-11-23T08:00:00Z");

core::TimePoint at(int minute, int second = 0) {
  return T0 + std::chrono::minutes{minute} + std::chrono::seconds{second};
}

struct Writer {
  journal::Journal& j;
  std::uint64_t seq = 0;
  v1::journal::BedState state{};

  void reading(Metric m, double value, core::TimePoint t, std::optional<core::TimePoint> measured = {}) {
    v1::BusMessage msg;
    auto* o = msg.mutable_observation();
    o->set_bed("bed-1");
    o->set_device("monitor");
    o->set_mdc_code(core::code(m));
    o->set_metric(std::string{core::name(m)});
    o->set_value(value);
    o->set_unit(std::string{core::info(m).ucum_unit});
    o->set_seq(++seq);
    wire::set_time(o->mutable_received(), t);
    if (measured) wire::set_time(o->mutable_device_time(), *measured);
    j.queue(msg);
  }
  void context(const std::string& what, core::TimePoint t, const std::string& actor,
               const std::string& message, const std::string& new_value = "") {
    v1::BusMessage m;
    auto* c = m.mutable_context();
    c->set_bed("bed-1");
    c->set_what(what);
    c->set_actor(actor);
    c->set_station("station-1");
    c->set_patient_id("PAT-5");
    c->set_message(message);
    c->set_new_value(new_value);
    c->set_seq(++seq);
    wire::set_time(c->mutable_time(), t);
    REQUIRE(j.write_bed("bed-1", {m}, state, t));
  }
  void alarm(v1::AlarmTransition tr, core::TimePoint t, const std::string& actor = "") {
    v1::BusMessage m;
    auto* a = m.mutable_alarm();
    a->set_bed("bed-1");
    a->set_alarm_id("bed-1:hypertension:1");
    a->set_condition("hypertension");
    a->set_transition(tr);
    a->set_priority(v1::HIGH);
    a->set_kind(v1::PHYSIOLOGICAL);
    a->set_mdc_code(core::code(Metric::nibp_systolic));
    a->set_metric("nibp_sys");
    a->set_value(220);
    a->set_limit(200);
    a->set_active(tr != v1::CLEARED);
    a->set_acknowledged(tr == v1::ACKNOWLEDGED);
    a->set_actor(actor);
    a->set_message("Hypertension: NIBP sys 220 mmHg, limit > 200");
    a->set_seq(++seq);
    wire::set_time(a->mutable_onset(), at(30, 0));
    wire::set_time(a->mutable_time(), t);
    REQUIRE(j.write_bed("bed-1", {m}, state, t));
  }
  void start_command(core::TimePoint t, double mg_per_kg = 0.5) {
    v1::CommandRequest r;
    r.set_actor("nurse Ana");
    r.set_station("station-1");
    r.mutable_start_infusion()->set_bed("bed-1");
    r.mutable_start_infusion()->set_drug("ketamine");
    r.mutable_start_infusion()->set_regimen("0.5 mg/kg over 40 min");
    auto* dose = r.mutable_start_infusion()->mutable_dose();
    dose->set_amount(mg_per_kg);
    dose->set_unit("mg/kg");
    dose->set_weight_kg(72);
    dose->set_duration_min(40);
    v1::CommandReply ok;
    ok.set_ok(true);
    REQUIRE(j.write_command(r, ok, t));
  }
};

// 08:00 admitted, 08:10 ketamine started (baseline 128/78 measured at 08:05),
// the cuff every few minutes, 08:30 the peak 220/120 and a hypertension alarm
// acknowledged 45 s after it sounded, SpO₂ 86 % from 08:20 for a minute,
// 09:00 stopped, 09:30 discharged (unless `discharge` is false).
struct Morning {
  test::TempDir dir;
  std::string path = dir.file("journal.db");
  // `course`: the infusion paused at 08:31 for the 220/120, resumed at 08:41,
  // its rate lowered to 0.5 mg/min at 08:45; oxygen given at 08:21, an
  // adverse event at 08:31 and a note at 08:50.
  // `second_visit`: the same patient back a week later, at 1 mg/kg (72 mg
  // over 40 min), peaking at 160/95, discharged.
  explicit Morning(bool discharge = true, bool course = false, bool second_visit = false) {
    journal::JournalOptions o;
    o.path = path;
    o.flush_interval = 20ms;
    journal::Journal j{o, [](const journal::JournalWriterReport&) {}};
    REQUIRE(j.open("d", T0));
    Writer w{j};
    visit(w, {}, discharge, course, {220, 120});
    if (second_visit) visit(w, std::chrono::hours{24 * 7}, true, false, {160, 95});
    j.close(at(91) + (second_visit ? std::chrono::hours{24 * 7} : core::Duration{}));
  }

  static void visit(Writer& w, core::Duration shift, bool discharge, bool course,
                    std::pair<double, double> peak) {
    const bool first = shift == core::Duration{};
    w.context("admitted", at(0) + shift, "nurse Ana",
              "patient PAT-5 admitted to bed-1 by nurse Ana at station-1");
    const std::map<int, std::pair<double, double>> cuff{{5, {128, 78}},  {20, {170, 100}}, {30, peak},
                                                        {40, {150, 90}}, {75, {135, 82}},  {88, {130, 80}}};
    const int end_minute = discharge ? 90 : 70;
    for (int s = 0; s < end_minute * 60; s += 5) {
      const auto t = T0 + shift + std::chrono::seconds{s};
      if (s == 10 * 60) {
        w.start_command(t, first ? 0.5 : 1.0);
        w.context("infusion_started", t, "nurse Ana", "ketamine (0.5 mg/kg over 40 min) started on bed-1",
                  "ketamine");
        w.context("baseline", t, "nurse Ana",
                  "baseline (measured, median of the last 5 min): NIBP sys 128, NIBP dia 78, Pulse 72, "
                  "SpO\u2082 97",
                  "NIBP sys 128, NIBP dia 78, Pulse 72, SpO\u2082 97");
      }
      if (first && s == 30 * 60 + 5) w.alarm(v1::RAISED, t);
      if (first && s == 30 * 60 + 50) w.alarm(v1::ACKNOWLEDGED, t, "nurse Ben at station-2");
      if (first && s == 40 * 60 + 5) w.alarm(v1::CLEARED, t);
      if (s == 60 * 60) w.context("infusion_stopped", t, "nurse Cleo", "ketamine stopped on bed-1");
      if (course) add_course(w, s, t);
      w.reading(Metric::spo2, s >= 20 * 60 && s < 21 * 60 ? 86 : 97, t);
      w.reading(Metric::pulse_rate, s >= 25 * 60 && s < 45 * 60 ? 90 : 72, t);
      if (s % 60 == 0 && cuff.count(s / 60)) {
        const auto [sys, dia] = cuff.at(s / 60);
        w.reading(Metric::nibp_systolic, sys, t + 20s, t);
        w.reading(Metric::nibp_diastolic, dia, t + 20s, t);
      }
    }
    if (discharge)
      w.context("discharged", at(90) + shift, "nurse Dee", "patient PAT-5 discharged from bed-1");
  }
  static void add_course(Writer& w, int s, core::TimePoint t) {
    if (s == 21 * 60)
      w.context("intervention", t, "nurse Ben",
                "Intervention on bed-1 by nurse Ben: oxygen: nasal cannula 2 L/min",
                "oxygen: nasal cannula 2 L/min");
    if (s == 31 * 60) {
      w.context("infusion_paused", t, "nurse Ben", "ketamine paused on bed-1 by nurse Ben: BP 220/120",
                "BP 220/120");
      w.context("adverse_event", t, "nurse Ben", "Adverse event on bed-1 by nurse Ben: hypertension",
                "hypertension");
    }
    if (s == 41 * 60) w.context("infusion_resumed", t, "nurse Ben", "ketamine resumed on bed-1");
    if (s == 45 * 60)
      w.context("infusion_rate_changed", t, "nurse Ben", "ketamine rate on bed-1 set to 0.5 mg/min",
                "0.5 mg/min");
    if (s == 50 * 60)
      w.context("note", t, "nurse Cleo", "Note on bed-1 by nurse Cleo: calm, talking", "calm, talking");
  }
};

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

TEST_CASE("A config the record cannot use is refused with where and why") {
  test::TempDir dir;
  const auto conf = dir.file("bad.conf");
  std::ofstream{conf} << "profile { name: \"x\" record { spo2_min: 120 } }\n";
  auto r = record::read_record_config(conf);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "config " + conf + ": profile 'x': record.spo2_min: must be 0 to 100 (%)");
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
