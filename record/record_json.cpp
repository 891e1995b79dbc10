// The record as one JSON document: every measured value is an object with
// its value, UCUM unit and MDC code, every time UTC ISO 8601, every
// duration in seconds ("unit": "s").
#include <sstream>

#include "core/json_string.hpp"
#include "record/record_formats.hpp"
#include "record/time_text.hpp"

namespace vigil::record {
using core::json_string;
using core::Metric;

namespace {

std::string num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string quantity(Metric m, double v) {
  const auto& i = core::info(m);
  return "{\"value\": " + num(v) + ", \"unit\": " + json_string(i.ucum_unit) +
         ", \"mdc_code\": " + std::to_string(core::code(m)) + ", \"mdc_ref\": " + json_string(i.mdc_ref) +
         ", \"label\": " + json_string(i.label) + "}";
}

std::string seconds(core::Duration d) {
  return "{\"value\": " + num(core::to_seconds(d)) + ", \"unit\": \"s\"}";
}

// A quantity without an MDC code: a dose, a weight (UCUM units all the same).
std::string in(double v, const std::string& ucum) {
  return "{\"value\": " + num(v) + ", \"unit\": " + json_string(ucum) + "}";
}

std::string percent(double v) {
  return "{\"value\": " + num(v) + ", \"unit\": \"%\"}";
}

std::string time(core::TimePoint t) {
  return json_string(utc_iso(t));
}

std::string values(const std::map<Metric, double>& v) {
  std::string s = "[";
  for (const auto& [m, x] : v) s += (s.size() > 1 ? ", " : "") + quantity(m, x);
  return s + "]";
}

std::string step(const std::optional<SessionStep>& s) {
  if (!s) return "null";
  return "{\"time\": " + time(s->time) + ", \"by\": " + json_string(s->by) +
         ", \"message\": " + json_string(s->message) + "}";
}

std::string peak(const std::optional<Peak>& p) {
  if (!p) return "null";
  return "{\"baseline\": " + quantity(p->metric, p->baseline) +
         ", \"peak\": " + quantity(p->metric, p->value) + ", \"rise\": " + quantity(p->metric, p->rise()) +
         ", \"rise_percent\": " + percent(p->rise_percent()) + ", \"time\": " + time(p->time) + "}";
}

std::string bp(const BloodPressure& b) {
  return "{\"time\": " + time(b.time) + ", \"values\": [" + quantity(Metric::nibp_systolic, b.systolic) +
         ", " + quantity(Metric::nibp_diastolic, b.diastolic) +
         (b.mean ? ", " + quantity(Metric::nibp_mean, *b.mean) : std::string{}) + "]}";
}

template <class T>
std::string optional_or_null(const std::optional<T>& v, std::string (*f)(T)) {
  return v ? f(*v) : "null";
}

// Who set it and what it replaced appear only when staff replaced one, so a
// record signed before they existed still reads back exactly as signed.
std::string baseline_json(const Baseline& b, const std::vector<Baseline>& replaced, bool with_by = false) {
  std::string s = "{\"source\": " + json_string(b.source) + ", \"time\": " + time(b.time) +
                  ", \"values\": " + values(b.values) + ", \"message\": " + json_string(b.text);
  if (with_by || !replaced.empty()) s += ", \"by\": " + json_string(b.by);
  if (!replaced.empty()) {
    s += ", \"replaced\": [";
    for (std::size_t i = 0; i < replaced.size(); ++i)
      s += (i ? ", " : "") + baseline_json(replaced[i], {}, true);
    s += "]";
  }
  return s + "}";
}

std::string limits_json(const BpLimits& b) {
  const auto inside = b.inside();
  std::string s = "{\"inside\": " +
                  std::string{!inside   ? "null"
                              : *inside ? "true"
                                        : "false"} +
                  ", \"unknown\": " + (b.unknown.empty() ? "null" : json_string(b.unknown)) +
                  ", \"limits\": [";
  for (std::size_t i = 0; i < b.limits.size(); ++i) {
    const auto& l = b.limits[i];
    s += std::string{i ? ", " : ""} + "{\"condition\": " + json_string(l.condition) +
         ", \"priority\": " + json_string(l.priority) + ", \"rule\": " + json_string(l.rule) +
         ", \"on\": " + (l.on ? "true" : "false") +
         ", \"limit\": " + (l.limit ? quantity(l.metric, *l.limit) : "null") +
         ", \"peak\": " + quantity(l.metric, l.peak) + ", \"peak_time\": " + time(l.peak_time) +
         ", \"exceeded\": " + (l.exceeded ? "true" : "false") +
         ", \"in_force_since\": " + time(l.in_force_since) + "}";
  }
  s += "], \"changes\": [";
  for (std::size_t i = 0; i < b.changes.size(); ++i) s += std::string{i ? ", " : ""} + step(b.changes[i]);
  s += "], \"alarms_raised\": [";
  for (std::size_t i = 0; i < b.raised.size(); ++i)
    s += std::string{i ? ", " : ""} + "{\"condition\": " + json_string(b.raised[i].condition) +
         ", \"priority\": " + json_string(b.raised[i].priority) +
         ", \"raised\": " + time(b.raised[i].raised) + "}";
  return s + "]}";
}

std::string signed_json(const InfusionRecord& r) {
  std::string s = ",\n  \"signatures\": [";
  for (std::size_t i = 0; i < r.signatures.size(); ++i) {
    const auto& g = r.signatures[i];
    s += std::string{i ? "," : ""} +
         "\n    {\"amendment\": " + (g.amendment ? std::to_string(g.amendment) : "null") +
         ", \"signed\": " + time(g.time) + ", \"signer\": " + json_string(g.signer) +
         ", \"role\": " + json_string(g.role) + ", \"station\": " + json_string(g.station) +
         ", \"sha256\": " + json_string(g.sha256) + ", \"keep_until\": " + time(g.keep_until) + "}";
  }
  s += r.signatures.empty() ? "]" : "\n  ]";
  s += ",\n  \"signature_matches\": " + std::string{r.signatures.empty()          ? "null"
                                                    : r.content_matches_signature ? "true"
                                                                                  : "false"};
  s += ",\n  \"amendments\": [";
  for (std::size_t i = 0; i < r.amendments.size(); ++i) {
    const auto& a = r.amendments[i];
    s += std::string{i ? "," : ""} + "\n    {\"id\": " + std::to_string(a.id) +
         ", \"time\": " + time(a.time) + ", \"by\": " + json_string(a.author) +
         ", \"station\": " + json_string(a.station) + ", \"what\": " + json_string(a.what) +
         ", \"why\": " + json_string(a.why) + "}";
  }
  s += r.amendments.empty() ? "]" : "\n  ]";
  // Not part of what is signed: they say where this copy came from.
  s += ",\n  \"drawn_from_signed_content\": " + std::string{r.from_signed_content ? "true" : "false"};
  return s + ",\n  \"pruned_before\": " + (r.pruned_before ? time(*r.pruned_before) : "null");
}

// The record's content; `full` adds when it was written and its
// signatures and amendments, which are not part of what is signed.
std::string body(const InfusionRecord& r, bool full) {
  std::string s =
      "{\n  \"record\": \"infusion\",\n  \"session\": " + std::to_string(r.session_id) +
      ",\n  \"admission_session\": " + std::to_string(r.admission_id) +
      ",\n  \"drill\": " + (r.drill ? "true" : "false") +
      ",\n  \"provisional\": " + (r.provisional ? "true" : "false") +
      (full ? ",\n  \"generated\": " + time(r.generated) : std::string{}) + ",\n  \"from\": " + time(r.from) +
      ",\n  \"to\": " + time(r.to) + ",\n  \"bed\": " + json_string(r.bed) +
      ",\n  \"patient_id\": " + json_string(r.patient_id) +
      // Only when a merge changed the id: a record signed before this field
      // existed must still read back exactly as signed.
      (r.admitted_as.empty() ? std::string{} : ",\n  \"admitted_as\": " + json_string(r.admitted_as)) +
      ",\n  \"patient_name\": " + json_string(r.patient_name) +
      ",\n  \"birth_date\": " + json_string(r.birth_date) + ",\n  \"clinic\": " + json_string(r.clinic) +
      ",\n  \"profile\": " + json_string(r.profile) + ",\n  \"drug\": " + json_string(r.drug) +
      ",\n  \"regimen\": " + json_string(r.regimen) + ",\n  \"admitted\": " + step(r.admitted) +
      ",\n  \"infusion_started\": " + step(r.started) + ",\n  \"infusion_stopped\": " + step(r.stopped) +
      ",\n  \"discharged\": " + step(r.discharged) + ",\n  \"monitored\": " + seconds(r.monitored);
  if (r.dose) {
    const auto& d = *r.dose;
    s += ",\n  \"dose\": {\"amount\": " + in(d.amount, d.unit) +
         ", \"weight\": " + (d.weight_kg > 0 ? in(d.weight_kg, "kg") : "null") +
         ", \"duration\": " + seconds(std::chrono::minutes{d.duration_min}) +
         ", \"total\": " + in(d.total_mg(), "mg") + ", \"rate\": " + in(d.rate_mg_per_min(), "mg/min") + "}";
  } else {
    s += ",\n  \"dose\": null";
  }
  // Only when there were any: a record signed before this field existed
  // must still read back exactly as signed.
  if (!r.identity_changes.empty()) {
    s += ",\n  \"identity_changes\": [";
    for (std::size_t i = 0; i < r.identity_changes.size(); ++i)
      s += std::string{i ? ", " : ""} + step(r.identity_changes[i]);
    s += "]";
  }
  s += ",\n  \"cumulative_dose\": " + (r.cumulative_mg ? in(*r.cumulative_mg, "mg") : "null");
  s += ",\n  \"infusion_changes\": [";
  for (std::size_t i = 0; i < r.changes.size(); ++i) {
    const auto& c = r.changes[i];
    const char* kind = c.kind == InfusionChange::Kind::paused    ? "paused"
                       : c.kind == InfusionChange::Kind::resumed ? "resumed"
                                                                 : "rate_changed";
    s += std::string{i ? ", " : ""} + "{\"what\": \"" + kind + "\", \"time\": " + time(c.time) +
         ", \"rate\": " + (c.rate_mg_per_min ? in(*c.rate_mg_per_min, "mg/min") : "null") +
         ", \"by\": " + json_string(c.by) + ", \"message\": " + json_string(c.message) + "}";
  }
  s += "]";
  s += ",\n  \"staff_entries\": [";
  for (std::size_t i = 0; i < r.entries.size(); ++i) {
    const auto& e = r.entries[i];
    const char* type = e.type == StaffEntry::Type::note           ? "note"
                       : e.type == StaffEntry::Type::intervention ? "intervention"
                                                                  : "adverse_event";
    s += std::string{i ? ", " : ""} + "{\"type\": \"" + type + "\", \"time\": " + time(e.time) +
         ", \"kind\": " + json_string(e.kind) + ", \"text\": " + json_string(e.text) +
         ", \"by\": " + json_string(e.by) + "}";
  }
  s += "]";
  if (r.baseline)
    s += ",\n  \"baseline\": " + baseline_json(*r.baseline, r.replaced_baselines);
  else
    s += ",\n  \"baseline\": null";
  const auto& x = r.response;
  s += ",\n  \"response\": {\"highest\": " + (x.highest ? bp(*x.highest) : "null") +
       ", \"systolic\": " + peak(x.systolic) + ", \"diastolic\": " + peak(x.diastolic) +
       ", \"heart_rate\": " + peak(x.heart_rate) +
       ", \"time_to_peak\": " + optional_or_null(x.time_to_peak, seconds) +
       ", \"back_within_10_percent\": " + optional_or_null(x.back_within_10_percent, seconds) +
       ", \"lowest_spo2\": " + (x.lowest_spo2 ? quantity(Metric::spo2, *x.lowest_spo2) : "null") +
       ", \"lowest_spo2_time\": " + (x.lowest_spo2_time ? time(*x.lowest_spo2_time) : "null") +
       ", \"spo2_below_90\": " + seconds(x.spo2_below_90) + "}";
  // Only when the journal held limits in force: a record signed before this
  // field existed must still read back exactly as signed.
  if (r.bp_limits) s += ",\n  \"bp_limits\": " + limits_json(*r.bp_limits);
  if (r.discharge_check) {
    const auto& d = *r.discharge_check;
    s += ",\n  \"discharge_check\": {\"criteria_met\": " + std::string{d.criteria_met ? "true" : "false"} +
         ", \"monitored_long_enough\": " + (d.monitored_long_enough ? "true" : "false") +
         ", \"min_monitored\": " + (d.min_monitored ? seconds(*d.min_monitored) : "null") +
         ", \"stable\": " + seconds(d.stable) + ", \"bp_margin\": " + percent(d.bp_margin_percent) +
         ", \"heart_rate_margin\": " + percent(d.heart_rate_margin_percent) +
         ", \"spo2_min\": " + quantity(Metric::spo2, d.spo2_min) + ", \"unmet\": [";
    for (std::size_t i = 0; i < d.unmet.size(); ++i) s += (i ? ", " : "") + json_string(d.unmet[i]);
    s += "]}";
  } else {
    s += ",\n  \"discharge_check\": null";
  }
  s += ",\n  \"checkpoints\": [";
  for (std::size_t i = 0; i < r.checkpoints.size(); ++i) {
    const auto& c = r.checkpoints[i];
    s += std::string{i ? "," : ""} + "\n    {\"name\": " + json_string(c.name) +
         ", \"reached\": " + (c.reached ? "true" : "false") +
         ", \"target\": " + (c.reached ? time(c.target) : "null") +
         ", \"measured\": " + (c.measurement ? "true" : "false") +
         ", \"measurement\": " + (c.measurement ? bp(*c.measurement) : "null") + "}";
  }
  s += r.checkpoints.empty() ? "]" : "\n  ]";
  s += ",\n  \"alarms\": [";
  for (std::size_t i = 0; i < r.alarms.size(); ++i) {
    const auto& a = r.alarms[i];
    const auto ack = a.time_to_acknowledge();
    s += std::string{i ? "," : ""} + "\n    {\"alarm_id\": " + json_string(a.alarm_id) +
         ", \"condition\": " + json_string(a.condition) + ", \"priority\": " + json_string(a.priority) +
         ", \"kind\": " + (a.technical ? "\"technical\"" : "\"physiological\"") +
         ", \"message\": " + json_string(a.message) +
         ", \"value\": " + (a.metric ? quantity(*a.metric, a.value) : "null") +
         ", \"onset\": " + time(a.onset) + ", \"raised\": " + (a.raised ? time(*a.raised) : "null") +
         ", \"acknowledged\": " + (a.acknowledged ? time(*a.acknowledged) : "null") +
         ", \"acknowledged_by\": " + json_string(a.acknowledged_by) +
         ", \"time_to_acknowledge\": " + (ack ? seconds(*ack) : "null") +
         ", \"cleared\": " + (a.cleared ? time(*a.cleared) : "null") + ", \"steps\": [";
    for (std::size_t k = 0; k < a.steps.size(); ++k)
      s += std::string{k ? ", " : ""} + "{\"what\": " + json_string(a.steps[k].what) +
           ", \"time\": " + time(a.steps[k].time) + ", \"by\": " + json_string(a.steps[k].by) + "}";
    s += "]}";
  }
  s += r.alarms.empty() ? "]" : "\n  ]";
  s += ",\n  \"across_sessions\": [";
  for (std::size_t i = 0; i < r.across_sessions.size(); ++i) {
    const auto& a = r.across_sessions[i];
    s += std::string{i ? "," : ""} + "\n    {\"session\": " + std::to_string(a.session_id) +
         ", \"this_session\": " + (a.this_session ? "true" : "false") + ", \"bed\": " + json_string(a.bed) +
         ", \"started\": " + time(a.started) +
         ", \"dose\": " + (a.dose_mg_per_kg ? in(*a.dose_mg_per_kg, "mg/kg") : "null") +
         ", \"systolic\": " + peak(a.systolic) + ", \"diastolic\": " + peak(a.diastolic) +
         ", \"heart_rate\": " + peak(a.heart_rate) + "}";
  }
  s += r.across_sessions.empty() ? "]" : "\n  ]";
  s += ",\n  \"no_data\": [";
  for (std::size_t i = 0; i < r.no_data.size(); ++i) {
    const auto& i_ = core::info(r.no_data[i].metric);
    s += std::string{i ? ", " : ""} + "{\"mdc_code\": " + std::to_string(core::code(r.no_data[i].metric)) +
         ", \"mdc_ref\": " + json_string(i_.mdc_ref) + ", \"label\": " + json_string(i_.label) +
         ", \"duration\": " + seconds(r.no_data[i].total) + "}";
  }
  s += "]";
  s += ",\n  \"vitals\": [";
  for (std::size_t i = 0; i < r.vitals.size(); ++i) {
    const auto& row = r.vitals[i];
    s += std::string{i ? "," : ""} + "\n    {\"time\": " + time(row.time) +
         ", \"reason\": " + json_string(row.reason) + ", \"values\": " + values(row.values) + "}";
  }
  s += r.vitals.empty() ? "]" : "\n  ]";
  if (full) s += signed_json(r);
  return s + "\n}\n";
}

}  // namespace

std::string record_json(const InfusionRecord& r) {
  return body(r, true);
}

std::string record_content(const InfusionRecord& r) {
  return body(r, false);
}

}  // namespace vigil::record
