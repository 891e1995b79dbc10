#pragma once
// A journal written by the journal itself, for the record's tests: one
// morning on bed-1 with a ketamine infusion, a BP rise to 220/120, an
// acknowledged hypertension alarm, a short desaturation and a discharge.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "core/metric.hpp"
#include "journal/journal.hpp"
#include "tests/unit/temp_dir.hpp"
#include "tools/ctl/export_journal.hpp"
#include "wire/timestamp.hpp"

namespace vigil::test {
using namespace std::chrono_literals;
using core::Metric;
namespace v1 = vigil::v1;

inline const core::TimePoint T0 = *tools::parse_time("2026-11-23T08:00:00Z");

inline core::TimePoint at(int minute, int second = 0) {
  return T0 + std::chrono::minutes{minute} + std::chrono::seconds{second};
}
// The same morning a week on: a patient's next visit.
inline constexpr std::chrono::hours kWeek{24 * 7};

struct Writer {
  journal::Journal& j;
  std::uint64_t seq = 0;
  v1::journal::BedState state{};
  std::string patient = "PAT-5";  // the id the bed's patient has

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
    c->set_patient_id(patient);
    c->set_message(message);
    c->set_new_value(new_value);
    c->set_seq(++seq);
    wire::set_time(c->mutable_time(), t);
    REQUIRE(j.write_bed("bed-1", {m}, state, t));
  }
  // An ADT A08 or A40 as vigild journals it: the command from "ADT", then
  // the context event with the id before and after.
  void patient_updated(core::TimePoint t, const std::string& new_id, const std::string& name,
                       const std::string& what) {
    v1::CommandRequest r;
    r.set_actor("ADT");
    r.set_station(new_id.empty() ? "HL7 ADT^A08 from EPIC^HOSP (MSH-10 M5)"
                                 : "HL7 ADT^A40 from EPIC^HOSP (MSH-10 M7)");
    auto* u = r.mutable_update_patient();
    u->set_bed("bed-1");
    u->set_patient_id(patient);
    u->set_new_patient_id(new_id);
    u->set_patient_name(name);
    v1::CommandReply ok;
    ok.set_ok(true);
    REQUIRE(j.write_command(r, ok, t));
    v1::BusMessage m;
    auto* c = m.mutable_context();
    c->set_bed("bed-1");
    c->set_what("patient_updated");
    c->set_actor("ADT");
    c->set_station(r.station());
    c->set_patient_id(new_id.empty() ? patient : new_id);
    c->set_message("patient " + patient + " on bed-1 updated by ADT at " + r.station() + ": " + what);
    c->set_old_value(patient);
    c->set_new_value(c->patient_id());
    c->set_seq(++seq);
    wire::set_time(c->mutable_time(), t);
    REQUIRE(j.write_bed("bed-1", {m}, state, t));
    patient = c->patient_id();
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

// One run of the journal at `path`, opened at `open` and closed at `close`
// (its close writes every queued message), written by `write(Writer&)` with
// sequence numbers going on from `seq`; returns the last one written.
template <class F>
std::uint64_t journal_run(const std::string& path, core::TimePoint open, core::TimePoint close, F&& write,
                          std::uint64_t seq = 0) {
  journal::JournalOptions o;
  o.path = path;
  o.flush_interval = 20ms;
  journal::Journal j{o, [](const journal::JournalWriterReport&) {}};
  REQUIRE(j.open("d", open));
  Writer w{j, seq};
  write(w);
  j.close(close);
  return w.seq;
}

// 08:00 admitted, 08:10 ketamine started (baseline 128/78 measured at 08:05),
// the cuff every few minutes, 08:30 the peak 220/120 and a hypertension alarm
// acknowledged 45 s after it sounded, SpO₂ 86 % from 08:20 for a minute,
// 09:00 stopped, 09:30 discharged (unless `discharge` is false).
struct Morning {
  TempDir dir;
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

}  // namespace vigil::test
