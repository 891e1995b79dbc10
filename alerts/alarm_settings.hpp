#pragma once
// The one check of alarm settings. Every way a limit, a delay or a baseline
// reaches a bed (the config's profiles and bed overrides, --check-config,
// reload, admission, `set_limit`, an entered baseline) passes through here,
// so a number can never switch an alarm off by accident: NaN compares false
// with everything, a threshold of 0 or 1000 never trips, a high level set
// below its medium one hides the medium, a bradycardia limit above the
// tachycardia limit makes every rate an alarm. A condition goes off only
// through its explicit switch (`enabled: false`) with a reason.
//
// The numbers are design choices, not clinical advice: wide enough for any
// patient a clinic would monitor, narrow enough that a typo is caught.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "alerts/alarm_profile.hpp"
#include "core/metric.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace vigil::alerts {

// Every value a person may enter for a metric (a limit, a baseline, a rise
// rule's floor) lies inside this range.
struct MetricRange {
  core::Metric metric;
  double lowest;
  double highest;
};

// A condition vigil knows the meaning of: which metrics it watches, in which
// direction, how far its limits may go and how long its delay may be.
enum class Direction : std::uint8_t { low, high, rise };
struct ConditionBounds {
  std::string_view condition;
  Direction direction;
  std::span<const core::Metric> metrics;
  double lowest;   // of an absolute threshold, or of a rise
  double highest;  // likewise
  core::Duration longest_delay;
  bool required;  // every profile has it (it may be switched off on purpose)
};

std::span<const MetricRange> metric_ranges();
const MetricRange& metric_range(core::Metric m);
std::span<const ConditionBounds> condition_bounds();
const ConditionBounds* bounds_of(std::string_view condition);

// A condition vigil does not know (a clinic's own rule) waits at most this long.
inline constexpr core::Duration kLongestOtherDelay = std::chrono::seconds{120};

// Errors start with the field at fault ("threshold: ...", "delay_s: ...").
std::optional<core::Error> check_profile(const AlarmProfile& profile);
// An entered baseline value: finite and inside the metric's range.
std::optional<std::string> check_baseline_value(core::Metric m, double value);

}  // namespace vigil::alerts
