#pragma once
// What of a bed must survive a restart of the daemon. The daemon journals it
// and, on start, rebuilds the profile (the named one, then the changes in
// order) and hands both back to BedAlarms::restore().
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerts/alarm_engine.hpp"
#include "alerts/alarm_profile.hpp"
#include "core/device_condition.hpp"

namespace vigil::alerts {

struct Infusion {
  core::TimePoint started{};
  std::string drug;
  std::string regimen;
};

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

}  // namespace vigil::alerts
