#include "daemon/device_clock_anchor.hpp"

#include <cstdio>

namespace vigil::daemon {

std::string DeviceClockAnchor::restart_reason(core::Duration end, core::TimePoint now) const {
  if (!needs_restart(end, now)) return {};
  if (end < last_end_) return "the device clock went back (the device or its decoder restarted)";
  char buf[96];
  std::snprintf(buf, sizeof buf, "data are %.2f s late (some missing, or the link stalled)",
                core::to_seconds(now - at(end)));
  return buf;
}

}  // namespace vigil::daemon
