#pragma once
// What VT and VF (vt_episode.hpp, vf_episode.hpp) share as conditions: a
// high-priority physiological alarm that latches, so staff see that the
// arrhythmia happened even if it ended before they came, present from the
// episode's onset. Each episode adds its value and words.
#include <optional>
#include <string>

#include "alerts/alarm.hpp"
#include "core/time.hpp"

namespace vigil::alerts {

// `onset`: of the episode going on, none when there is none.
ConditionReport ventricular_report(std::string condition, const std::optional<core::TimePoint>& onset);

}  // namespace vigil::alerts
