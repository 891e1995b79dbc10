#pragma once
// What a device said, in vigil's vocabulary. A codec produces Readings (it
// knows nothing of beds or clocks); the daemon stamps them into Observations.
#include <cstdint>
#include <optional>
#include <string>

#include "core/metric.hpp"
#include "core/time.hpp"

namespace vigil::core {

// Per-value quality, as the device reported it.
enum class QualityFlag : std::uint16_t {
  invalid = 1 << 0,        // the device says the number is not a measurement
  artifact = 1 << 1,       // motion or interference
  sensor_off = 1 << 2,     // probe off the patient or disconnected
  low_perfusion = 1 << 3,  // weak pulse signal
  questionable = 1 << 4,   // low signal quality, out of track, marginal
};

struct Quality {
  std::uint16_t bits = 0;
  bool has(QualityFlag f) const { return (bits & static_cast<std::uint16_t>(f)) != 0; }
  void set(QualityFlag f) { bits = static_cast<std::uint16_t>(bits | static_cast<std::uint16_t>(f)); }
  // A value a rule may evaluate. Low perfusion alone still gives a number
  // monitors display and alarm on, so it does not disqualify.
  bool usable() const {
    return !has(QualityFlag::invalid) && !has(QualityFlag::artifact) && !has(QualityFlag::sensor_off) &&
           !has(QualityFlag::questionable);
  }
};

// A device that sends "no number" (dashes, 511, NaN, a null flavour) gives
// a Reading without a value, keeping whatever quality flags it reported.
struct Reading {
  Metric metric{};
  std::optional<double> value;
  Quality quality{};
  std::optional<TimePoint> device_time;  // when the device says it measured, if it says

  // The one test of whether a rule may evaluate this reading.
  bool usable() const { return value.has_value() && quality.usable(); }
};

struct Observation {
  std::string bed;
  std::string device;
  Reading reading;
  TimePoint received{};
  std::uint64_t seq = 0;  // per-bed stream sequence number, set when published

  // An episodic value's age counts from its measurement, not its arrival.
  TimePoint measured() const { return reading.device_time.value_or(received); }
};

}  // namespace vigil::core
