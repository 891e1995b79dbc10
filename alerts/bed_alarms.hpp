#pragma once
// Everything that decides alarms for one bed, without I/O: the patient and
// their profile, the infusion session and its baseline, the latest values,
// the rules and the alarm engine. The daemon feeds it readings, device
// status and commands with the time; it answers with alarm transitions and
// attributed context changes. Tests drive it with a fake clock.
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerts/alarm_engine.hpp"
#include "alerts/alarm_profile.hpp"
#include "alerts/limit_rules.hpp"
#include "alerts/rhythm_analyzer.hpp"
#include "core/device_condition.hpp"
#include "core/observation.hpp"
#include "core/result.hpp"

namespace vigil::alerts {

struct Actor {
  std::string who;
  std::string station;
};

// A change to the bed's context, for the bus and the journal.
struct ContextChange {
  std::string what;  // admitted, discharged, limit_changed, infusion_started, infusion_stopped, baseline
  std::string message;
  std::string old_value;
  std::string new_value;
  Actor actor;
  std::string patient_id;
};

struct BedOutput {
  std::vector<AlarmEvent> alarms;
  std::vector<ContextChange> context;
  void clear() {
    alarms.clear();
    context.clear();
  }
};

struct Infusion {
  core::TimePoint started{};
  std::string drug;
  std::string regimen;
};

// What of a bed must survive a restart of the daemon. The daemon journals it
// and, on start, rebuilds the profile (the named one, then the changes in
// order) and hands both back to restore().
struct BedState {
  std::string patient_id;
  std::string profile;                        // the profile the changes apply to
  bool profile_from_admission = false;        // chosen at admission; else the bed's configured one
  std::vector<RuleOverride> profile_changes;  // in the order they were made
  std::optional<Infusion> infusion;
  std::map<core::Metric, double> baseline;
  std::string baseline_source = "none";
  std::map<std::string, core::DeviceConditions> device_conditions;
  std::vector<AlarmState> alarms;
};

// A condition a bed can raise, for `vigild --list-conditions` and the drill
// report, which must tell "no alarm came" from "this vigild cannot raise it".
// Per-device technical conditions are named with the placeholder
// "<device>": "device_lost:<device>".
struct ConditionInfo {
  std::string condition;
  AlarmKind kind = AlarmKind::physiological;
  std::vector<Priority> priorities;  // the levels it can reach, lowest first
  std::string label;
  // A rhythm condition: the beats rhythm analysis raises it from (a bed
  // whose devices give none of them cannot have it). Empty for the others.
  std::vector<BeatSource> beats;
};
std::vector<ConditionInfo> known_conditions(const AlarmProfile& profile);

class BedAlarms {
 public:
  BedAlarms(std::string bed, AlarmProfile profile, core::Duration baseline_window = std::chrono::minutes{10});

  void on_reading(const std::string& device, const core::Reading& r, core::TimePoint now, BedOutput& out);
  void on_device_conditions(const std::string& device, core::DeviceConditions c, core::TimePoint now,
                            BedOutput& out);
  void on_link(const std::string& device, const std::string& protocol, bool lost, const std::string& reason,
               core::TimePoint now, BedOutput& out);
  // Many bad frames among the good ones: a low-priority technical alarm.
  void on_garbled(const std::string& device, bool garbled, const std::string& reason, core::TimePoint now,
                  BedOutput& out);
  void on_beat(const Beat& beat);
  // The stretch of ECG waveform the daemon's QRS detector has looked at (see
  // RhythmAnalyzer::note_ecg_coverage); its beats come through on_beat.
  void on_ecg_coverage(core::TimePoint first, core::TimePoint end, double quality, bool flat) {
    rhythm_.note_ecg_coverage(first, end, quality, flat);
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
  core::Result<std::string> set_limit(const RuleOverride& o, const Actor& actor, core::TimePoint now,
                                      BedOutput& out);
  core::Result<std::string> start_infusion(const std::string& drug, const std::string& regimen,
                                           const std::map<core::Metric, double>& entered_baseline,
                                           const Actor& actor, core::TimePoint now, BedOutput& out);
  core::Result<std::string> stop_infusion(const Actor& actor, core::TimePoint now, BedOutput& out);
  // Empty alarm_id: every alarm with a signal on this bed.
  core::Result<std::string> acknowledge(const std::string& alarm_id, const Actor& actor, core::TimePoint now,
                                        BedOutput& out);
  core::Result<std::string> audio_pause(const Actor& actor, core::TimePoint now, BedOutput& out);
  core::Result<std::string> reset(const std::string& alarm_id, const Actor& actor, core::TimePoint now,
                                  BedOutput& out);

  // The journal's side of the bed: an unavailable journal is a technical
  // alarm (alarms are still published, but would not survive a restart).
  void on_journal(bool available, const std::string& reason, core::TimePoint now, BedOutput& out);

  BedState state() const;
  // After a restart. `profile` is the one rebuilt from the state; `recent`
  // are the usable readings of the last baseline window and `last_cuff` the
  // time of the last cuff reading, both from the journal. Says every restored
  // alarm again (RESTORED) and what was restored (a "restored" context change).
  void restore(const BedState& s, AlarmProfile profile, const std::vector<core::Observation>& recent,
               std::optional<core::TimePoint> last_cuff, core::TimePoint now, BedOutput& out);

  const std::string& bed() const { return bed_; }
  const std::string& patient_id() const { return patient_id_; }
  const AlarmProfile& profile() const { return profile_; }
  const std::optional<Infusion>& infusion() const { return infusion_; }
  const std::map<core::Metric, double>& baseline() const { return baseline_; }
  const std::string& baseline_source() const { return baseline_source_; }
  const AlarmEngine& engine() const { return engine_; }
  RhythmState rhythm(core::TimePoint now) const { return rhythm_.state(now); }

 private:
  struct Sample {
    core::Metric metric;
    double value;
    core::TimePoint time;
  };
  void use_profile(AlarmProfile p);
  std::string take_baseline(core::TimePoint start, const std::map<core::Metric, double>& entered);
  void check_nibp_overdue(core::TimePoint now, BedOutput& out);
  void check_rhythm(core::TimePoint now, BedOutput& out);
  static std::string who(const Actor& a);

  std::string bed_;
  AlarmProfile profile_;
  core::Duration baseline_window_;
  LimitRules rules_;
  AlarmEngine engine_;
  std::string patient_id_;
  std::optional<Infusion> infusion_;
  std::map<core::Metric, double> baseline_;
  std::string baseline_source_ = "none";
  std::deque<Sample> history_;  // usable readings of the last baseline window
  std::map<core::Metric, core::Reading> latest_;
  std::optional<core::TimePoint> last_cuff_;
  std::map<std::string, core::DeviceConditions> device_conditions_;
  RhythmAnalyzer rhythm_;
  std::optional<core::TimePoint> last_beat_;
  std::optional<core::TimePoint> reported_pause_;
  // The AF episode: when the rhythm was last called AF, at what rate and
  // from which beats (held through gaps shorter than af_episode_hold).
  std::optional<core::TimePoint> af_last_called_;
  double af_last_rate_ = 0;
  std::optional<BeatSource> af_last_source_;
  bool profile_from_admission_ = false;
  std::vector<RuleOverride> profile_changes_;
};

}  // namespace vigil::alerts
