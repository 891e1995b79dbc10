#pragma once
// A patient's own pre-infusion values: the medians of the usable readings of
// the last window before the infusion starts (one cuff reading, or a minute
// of a streamed value, is enough for a metric), with any values staff
// entered over them. Rise rules compare with it.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "alerts/baseline_series.hpp"
#include "core/metric.hpp"
#include "core/time.hpp"

namespace vigil::alerts {

struct Baseline {
  std::map<core::Metric, double> values;
  std::string source;  // measured, entered, measured and entered, unavailable
  std::string text;    // for people: what it is and what it lacks
};

class BaselineWindow {
 public:
  // The metrics a baseline is taken of; the window keeps no other.
  static constexpr std::array kMetrics{core::Metric::nibp_systolic, core::Metric::nibp_diastolic,
                                       core::Metric::nibp_mean,     core::Metric::heart_rate,
                                       core::Metric::pulse_rate,    core::Metric::spo2};

  explicit BaselineWindow(core::Duration window) : window_{window} {}

  // Values must come in time order; those older than the window go. Of one
  // metric, at most one value per second of the clock is kept (see add()).
  // A value is kept as a float (the devices' whole numbers and tenths to
  // seven significant digits) and its time to the millisecond.
  void add(core::Metric metric, double value, core::TimePoint time);
  void clear() {
    for (auto& s : series_) s.reset();
  }
  std::size_t size() const;
  Baseline take(core::TimePoint start, const std::map<core::Metric, double>& entered) const;
  core::Duration window() const { return window_; }

 private:
  // Times are milliseconds from epoch_ (BaselineSeries keeps them in 4 bytes
  // with the value), which moves on (rebase()) when 32 bits no longer reach:
  // every 24 days of uptime, or when the clock stepped that far. A window
  // longer than that is cut to it.
  core::TimePoint time_of(std::int32_t ms) const { return epoch_ + std::chrono::milliseconds{ms}; }
  // Milliseconds from epoch_ to `time`, once the epoch is where they fit.
  std::int32_t offset(core::TimePoint time);
  void rebase(core::TimePoint epoch);

  core::Duration window_;
  core::TimePoint epoch_{};
  bool has_epoch_ = false;
  // In kMetrics' order; none until the metric's first value: an empty series
  // (a deque) holds 576 bytes of heap, and most beds never see four of the six.
  std::array<std::optional<BaselineSeries>, kMetrics.size()> series_;
};

// "Pulse 72, SpO₂ 97", or "none".
std::string values_text(const std::map<core::Metric, double>& values);

}  // namespace vigil::alerts
