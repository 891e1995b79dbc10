#pragma once
// What every accepted alarm setting must keep (issue 15), checked by the
// command and config fuzzers on whatever they got accepted: the profile
// passes the one check of alarm settings, and SpO2 60 held for a minute
// raises a desaturation alarm unless that condition was switched off on
// purpose. A broken invariant aborts, so libFuzzer keeps the input.
#include <algorithm>
#include <cstdlib>

#include "alerts/alarm_settings.hpp"
#include "alerts/bed_alarms.hpp"
#include "core/time.hpp"

namespace vigil::fuzz {

inline void require_safe(const alerts::AlarmProfile& profile) {
  if (alerts::check_profile(profile)) std::abort();
  const bool off = std::none_of(profile.rules.begin(), profile.rules.end(), [](const alerts::LimitRule& r) {
    return r.condition == "desaturation" && r.enabled;
  });
  core::ManualClock clock;
  alerts::BedAlarms bed{"fuzz", profile};
  alerts::BedOutput out;
  for (int s = 0; s < 60; ++s) {
    bed.on_reading("ox", core::Reading{core::Metric::spo2, 60, {}, {}}, clock.now(), out);
    bed.tick(clock.now(), out);
    clock.advance(std::chrono::seconds{1});
  }
  const bool raised = std::any_of(out.alarms.begin(), out.alarms.end(), [](const alerts::AlarmEvent& e) {
    return e.condition == "desaturation" && e.transition == alerts::Transition::raised;
  });
  if (raised == off) std::abort();
}

}  // namespace vigil::fuzz
