#pragma once
// A named set of alarm rules with the engine's settings: what a clinic's
// medical director reviews. Overrides change one level of one condition for
// one bed or patient.
#include <optional>
#include <string>
#include <vector>

#include "alerts/alarm_engine.hpp"
#include "alerts/limit_rules.hpp"
#include "core/result.hpp"

namespace vigil::alerts {

// Rhythm alarms from beat timing (CLINICAL.md): AF with rapid ventricular
// response (high, after 30 s of the rhythm), a new irregular rhythm at a lower
// rate (medium, after 60 s), and pauses (high, at once; ECG sources only).
struct RhythmRules {
  bool enabled = true;
  double af_rvr_rate = 110;
  core::Duration af_rvr_delay = std::chrono::seconds{30};
  core::Duration irregular_delay = std::chrono::seconds{60};
  // Rhythm analysis that cannot judge its beats is a low technical alarm.
  core::Duration unavailable_delay = std::chrono::seconds{10};
};

struct AlarmProfile {
  std::string name;
  std::vector<LimitRule> rules;
  EngineSettings engine;
  // During an infusion a cuff reading is expected every cycle; one that does
  // not come within cycle + grace is overdue.
  core::Duration nibp_cycle = std::chrono::minutes{5};
  core::Duration nibp_grace = std::chrono::seconds{60};
  RhythmRules rhythm;
};

struct RuleOverride {
  std::string condition;
  Priority priority = Priority::medium;
  std::optional<double> threshold;
  std::optional<core::Duration> delay;
  std::optional<bool> enabled;
};

// Applies an override to every rule of that condition and priority.
// Returns "old -> new" for the record, or an error naming the field.
core::Result<std::string> apply_override(AlarmProfile& profile, const RuleOverride& o);

// The shipped default ("ketamine-iv-adult", an adult during an IV ketamine
// infusion): every rule, with its threshold, delay and hysteresis, is
// written out in alarm_profile.cpp. A clinic's medical director reviews it
// before use (README).
AlarmProfile ketamine_iv_adult_profile();

}  // namespace vigil::alerts
