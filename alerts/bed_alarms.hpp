#pragma once
// Everything that decides alarms for one bed, without I/O. It composes the
// bed's context (patient, profile, infusion, baseline), its limit rules, its
// technical and rhythm conditions and the alarm engine they all report to.
// The daemon feeds it readings, device status and commands with the time; it
// answers with alarm transitions and attributed context changes. Tests drive
// it with a fake clock.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/alarm_engine.hpp"
#include "alerts/alarm_profile.hpp"
#include "alerts/bed_context.hpp"
#include "alerts/bed_state.hpp"
#include "alerts/condition_catalog.hpp"
#include "alerts/limit_rules.hpp"
#include "alerts/rate_source.hpp"
#include "alerts/rhythm_conditions.hpp"
#include "alerts/technical_conditions.hpp"
#include "core/device_condition.hpp"
#include "core/observation.hpp"
#include "core/result.hpp"

namespace vigil::alerts {

struct BedOutput {
  std::vector<AlarmEvent> alarms;
  std::vector<ContextChange> context;
  void clear() {
    alarms.clear();
    context.clear();
  }
};

class BedAlarms {
 public:
  BedAlarms(std::string bed, AlarmProfile profile, core::Duration baseline_window = std::chrono::minutes{10});

  // Rate readings (heart rate, pulse rate) reach the rules only from the
  // best source now (rate_source.hpp); every reading counts for the context.
  void on_reading(const std::string& device, const core::Reading& r, core::TimePoint now, BedOutput& out);
  // The readings of one measurement (alerts/cuff_measurement.hpp: a cuff's
  // systolic, diastolic and mean, or a single reading), judged together.
  void on_measurement(const std::string& device, std::span<const core::Reading> measurement,
                      core::TimePoint now, BedOutput& out);
  void on_device_conditions(const std::string& device, core::DeviceConditions c, core::TimePoint now,
                            BedOutput& out);
  void on_link(const std::string& device, const std::string& protocol, bool lost, const std::string& reason,
               core::TimePoint now, BedOutput& out);
  // Many bad frames among the good ones: a low-priority technical alarm.
  void on_garbled(const std::string& device, bool garbled, const std::string& reason, core::TimePoint now,
                  BedOutput& out);
  void on_beat(const Beat& beat) { rhythm_.on_beat(beat); }
  void on_ecg_coverage(core::TimePoint first, core::TimePoint end, double quality, bool flat,
                       bool artefact = false, bool vf_like = false) {
    rhythm_.on_ecg_coverage(first, end, quality, flat, artefact, vf_like);
  }
  void tick(core::TimePoint now, BedOutput& out);

  // A reloaded config's profile. A bed with a patient keeps the limits it was
  // admitted with (limits never change under a running infusion unasked);
  // returns whether the new profile took effect.
  bool reconfigure(AlarmProfile profile);

  // Commands. Errors start with the name of the field at fault.
  core::Result<std::string> admit(const std::string& patient_id, AlarmProfile profile,
                                  const std::vector<RuleOverride>& overrides,
                                  const std::map<core::Metric, double>& entered_baseline, const Actor& actor,
                                  core::TimePoint now, BedOutput& out);
  core::Result<std::string> discharge(const Actor& actor, core::TimePoint now, BedOutput& out);
  core::Result<std::string> update_patient(const std::string& patient_id, const std::string& new_patient_id,
                                           const std::string& also, const Actor& actor, core::TimePoint,
                                           BedOutput& out) {
    return context_.update_patient(patient_id, new_patient_id, also, actor, out.context);
  }
  core::Result<std::string> set_limit(const RuleOverride& o, const Actor& actor, core::TimePoint now,
                                      BedOutput& out);
  core::Result<std::string> start_infusion(const std::string& drug, const std::string& regimen,
                                           const std::map<core::Metric, double>& entered_baseline,
                                           const Actor& actor, core::TimePoint now, BedOutput& out);
  core::Result<std::string> stop_infusion(const Actor& actor, core::TimePoint now, BedOutput& out);
  // The rise rules read the baseline at each reading (rule_context()): the
  // next reading is judged by the new one, none before it again.
  core::Result<std::string> set_baseline(const std::map<core::Metric, double>& entered, const Actor& actor,
                                         core::TimePoint now, BedOutput& out) {
    return context_.set_baseline(entered, actor, now, out.context);
  }
  // Empty alarm_id: every alarm with a signal on this bed.
  core::Result<std::string> acknowledge(const std::string& alarm_id, const Actor& actor, core::TimePoint now,
                                        BedOutput& out);
  core::Result<std::string> audio_pause(const Actor& actor, core::TimePoint now, BedOutput& out);
  core::Result<std::string> reset(const std::string& alarm_id, const Actor& actor, core::TimePoint now,
                                  BedOutput& out);

  // The journal's side of the bed: an unavailable journal is a technical
  // alarm (alarms are still published, but would not survive a restart).
  void on_journal(bool available, const std::string& reason, core::TimePoint now, BedOutput& out);
  // An HL7 destination failing for longer than it may (hl7out/unreachable_alarm.hpp).
  void on_hl7_destination(const std::string& destination, bool failing, const std::string& text,
                          core::TimePoint now, BedOutput& out);

  // An ADT discharge, cancel or transfer of this bed's patient refused
  // because an infusion runs (TechnicalConditions::adt_refused); it ends when
  // the patient is discharged or the infusion stops.
  void on_adt_refused(const std::string& text, core::TimePoint now, BedOutput& out);

  BedState state() const;
  // After a restart. `profile` is the one rebuilt from the state; `recent`
  // are the usable readings of the last baseline window and `last_cuff` the
  // time of the last cuff reading, both from the journal. Says every restored
  // alarm again (RESTORED) and what was restored (a "restored" context change).
  void restore(const BedState& s, AlarmProfile profile, const std::vector<core::Observation>& recent,
               std::optional<core::TimePoint> last_cuff, core::TimePoint now, BedOutput& out);

  const std::string& bed() const { return context_.bed(); }
  const std::string& patient_id() const { return context_.patient_id(); }
  const AlarmProfile& profile() const { return context_.profile(); }
  const std::optional<Infusion>& infusion() const { return context_.infusion(); }
  const std::map<core::Metric, double>& baseline() const { return context_.baseline(); }
  const std::string& baseline_source() const { return context_.baseline_source(); }
  const AlarmEngine& engine() const { return engine_; }
  RhythmState rhythm(core::TimePoint now) const { return rhythm_.state(now); }

 private:
  // The rules and the engine follow the context's profile; rule states
  // restart, so a limit that moved is judged afresh on the next reading.
  void follow_profile();
  // The rules in force, whole, for the journal (alerts/limits_in_force.hpp).
  void say_limits(const Actor& actor, BedOutput& out) const;
  void report(const std::vector<ConditionReport>& reports, core::TimePoint now, BedOutput& out);
  // One reading through the rules to the engine; `note` follows each report's text.
  void judge(const std::string& device, const core::Reading& r, std::string_view note, core::TimePoint now,
             BedOutput& out);
  void check_nibp_overdue(core::TimePoint now, BedOutput& out);
  void end_adt_refused(const std::string& why, core::TimePoint now, BedOutput& out);

  BedContext context_;
  LimitRules rules_;
  AlarmEngine engine_;
  TechnicalConditions technical_;
  RhythmConditions rhythm_;
  RateSource rate_source_;  // which heart or pulse rate the rate rules follow
};

}  // namespace vigil::alerts
