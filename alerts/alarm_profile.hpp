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
  // An AF episode stays one episode (its condition present) through gaps in
  // the evidence shorter than this: motion artefact, a window that happens to
  // look regular. The rhythm state itself is not held; only the condition.
  core::Duration af_episode_hold = std::chrono::seconds{120};
  // Rhythm analysis that cannot judge its beats is a low technical alarm.
  core::Duration unavailable_delay = std::chrono::seconds{10};
  bool operator==(const RhythmRules&) const = default;
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
  bool operator==(const AlarmProfile&) const = default;
};

struct RuleOverride {
  std::string condition;
  Priority priority = Priority::medium;
  std::optional<double> threshold;
  std::optional<core::Duration> delay;
  std::optional<bool> enabled;
  std::string reason;  // why; required to turn a level off
  std::string by;      // who made the change ("config" for the config file)
  // The one metric's rule of that level to change, by its short name
  // ("nibp_sys"): hypertension's levels each hold a systolic and a diastolic
  // rule, and one number cannot serve both. Empty: every rule of the level.
  std::string metric{};
};

// Applies an override to every rule of that condition and priority (of
// that metric only, when it names one), if the
// profile it makes passes check_profile() (alarm_settings.hpp); otherwise the
// profile is left as it was. Returns "old -> new" for the record, or an error
// naming the field.
core::Result<std::string> apply_override(AlarmProfile& profile, const RuleOverride& o);

// The shipped default ("ketamine-iv-adult"); its sources are in docs/alarms.md.
AlarmProfile ketamine_iv_adult_profile();

}  // namespace vigil::alerts
