#pragma once
// The alarm state machine of one bed. Rules report conditions; the engine
// applies condition delays, latching, acknowledgement, audio pause and
// escalation, and says every transition as an AlarmEvent. Pure: time comes in
// as arguments, so a test drives it with a fake clock.
#include <map>
#include <string>
#include <vector>

#include "alerts/alarm.hpp"
#include "core/result.hpp"

namespace vigil::alerts {

struct EngineSettings {
  core::Duration audio_pause = std::chrono::seconds{120};
  // An unacknowledged medium physiological alarm becomes high this long after
  // it was raised.
  core::Duration escalate_medium_after = std::chrono::seconds{120};
  bool operator==(const EngineSettings&) const = default;
};

// One alarm with a signal, as much of it as must survive a restart of the
// daemon: who it is, how bad it got, and what staff have done about it.
struct AlarmState {
  ConditionReport last;  // the latest report of its condition
  std::string alarm_id;
  core::TimePoint onset{};               // when the condition began
  core::TimePoint raised{};              // when its signal was raised (escalation counts from here)
  Priority priority = Priority::medium;  // as raised or escalated
  bool active = false;
  bool acknowledged = false;
  bool escalated = false;
  bool latching = false;
  std::string actor;
  std::optional<core::TimePoint> paused_until;
};

class AlarmEngine {
 public:
  explicit AlarmEngine(std::string bed, EngineSettings settings = {});

  void report(const ConditionReport& r, core::TimePoint now, std::vector<AlarmEvent>& out);
  // Delays that ran out, pauses that expired, escalations due.
  void tick(core::TimePoint now, std::vector<AlarmEvent>& out);

  core::Result<bool> acknowledge(const std::string& alarm_id, const std::string& actor, core::TimePoint now,
                                 std::vector<AlarmEvent>& out);
  // Pauses the audible signal of every alarm active now; a new alarm still sounds.
  void audio_pause(const std::string& actor, core::TimePoint now, std::vector<AlarmEvent>& out);
  core::Result<bool> reset(const std::string& alarm_id, const std::string& actor, core::TimePoint now,
                           std::vector<AlarmEvent>& out);
  // Forget a condition without a trace (a device removed from the config).
  void withdraw(const std::string& condition, core::TimePoint now, std::vector<AlarmEvent>& out);

  // Alarms whose signal exists now (active, or latched after the condition ended).
  std::vector<AlarmEvent> current(core::TimePoint now) const;
  bool has_signal(const std::string& condition) const;
  // No condition held: neither a signal nor a delay running. A report that
  // says not present is then nothing to it (report()).
  bool holds_nothing() const { return conditions_.empty(); }

  // Every alarm with a signal, for the journal.
  std::vector<AlarmState> alarm_states() const;
  // After a restart: takes the journalled alarms back and says each again as
  // RESTORED. A condition delay that was running is not restored: it starts
  // afresh with the next reading.
  void restore(const std::vector<AlarmState>& alarms, core::TimePoint now, std::vector<AlarmEvent>& out);
  const std::string& bed() const { return bed_; }
  void set_settings(const EngineSettings& s) { settings_ = s; }

 private:
  struct Condition {
    ConditionReport last;                          // latest report
    std::optional<core::TimePoint> pending_since;  // present, waiting out the delay
    bool alarmed = false;                          // a signal exists
    std::string alarm_id;
    core::TimePoint onset{};
    core::TimePoint raised{};
    Priority priority = Priority::medium;  // as raised or escalated
    bool active = false;
    bool acknowledged = false;
    bool escalated = false;
    bool latching = false;  // any level it reached latches
    std::string actor;
    std::optional<core::TimePoint> paused_until;
  };

  AlarmEvent event(const Condition& c, Transition t, core::TimePoint now) const;
  void raise(Condition& c, core::TimePoint now, std::vector<AlarmEvent>& out);
  void end_condition(Condition& c, core::TimePoint now, std::vector<AlarmEvent>& out);
  Condition* find_alarm(const std::string& alarm_id);
  void forget_if_silent(const std::string& condition);

  std::string bed_;
  EngineSettings settings_;
  std::map<std::string, Condition> conditions_;
};

}  // namespace vigil::alerts
