#pragma once
// The conditions a bed can raise, for `vigild --list-conditions` and the
// drill report, which must tell "no alarm came" from "this vigild cannot
// raise it".
#include <string>
#include <vector>

#include "alerts/alarm.hpp"
#include "alerts/alarm_profile.hpp"
#include "alerts/beat.hpp"

namespace vigil::alerts {

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

}  // namespace vigil::alerts
