#pragma once
// A heartbeat as rhythm analysis sees it: when, from which kind of signal,
// and how much to trust it.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/time.hpp"

namespace vigil::alerts {

// Where a beat time comes from. The kinds differ in timing precision: a QRS
// fiducial is good to a few milliseconds, a pulse onset moves with pulse
// transit time and motion (tens of milliseconds), and a time a device
// reports is only as good as the device. Only ECG beats may reveal a pause:
// a missing pulse is as often a probe problem as a missing heartbeat.
// (Mirrors drivers::BeatSource; alerts does not depend on drivers.)
enum class BeatSource : std::uint8_t { ecg, pulse, reported };

constexpr std::string_view source_name(BeatSource s) {
  switch (s) {
    case BeatSource::ecg:
      return "ecg";
    case BeatSource::pulse:
      return "pulse";
    case BeatSource::reported:
      return "reported";
  }
  return "unknown";
}

struct Beat {
  core::TimePoint time{};
  BeatSource source = BeatSource::ecg;
  // The interval since the previous beat when the device measured it itself;
  // preferred over the difference of receive times, which carry link jitter.
  std::optional<core::Duration> rr;
  // Signal-quality index in [0, 1] from the detector that found the beat
  // (1 clean, below 0.5 not trustworthy); absent when the source gives none.
  std::optional<double> quality;
};

}  // namespace vigil::alerts
