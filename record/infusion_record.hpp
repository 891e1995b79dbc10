#pragma once
// The record of one infusion session, as the clinic signs and files it:
// who and where, the drug as entered, the session's steps, the baseline,
// the vital signs at a cadence, the checkpoints, the response to the drug,
// the alarms and the time each vital had no data. Built from the journal
// (record/record_builder.hpp); written as JSON, CSV, HTML or PDF
// (record/record_formats.hpp). It holds values, never display text, except
// what staff typed (drug, regimen) and what the journal said in words.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/infusion_dose.hpp"
#include "core/metric.hpp"
#include "core/time.hpp"
#include "journal/signed_records.hpp"

namespace vigil::record {

// One step of the session (admitted, infusion started, stopped, discharged),
// with who did it ("nurse Ana at station-1") and the journal's words.
struct SessionStep {
  core::TimePoint time{};
  std::string by;
  std::string message;
};

// A pause, a resume or a change of rate of the running infusion.
struct InfusionChange {
  enum class Kind { paused, resumed, rate_changed };
  Kind kind{};
  core::TimePoint time{};
  std::optional<double> rate_mg_per_min;  // rate_changed: the new rate
  std::string by;
  std::string message;
};

// A note, an intervention or an adverse event, as staff entered it.
struct StaffEntry {
  enum class Type { note, intervention, adverse_event };
  Type type{};
  core::TimePoint time{};
  std::string kind;  // "oxygen", "nausea"; empty for a note
  std::string text;
  std::string by;
};

struct Baseline {
  std::string source;  // "measured", "entered", "measured and entered", "unavailable", or "none"
  core::TimePoint time{};
  std::map<core::Metric, double> values;
  std::string text;  // the journal's words: how it was taken, what was missing
  std::string by;    // who set it: the start's author when taken at the start
};

// One row of the vital-signs table. Streamed values are the last usable
// reading at most 30 s before the row; NIBP only on the row of its measurement.
struct VitalsRow {
  core::TimePoint time{};
  std::string reason;  // "every 5 min", "every 15 min", "NIBP", "alarm: ..."
  std::map<core::Metric, double> values;
};

struct BloodPressure {
  core::TimePoint time{};  // when the cuff measured
  double systolic = 0;
  double diastolic = 0;
  std::optional<double> mean;
};

struct Checkpoint {
  std::string name;                          // "BP before dosing"
  core::TimePoint target{};                  // the time it is for
  std::optional<BloodPressure> measurement;  // empty: not measured within the tolerance
  bool reached = true;                       // false: the session has not come to it yet (provisional)
};

// A peak of one metric over the baseline.
struct Peak {
  core::Metric metric{};
  double baseline = 0;
  double value = 0;
  core::TimePoint time{};
  double rise() const { return value - baseline; }
  double rise_percent() const { return baseline != 0 ? 100.0 * (value - baseline) / baseline : 0; }
};

struct Response {
  std::optional<Peak> systolic, diastolic, heart_rate;  // heart_rate: HR, or pulse when no ECG
  std::optional<BloodPressure> highest;                 // the cuff reading of the systolic peak
  std::optional<core::Duration> time_to_peak;           // start of infusion to the systolic peak
  // Start of infusion to the first cuff reading after the peak with systolic
  // and diastolic within 10 % of baseline; empty: not back in the session.
  std::optional<core::Duration> back_within_10_percent;
  std::optional<double> lowest_spo2;
  std::optional<core::TimePoint> lowest_spo2_time;
  core::Duration spo2_below_90{};
};

// A blood-pressure limit in force when the value peaked, judged the rule
// engine's way (alerts/limit_rules.hpp): the value the peak was compared
// with (a baseline-relative rule's: the baseline raised by it) and whether
// the peak was past it (and past the rule's floor).
struct LimitAtPeak {
  core::Metric metric{};
  std::string condition;        // "hypertension", "bp_surge"
  std::string priority;         // LOW, MEDIUM, HIGH
  std::string rule;             // as the alarm words it: "NIBP sys >= baseline + 30 % and NIBP sys >= 160"
  bool on = true;               // false: the level was turned off, so it judged nothing
  std::optional<double> limit;  // empty: a baseline-relative rule without a baseline judges nothing
  double peak = 0;
  core::TimePoint peak_time{};
  bool exceeded = false;
  core::TimePoint in_force_since{};  // when vigild journalled the limits this rule is from
};

// A blood-pressure alarm raised between the start and discharge.
struct LimitAlarm {
  std::string condition;
  std::string priority;  // the highest it reached
  core::TimePoint raised{};
};

// Whether the rise stayed inside the patient's limits: the limits in force
// at each peak (systolic, diastolic, and mean when a rule judges it), as
// vigild journalled them (`limits_in_force`), never as a config read now
// defines them; the limit changes over the record's span; the BP alarms.
struct BpLimits {
  std::string unknown;  // why the limits at a peak are not known from the journal; empty: known
  std::vector<LimitAtPeak> limits;
  std::vector<SessionStep> changes;  // `limit_changed`, admission to discharge
  std::vector<LimitAlarm> raised;
  // No when a peak was past a limit; unknown when a limit is not known.
  std::optional<bool> inside() const {
    for (const auto& l : limits)
      if (l.exceeded) return false;
    if (!unknown.empty()) return std::nullopt;
    return true;
  }
};

struct AlarmStep {
  core::TimePoint time{};
  std::string what;  // "audio paused", "escalated to HIGH"
  std::string by;
};

struct AlarmStory {
  std::string alarm_id;
  std::string condition;
  std::string priority;  // the highest it reached: LOW, MEDIUM, HIGH
  bool technical = false;
  std::string message;  // as raised
  std::optional<core::Metric> metric;
  double value = 0;
  core::TimePoint onset{};
  std::optional<core::TimePoint> raised;
  std::optional<core::TimePoint> acknowledged;
  std::string acknowledged_by;
  std::optional<core::TimePoint> cleared;
  std::vector<AlarmStep> steps;  // audio pauses, escalations, resets
  std::optional<core::Duration> time_to_acknowledge() const {
    if (!raised || !acknowledged) return std::nullopt;
    return *acknowledged - *raised;
  }
};

struct NoData {
  core::Metric metric{};
  core::Duration total{};
};

// A plotted series: every usable reading of one metric in the record's span.
struct Series {
  core::Metric metric{};
  std::vector<std::pair<core::TimePoint, double>> points;
};

// Whether the patient was ready to go when discharged, by the profile's
// criteria (record/record_options.hpp).
struct DischargeCheck {
  std::optional<core::Duration> min_monitored;  // as the profile asks; empty: no minimum
  bool monitored_long_enough = true;
  bool criteria_met = false;
  std::vector<std::string> unmet;  // what was not, for people ("NIBP 150/90 mmHg at 09:20 CET: +17 %")
  double bp_margin_percent = 0, heart_rate_margin_percent = 0, spo2_min = 0;
  core::Duration stable{};
};

// One infusion session of the patient in the across-sessions view: the
// dose against the response, so a clinician sees whether it did what was
// expected.
struct SessionResponse {
  std::int64_t session_id = 0;
  std::string bed;
  core::TimePoint started{};
  std::optional<double> dose_mg_per_kg;  // as entered; empty without a dose and weight
  std::optional<Peak> systolic, diastolic, heart_rate;
  bool this_session = false;
};

struct InfusionRecord {
  std::int64_t session_id = 0;
  std::int64_t admission_id = 0;  // the patient session around it; 0: none found
  std::string bed;
  std::string patient_id;                // now: followed through merges (ADT^A40)
  std::string admitted_as;               // the id the session was opened under, when a merge changed it
  std::string patient_name, birth_date;  // as entered at admission, or as ADT last changed them
  // Each change of the patient's identity over the record's span (ADT^A08,
  // ^A40, or a staff update_patient): when, by whom, what changed.
  std::vector<SessionStep> identity_changes;
  std::string clinic;   // from vigild's config
  std::string profile;  // the alarm profile the patient was admitted with
  std::string drug;
  std::string regimen;                     // as entered
  std::optional<core::InfusionDose> dose;  // when entered as numbers
  // What ran from the start to the stop (or to `to` while it runs): the
  // dose's even rate, none while paused, each new rate from its change on,
  // never more than the dose's total; empty without a dose.
  std::optional<double> cumulative_mg;
  std::optional<SessionStep> admitted, started, stopped, discharged;
  std::vector<InfusionChange> changes;  // between the start and the stop, in time order
  std::vector<StaffEntry> entries;      // over the record's span, in time order
  // The baseline in force at the end of the span: the response to the drug
  // and the discharge criteria compare with it.
  std::optional<Baseline> baseline;
  // The baselines it replaced (staff entered or re-measured one after the
  // start), oldest first: each was replaced by the next, the last by `baseline`.
  std::vector<Baseline> replaced_baselines;
  std::vector<VitalsRow> vitals;
  std::vector<Checkpoint> checkpoints;
  Response response;
  // Empty when the journal holds no limits in force for the span (vigild
  // journals them since this field exists): not knowable, and left out of
  // the JSON so that records signed before still read back as signed.
  std::optional<BpLimits> bp_limits;
  std::vector<AlarmStory> alarms;
  std::vector<NoData> no_data;  // from the start of the infusion to discharge (or now)
  std::vector<Series> series;
  core::TimePoint from{}, to{};  // the span the record covers
  core::Duration monitored{};    // start of the infusion to discharge (or to `to` while open)
  std::optional<DischargeCheck> discharge_check;  // empty until discharged
  // The patient's infusion sessions in the journal up to this one, oldest
  // first, this one last (none without a patient id).
  std::vector<SessionResponse> across_sessions;
  bool drill = false;
  bool provisional = false;  // the infusion or the admission is still open
  core::TimePoint generated{};
  // Signing (record/record_signing.hpp): the signatures of the record and of
  // its amendments, oldest first, and whether the content read now is still
  // what was signed (false once the journal's readings were pruned, say).
  std::vector<journal::RecordSignature> signatures;
  std::vector<journal::RecordAmendment> amendments;
  bool content_matches_signature = false;
  // Drawn from the content as signed (record/signed_content.hpp), because
  // the journal no longer gives it; the signatures and amendments are the
  // journal's.
  bool from_signed_content = false;
  // The journal's retention has pruned the start of this record: nothing
  // journalled before this time is left (the patient's name and the dose
  // as entered, readings, alarms and events). Not part of what is signed.
  std::optional<core::TimePoint> pruned_before;
};

}  // namespace vigil::record
