#include "record/record_text.hpp"

#include <cmath>

#include "journal/patient_merges.hpp"
#include "record/time_text.hpp"

namespace vigil::record {
using core::Metric;

namespace {

std::string shown(Metric m) {
  return std::string{core::label(m)};
}

std::string unit_of(Metric m) {
  return std::string{core::display_unit(m)};
}

// A limit as the engine compares with it: 30 % over 128 is 166.4, not 166.
std::string limit_number(double v) {
  return number_text(v, v == std::round(v) ? 0 : 1);
}

std::string step_text(const std::optional<SessionStep>& s, const char* missing) {
  if (!s) return missing;
  return local_time(s->time) + (s->by.empty() ? "" : ", by " + s->by);
}

std::string since_start(const InfusionRecord& r, core::TimePoint t) {
  return r.started ? duration_text(t - r.started->time) + " after the start" : "";
}

std::string peak_text(const InfusionRecord& r, const Peak& p) {
  const std::string sign = p.rise() >= 0 ? "+" : "";
  return sign + number_text(p.rise(), 0) + " " + unit_of(p.metric) + " (" + sign +
         number_text(p.rise_percent(), 0) + " %) over the baseline " + number_text(p.baseline, 0) + ", to " +
         number_text(p.value, 0) + " " + unit_of(p.metric) + " at " + local_clock(p.time) + ", " +
         since_start(r, p.time);
}

std::string monitored_text(const InfusionRecord& r) {
  std::string s = duration_text(r.monitored) + (r.discharged ? "" : " so far");
  if (r.discharge_check && r.discharge_check->min_monitored)
    s += std::string{r.discharge_check->monitored_long_enough ? "; met" : "; NOT met"} +
         " the profile's minimum of " + duration_text(*r.discharge_check->min_monitored);
  return s;
}

std::string discharge_text(const InfusionRecord& r) {
  if (!r.discharge_check) return "not discharged yet";
  const auto& d = *r.discharge_check;
  std::string s = std::string{d.criteria_met ? "met" : "NOT met"} + ": over the last " +
                  duration_text(d.stable) + " before the discharge, NIBP within " +
                  number_text(d.bp_margin_percent, 0) + " % of the baseline, heart rate within " +
                  number_text(d.heart_rate_margin_percent, 0) + " %, " + shown(Metric::spo2) + " at least " +
                  number_text(d.spo2_min, 0) + " %";
  for (const auto& u : d.unmet) s += "; " + u;
  return s;
}

}  // namespace

std::string bp_text(double sys, double dia) {
  return "NIBP " + number_text(sys, 0) + "/" + number_text(dia, 0) + " mmHg";
}

std::string record_title(const InfusionRecord& r) {
  return "Infusion record: patient " + r.patient_id + ", " + r.bed + ", session " +
         std::to_string(r.session_id);
}

std::vector<std::string> record_marks(const InfusionRecord& r) {
  std::vector<std::string> v;
  if (r.drill) v.push_back("DRILL \u2014 simulated, not a patient");
  if (r.provisional) v.push_back("PROVISIONAL \u2014 the session is still open");
  if (r.pruned_before)
    v.push_back("PART PRUNED \u2014 the journal holds nothing before " + local_time(*r.pruned_before));
  return v;
}

namespace {

constexpr const char* kNoLongerGiven =
    "the journal no longer gives what was signed (its readings pruned or changed, or read with another "
    "config than vigild's)";

const journal::RecordSignature* record_signature(const InfusionRecord& r) {
  for (const auto& s : r.signatures)
    if (s.amendment == 0) return &s;
  return nullptr;
}

}  // namespace

std::string record_source(const InfusionRecord& r) {
  const std::string covers = "it covers " + local_time(r.from) + " to " + local_time(r.to) + ".";
  const auto* s = record_signature(r);
  if (!r.from_signed_content || !s)
    return "Written " + local_time(r.generated) + " from vigild's journal; " + covers +
           (r.pruned_before
                ? " The journal's retention (retention_days) has pruned what was journalled before " +
                      local_time(*r.pruned_before) +
                      ": the patient's name and date of birth and the dose as entered (journalled "
                      "with the commands), and the readings, alarms and events before then, are "
                      "missing below."
                : "");
  return "Written " + local_time(r.generated) + ", drawn from the signed content of " + local_time(s->time) +
         ", SHA-256 " + s->sha256 + ", because " + kNoLongerGiven + "; " + covers +
         " The plots show the signed vital-signs table.";
}

namespace {

// "measured, at 2026-11-23 09:00:00 CET: NIBP 128/78 mmHg, HR 72 /min; set by A. Diaz at station-1"
std::string baseline_line(const Baseline& x) {
  std::string values;
  const auto& b = x.values;
  if (b.count(Metric::nibp_systolic) && b.count(Metric::nibp_diastolic))
    values = bp_text(b.at(Metric::nibp_systolic), b.at(Metric::nibp_diastolic));
  for (Metric m : {Metric::heart_rate, Metric::pulse_rate, Metric::spo2, Metric::resp_rate})
    if (b.count(m))
      values += (values.empty() ? "" : ", ") + shown(m) + " " + number_text(b.at(m), 0) + " " + unit_of(m);
  return x.source + ", at " + local_time(x.time) + ": " + (values.empty() ? "no values" : values) +
         (x.by.empty() ? "" : "; set by " + x.by);
}

}  // namespace

Items summary_items(const InfusionRecord& r) {
  Items v;
  if (!r.clinic.empty()) v.emplace_back("Clinic", r.clinic);
  v.emplace_back("Patient",
                 journal::patient_text(r.admitted_as.empty() ? r.patient_id : r.admitted_as, r.patient_id));
  if (!r.patient_name.empty()) v.emplace_back("Name", r.patient_name);
  if (!r.birth_date.empty()) v.emplace_back("Date of birth", r.birth_date);
  if (!r.identity_changes.empty()) {
    std::string changes;
    for (const auto& c : r.identity_changes)
      changes += (changes.empty() ? "" : "; ") + local_time(c.time) + ": " + c.message;
    v.emplace_back("Identity changed", changes);
  }
  v.emplace_back("Bed", r.bed);
  if (!r.profile.empty()) v.emplace_back("Alarm profile", r.profile);
  v.emplace_back("Drug", r.drug.empty() ? "not entered" : r.drug);
  v.emplace_back("Regimen (as entered)", r.regimen.empty() ? "not entered" : r.regimen);
  if (r.dose) {
    v.emplace_back("Dose", r.dose->text());
    v.emplace_back("Cumulative dose",
                   number_text(*r.cumulative_mg, 1) + " mg" +
                       (r.stopped ? " when it stopped" : " so far, the infusion still running"));
  }
  v.emplace_back("Admitted", step_text(r.admitted, "no admission in the journal"));
  v.emplace_back("Infusion started", step_text(r.started, "-"));
  v.emplace_back(
      "Pauses and rate changes",
      r.changes.empty() ? "none" : std::to_string(r.changes.size()) + " (see the infusion's course)");
  v.emplace_back("Infusion stopped", step_text(r.stopped, "still running"));
  v.emplace_back("Discharged", step_text(r.discharged, "not yet"));
  v.emplace_back("Monitored from the start", monitored_text(r));
  v.emplace_back("Discharge criteria", discharge_text(r));
  if (r.baseline) {
    v.emplace_back("Baseline", baseline_line(*r.baseline));
    // Each replaced one as it was, and who replaced it when: the next one's setter.
    for (std::size_t i = 0; i < r.replaced_baselines.size(); ++i) {
      const auto& next = i + 1 < r.replaced_baselines.size() ? r.replaced_baselines[i + 1] : *r.baseline;
      v.emplace_back("Baseline replaced", baseline_line(r.replaced_baselines[i]) + "; replaced at " +
                                              local_time(next.time) + " by " + next.by);
    }
  } else {
    v.emplace_back("Baseline", "none in the journal");
  }
  return v;
}

Items response_items(const InfusionRecord& r) {
  const auto& x = r.response;
  Items v;
  v.emplace_back("Highest blood pressure", x.highest ? bp_text(x.highest->systolic, x.highest->diastolic) +
                                                           " at " + local_clock(x.highest->time) + ", " +
                                                           since_start(r, x.highest->time)
                                                     : "no cuff reading after the start");
  v.emplace_back("Peak systolic rise",
                 x.systolic ? peak_text(r, *x.systolic) : "no baseline or no cuff reading");
  v.emplace_back("Peak diastolic rise",
                 x.diastolic ? peak_text(r, *x.diastolic) : "no baseline or no cuff reading");
  v.emplace_back("Time to peak (systolic)", x.time_to_peak ? duration_text(*x.time_to_peak) : "-");
  v.emplace_back("Back within 10 % of the baseline",
                 x.back_within_10_percent ? duration_text(*x.back_within_10_percent) + " after the start"
                 : x.systolic             ? "not in this session"
                                          : "-");
  v.emplace_back(x.heart_rate ? "Peak " + shown(x.heart_rate->metric) + " change" : "Heart rate change",
                 x.heart_rate ? peak_text(r, *x.heart_rate) : "no baseline or no reading");
  v.emplace_back("Lowest " + shown(Metric::spo2),
                 x.lowest_spo2 ? number_text(*x.lowest_spo2, 0) + " % at " + local_clock(*x.lowest_spo2_time)
                               : "no reading");
  v.emplace_back("Time with " + shown(Metric::spo2) + " below 90 %", duration_text(x.spo2_below_90));
  for (auto& item : limits_items(r)) v.push_back(std::move(item));
  return v;
}

Items limits_items(const InfusionRecord& r) {
  Items v;
  if (!r.bp_limits) {
    v.emplace_back("Inside the patient's limits",
                   "not knowable from the journal: it holds no limits in force for this session "
                   "(vigild journals them since after it); the profile read now may not be what judged it");
    return v;
  }
  const auto& b = *r.bp_limits;
  // One clause a peak: "NIBP sys 220 mmHg at 10:32:00 CET past hypertension HIGH (200 mmHg), …".
  std::string answer;
  const LimitAtPeak* clause = nullptr;
  for (const auto& l : b.limits) {
    if (!l.exceeded) continue;
    const bool same_peak = clause && clause->metric == l.metric && clause->peak_time == l.peak_time;
    answer += same_peak ? ", "
                        : (answer.empty() ? "NO: " : "; ") + shown(l.metric) + " " + number_text(l.peak, 0) +
                              " " + unit_of(l.metric) + " at " + local_clock(l.peak_time) + " past ";
    answer += l.condition + " " + l.priority + " (" + limit_number(*l.limit) + " " + unit_of(l.metric) + ")";
    clause = &l;
  }
  if (!b.unknown.empty())
    answer +=
        (answer.empty() ? "not knowable from the journal: " : "; not knowable for the rest: ") + b.unknown;
  if (answer.empty())
    answer = b.limits.empty() ? "no cuff reading after the start to judge"
                              : "yes: no peak past a limit in force at its time";
  v.emplace_back("Inside the patient's limits", answer);
  std::string raised;
  for (const auto& a : b.raised)
    raised += (raised.empty() ? "" : "; ") + a.condition + " " + a.priority + " at " + local_clock(a.raised);
  v.emplace_back("Blood-pressure alarms raised",
                 raised.empty() ? "none from the start to discharge" : raised);
  std::string changes;
  for (const auto& c : b.changes)
    changes += (changes.empty() ? "" : "; ") + local_clock(c.time) + ": " + c.message;
  v.emplace_back("Limits changed", changes.empty() ? "not during the record" : changes);
  return v;
}

Table limits_table(const InfusionRecord& r) {
  Table t{"Blood-pressure limits at each peak",
          {"Peak", "Condition", "Limit in force", "At the peak", "Past it", "In force since"},
          {},
          r.bp_limits ? "no cuff reading after the start" : "not knowable from the journal"};
  if (!r.bp_limits) return t;
  for (const auto& l : r.bp_limits->limits)
    t.rows.push_back({shown(l.metric) + " " + number_text(l.peak, 0) + " " + unit_of(l.metric) + " at " +
                          local_clock(l.peak_time),
                      l.condition + " " + l.priority, l.rule + (l.on ? "" : " (level off)"),
                      l.limit ? limit_number(*l.limit) + " " + unit_of(l.metric) : "no baseline: not judged",
                      l.exceeded ? "YES" : "no", local_clock(l.in_force_since)});
  return t;
}

Table checkpoint_table(const InfusionRecord& r) {
  Table t{"Checkpoints", {"Checkpoint", "For", "Measurement", "Measured at"}, {}, "no infusion start"};
  for (const auto& c : r.checkpoints) {
    if (!c.reached) {
      t.rows.push_back({c.name, "not reached yet", "not measured", "-"});
      continue;
    }
    t.rows.push_back(
        {c.name, local_clock(c.target),
         c.measurement ? bp_text(c.measurement->systolic, c.measurement->diastolic) : "not measured",
         c.measurement ? local_clock(c.measurement->time) : "-"});
  }
  return t;
}

Table course_table(const InfusionRecord& r) {
  Table t{"The infusion's course", {"Time", "Step", "By", "Details"}, {}, "no infusion start"};
  if (!r.started) return t;
  t.rows.push_back({local_clock(r.started->time), "started", r.started->by,
                    r.dose ? number_text(r.dose->rate_mg_per_min(), 2) + " mg/min" : ""});
  for (const auto& c : r.changes) {
    const char* step = c.kind == InfusionChange::Kind::paused    ? "paused"
                       : c.kind == InfusionChange::Kind::resumed ? "resumed"
                                                                 : "rate changed";
    t.rows.push_back({local_clock(c.time), step, c.by, c.message});
  }
  if (r.stopped) t.rows.push_back({local_clock(r.stopped->time), "stopped", r.stopped->by, ""});
  return t;
}

Table entry_table(const InfusionRecord& r) {
  Table t{
      "Notes, interventions and adverse events", {"Time", "Entry", "Kind", "What", "By"}, {}, "none entered"};
  for (const auto& e : r.entries) {
    const char* type = e.type == StaffEntry::Type::note           ? "note"
                       : e.type == StaffEntry::Type::intervention ? "intervention"
                                                                  : "adverse event";
    t.rows.push_back({local_clock(e.time), type, e.kind, e.text, e.by});
  }
  return t;
}

namespace {

std::string signature_text(const journal::RecordSignature& s) {
  return "Signed by " + s.signer + " (" + s.role + ") at " + local_time(s.time) + ", SHA-256 " + s.sha256;
}

}  // namespace

Items signature_items(const InfusionRecord& r) {
  for (const auto& s : r.signatures) {
    if (s.amendment != 0) continue;
    return {
        {"Signed", signature_text(s)},
        {"Content", r.content_matches_signature ? "as signed: final; corrections are amendments, below"
                    : r.from_signed_content
                        ? "drawn from the signed content of " + local_time(s.time) + ", SHA-256 " + s.sha256 +
                              ": " + kNoLongerGiven + "; final; corrections are amendments, below"
                        : "the journal no longer gives the content that was signed (its readings pruned, or "
                          "changed); the signed content is kept in the journal: vigil-ctl record verify"},
        {"Kept until", local_time(s.keep_until)}};
  }
  return {{"Signed", r.provisional ? "not signed (provisional)" : "not signed"}};
}

Table amendment_table(const InfusionRecord& r) {
  Table t{"Amendments", {"No.", "Time", "By", "What", "Why", "Signed"}, {}, "none"};
  for (const auto& a : r.amendments) {
    std::string signed_text = "not signed";
    for (const auto& s : r.signatures)
      if (s.amendment == a.id) signed_text = signature_text(s);
    t.rows.push_back({std::to_string(a.id), local_time(a.time), a.author, a.what, a.why, signed_text});
  }
  return t;
}

Table alarm_table(const InfusionRecord& r) {
  Table t{"Alarms",
          {"Alarm", "Priority", "Onset", "Raised", "Acknowledged", "Time to acknowledge", "Cleared", "Also"},
          {},
          "no alarms"};
  for (const auto& a : r.alarms) {
    std::string also;
    for (const auto& s : a.steps)
      also += (also.empty() ? "" : "; ") + s.what + " " + local_clock(s.time) +
              (s.by.empty() ? "" : " by " + s.by);
    const auto ack = a.time_to_acknowledge();
    t.rows.push_back(
        {(a.technical ? "technical: " : "") + (a.message.empty() ? a.condition : a.message), a.priority,
         local_clock(a.onset), a.raised ? local_clock(*a.raised) : "-",
         a.acknowledged ? local_clock(*a.acknowledged) + " by " + a.acknowledged_by : "not acknowledged",
         ack ? duration_text(*ack) : "-", a.cleared ? local_clock(*a.cleared) : "not cleared", also});
  }
  return t;
}

Table across_sessions_table(const InfusionRecord& r) {
  Table t{"This patient's infusions (across sessions)",
          {"Session", "Started", "Bed", "Dose (mg/kg)", "Peak systolic rise", "Peak diastolic rise",
           "Peak heart-rate change"},
          {},
          "no patient id"};
  auto rise = [](const std::optional<Peak>& p) {
    if (!p) return std::string{"-"};
    const std::string sign = p->rise() >= 0 ? "+" : "";
    return sign + number_text(p->rise(), 0) + " " + unit_of(p->metric) + " (" + sign +
           number_text(p->rise_percent(), 0) + " %)";
  };
  for (const auto& s : r.across_sessions)
    t.rows.push_back({std::to_string(s.session_id) + (s.this_session ? " (this one)" : ""),
                      local_time(s.started), s.bed,
                      s.dose_mg_per_kg ? number_text(*s.dose_mg_per_kg, 2) : "not entered", rise(s.systolic),
                      rise(s.diastolic), rise(s.heart_rate)});
  return t;
}

Table no_data_table(const InfusionRecord& r) {
  Table t{"Time without data (from the start of the infusion)", {"Vital", "No data for"}, {}, "-"};
  for (const auto& n : r.no_data) t.rows.push_back({shown(n.metric), duration_text(n.total)});
  return t;
}

Table vitals_table(const InfusionRecord& r) {
  Table t{"Vital signs", {"Time", "Why"}, {}, "no readings"};
  std::vector<Metric> columns;
  for (Metric m : {Metric::spo2, Metric::pulse_rate, Metric::heart_rate, Metric::resp_rate}) {
    bool any = false;
    for (const auto& row : r.vitals) any = any || row.values.count(m);
    if (any) columns.push_back(m);
  }
  for (Metric m : columns) t.header.push_back(shown(m) + " (" + unit_of(m) + ")");
  t.header.push_back("NIBP (mmHg)");
  for (const auto& row : r.vitals) {
    std::vector<std::string> cells{local_clock(row.time), row.reason};
    for (Metric m : columns) cells.push_back(row.values.count(m) ? number_text(row.values.at(m), 0) : "");
    const auto sys = row.values.find(Metric::nibp_systolic), dia = row.values.find(Metric::nibp_diastolic);
    cells.push_back(sys != row.values.end() && dia != row.values.end()
                        ? number_text(sys->second, 0) + "/" + number_text(dia->second, 0)
                        : "");
    t.rows.push_back(std::move(cells));
  }
  return t;
}

}  // namespace vigil::record
