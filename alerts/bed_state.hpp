#pragma once
// What of a bed must survive a restart of the daemon: each part's share, as
// that part saves it. The daemon journals it and, on start, rebuilds the
// profile (the named one, then the changes in order) and hands both back to
// BedAlarms::restore(), which gives each part its share.
#include <map>
#include <string>
#include <vector>

#include "alerts/alarm_engine.hpp"
#include "alerts/bed_context.hpp"
#include "core/device_condition.hpp"

namespace vigil::alerts {

struct BedState {
  SavedContext context;                                             // BedContext's
  std::map<std::string, core::DeviceConditions> device_conditions;  // TechnicalConditions', per device
  std::vector<AlarmState> alarms;                                   // AlarmEngine's
};

}  // namespace vigil::alerts
