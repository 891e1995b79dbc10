#pragma once
// Readings vigild works out itself from a device's signals (today: the heart
// rate from its own QRS detector on a device's ECG waveform) are published
// under the device's id with a suffix, so they can never be taken for the
// device's own numbers: a subscriber that knows nothing of derived readings
// sees another device, not a second heart rate flickering under the monitor's
// id, and the journal keeps the mark without a column of its own. The suffix
// uses ':', which configured device ids cannot contain (config_loader.cpp).
#include <string>
#include <string_view>

namespace vigil::core {

inline constexpr std::string_view kEcgDerivedSuffix = ":ecg";

// "monitor" -> "monitor:ecg": where vigild's ECG heart rate of "monitor" goes.
inline std::string ecg_derived_device(std::string_view device) {
  return std::string{device} + std::string{kEcgDerivedSuffix};
}
inline bool is_ecg_derived(std::string_view device) {
  return device.size() > kEcgDerivedSuffix.size() && device.ends_with(kEcgDerivedSuffix);
}
// The device whose signal a reading comes from: itself, or the one it was derived from.
inline std::string_view source_device(std::string_view device) {
  return is_ecg_derived(device) ? device.substr(0, device.size() - kEcgDerivedSuffix.size()) : device;
}

}  // namespace vigil::core
