#pragma once
// What a bed's alarms are judged against: the patient, their profile and the
// changes made to it, the infusion and the pre-infusion baseline taken from
// the readings of the last baseline window. Commands change it and say so as
// attributed context changes for the bus and the journal.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alerts/alarm_profile.hpp"
#include "alerts/baseline_window.hpp"
#include "alerts/limit_rules.hpp"
#include "alerts/technical_conditions.hpp"
#include "core/observation.hpp"
#include "core/result.hpp"

namespace vigil::alerts {

struct Actor {
  std::string who;
  std::string station;
};
// "nurse at station-2", for messages.
std::string who(const Actor& a);

// A change to the bed's context, for the bus and the journal.
struct ContextChange {
  std::string what;  // admitted, discharged, limit_changed, infusion_started, infusion_stopped, baseline
  std::string message;
  std::string old_value;
  std::string new_value;
  Actor actor;
  std::string patient_id;
};

// Who set the baseline by hand and when, "A. Diaz at station-1".
struct BaselineSetting {
  core::TimePoint time{};
  std::string by;
};

struct Infusion {
  core::TimePoint started{};
  std::string drug;
  std::string regimen;
};

// What of the context survives a restart of the daemon (its share of BedState).
struct SavedContext {
  std::string patient_id;
  std::string profile;                        // the profile the changes apply to
  bool profile_from_admission = false;        // chosen at admission; else the bed's configured one
  std::vector<RuleOverride> profile_changes;  // in the order they were made
  std::optional<Infusion> infusion;
  std::map<core::Metric, double> baseline;
  std::string baseline_source = "none";
  // Set by staff (set_baseline) before the infusion: the start keeps it.
  std::optional<BaselineSetting> baseline_set;
};

class BedContext {
 public:
  BedContext(std::string bed, AlarmProfile profile, core::Duration baseline_window);

  // Usable readings count toward the baseline and are what rise rules and
  // floors compare with.
  void on_reading(const core::Reading& r, core::TimePoint now);
  RuleContext rule_context() const;
  // Empty unless an infusion runs and the profile has a cuff cycle.
  std::optional<CuffWatch> cuff_watch() const;

  // A reloaded config's profile; refused while a patient is admitted.
  bool reconfigure(AlarmProfile profile);
  // Commands: errors start with the name of the field at fault. A change of
  // profile (admit, set_limit) is for the caller to pass on to its rules.
  core::Result<std::string> admit(const std::string& patient_id, AlarmProfile profile,
                                  const std::vector<RuleOverride>& overrides,
                                  const std::map<core::Metric, double>& entered_baseline, const Actor& actor,
                                  std::vector<ContextChange>& out);
  core::Result<std::string> discharge(const Actor& actor, std::vector<ContextChange>& out);
  // The admitted patient's identity: refused unless the bed holds
  // `patient_id`; `new_patient_id` (may be empty: unchanged) is the id from
  // now on; `also` names what else changed ("name, date of birth"), which the
  // caller keeps (the journal holds it with the command).
  core::Result<std::string> update_patient(const std::string& patient_id, const std::string& new_patient_id,
                                           const std::string& also, const Actor& actor,
                                           std::vector<ContextChange>& out);
  core::Result<std::string> set_limit(const RuleOverride& o, const Actor& actor,
                                      std::vector<ContextChange>& out);
  core::Result<std::string> start_infusion(const std::string& drug, const std::string& regimen,
                                           const std::map<core::Metric, double>& entered_baseline,
                                           const Actor& actor, core::TimePoint now,
                                           std::vector<ContextChange>& out);
  core::Result<std::string> stop_infusion(const Actor& actor, core::TimePoint now,
                                          std::vector<ContextChange>& out);
  // Staff set the admitted patient's baseline, before or while the infusion
  // runs: the values entered go over those in force; with none entered the
  // baseline is measured again from the last window, and refused (nothing
  // changed) when that would lose a value in force. The rules judge by it
  // from now on; what they judged before stays judged. One set before the
  // start is kept at the start, over what is measured then (values entered
  // with the start go over both).
  core::Result<std::string> set_baseline(const std::map<core::Metric, double>& entered, const Actor& actor,
                                         core::TimePoint now, std::vector<ContextChange>& out);

  SavedContext save() const;
  // After a restart: `recent` are the readings of the last baseline window
  // and `last_cuff` the time of the last cuff reading, from the journal.
  void restore(const SavedContext& s, AlarmProfile profile, const std::vector<core::Observation>& recent,
               std::optional<core::TimePoint> last_cuff, core::TimePoint now);
  // What restore() brought back, for the "restored" context change.
  std::string restored_text(core::TimePoint now) const;

  const std::string& bed() const { return bed_; }
  const std::string& patient_id() const { return patient_id_; }
  const AlarmProfile& profile() const { return *profile_; }
  const std::optional<Infusion>& infusion() const { return infusion_; }
  const std::map<core::Metric, double>& baseline() const { return baseline_; }
  const std::string& baseline_source() const { return baseline_source_; }

 private:
  Baseline start_baseline(core::TimePoint now, const std::map<core::Metric, double>& entered) const;
  std::string entered_source(const std::map<core::Metric, double>& entered) const;
  std::string lost_by(const std::map<core::Metric, double>& measured) const;
  std::string window_text() const;

  std::string bed_;
  // Immutable and shared by every bed whose profile is equal (most beds of a
  // ward run the same one unchanged): a change makes a new one.
  std::shared_ptr<const AlarmProfile> profile_;
  bool profile_from_admission_ = false;
  std::vector<RuleOverride> profile_changes_;
  std::string patient_id_;
  std::optional<Infusion> infusion_;
  std::map<core::Metric, double> baseline_;
  std::string baseline_source_ = "none";
  std::optional<BaselineSetting> baseline_set_;
  BaselineWindow window_;              // usable readings of the last baseline window
  std::vector<core::Reading> latest_;  // RuleContext::latest
  // Bit k: latest_[k] is a cuff metric's, worked out when its metric was
  // first seen rather than looked up in core's table on every reading.
  std::uint64_t cuff_slots_ = 0;
  std::optional<core::TimePoint> last_cuff_;
};

}  // namespace vigil::alerts
