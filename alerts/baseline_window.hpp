#pragma once
// A patient's own pre-infusion values: the medians of the usable readings of
// the last window before the infusion starts (one cuff reading, or a minute
// of a streamed value, is enough for a metric), with any values staff
// entered over them. Rise rules compare with it.
#include <deque>
#include <map>
#include <string>

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
  explicit BaselineWindow(core::Duration window) : window_{window} {}

  // Values must come in time order; those older than the window go. Of one
  // metric, at most one value per kMinSpacing is kept (see add()).
  void add(core::Metric metric, double value, core::TimePoint time);
  void clear() {
    samples_.clear();
    last_kept_.clear();
  }
  std::size_t size() const { return samples_.size(); }
  Baseline take(core::TimePoint start, const std::map<core::Metric, double>& entered) const;
  core::Duration window() const { return window_; }

 private:
  struct Sample {
    core::Metric metric;
    double value;
    core::TimePoint time;
  };
  static constexpr core::Duration kMinSpacing = std::chrono::milliseconds{200};
  core::Duration window_;
  std::deque<Sample> samples_;
  std::map<core::Metric, core::TimePoint> last_kept_;
};

// "Pulse 72, SpO₂ 97", or "none".
std::string values_text(const std::map<core::Metric, double>& values);

}  // namespace vigil::alerts
