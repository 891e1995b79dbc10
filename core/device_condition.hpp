#pragma once
// Technical conditions a device reports about itself (not about the patient).
#include <cstdint>
#include <string_view>

namespace vigil::core {

enum class DeviceCondition : std::uint32_t {
  sensor_off = 1u << 0,  // probe off the patient
  no_sensor = 1u << 1,   // no probe / cable connected to the device
  low_perfusion = 1u << 2,
  low_signal_quality = 1u << 3,  // low signal IQ, out of track, marginal
  artifact = 1u << 4,            // motion / interference
  low_battery = 1u << 5,
  device_malfunction = 1u << 6,  // defective sensor, internal error
  searching = 1u << 7,           // pulse search, no value yet
};

// The set of conditions present as of the latest frame.
struct DeviceConditions {
  std::uint32_t bits = 0;
  bool has(DeviceCondition c) const { return (bits & static_cast<std::uint32_t>(c)) != 0; }
  void set(DeviceCondition c) { bits |= static_cast<std::uint32_t>(c); }
  friend bool operator==(DeviceConditions, DeviceConditions) = default;
};

constexpr DeviceCondition kAllDeviceConditions[] = {
    DeviceCondition::sensor_off,         DeviceCondition::no_sensor, DeviceCondition::low_perfusion,
    DeviceCondition::low_signal_quality, DeviceCondition::artifact,  DeviceCondition::low_battery,
    DeviceCondition::device_malfunction, DeviceCondition::searching,
};

constexpr std::string_view condition_name(DeviceCondition c) {
  switch (c) {
    case DeviceCondition::sensor_off:
      return "sensor_off";
    case DeviceCondition::no_sensor:
      return "no_sensor";
    case DeviceCondition::low_perfusion:
      return "low_perfusion";
    case DeviceCondition::low_signal_quality:
      return "low_signal_quality";
    case DeviceCondition::artifact:
      return "artifact";
    case DeviceCondition::low_battery:
      return "low_battery";
    case DeviceCondition::device_malfunction:
      return "device_malfunction";
    case DeviceCondition::searching:
      return "searching";
  }
  return "unknown";
}

}  // namespace vigil::core
