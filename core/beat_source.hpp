#pragma once
// Where a beat time comes from: a device's flag (drivers), vigil's own QRS
// detector, or rhythm analysis reading either (alerts) all name it alike.
#include <cstdint>
#include <string_view>

namespace vigil::core {

// The kinds differ in timing precision: a QRS fiducial is good to a few
// milliseconds, a pulse onset moves with pulse transit time and motion (tens
// of milliseconds), and a time a device reports is only as good as the
// device. Only ECG beats may reveal a pause: a missing pulse is as often a
// probe problem as a missing heartbeat.
enum class BeatSource : std::uint8_t { ecg, pulse, reported };

constexpr std::string_view beat_source_name(BeatSource s) {
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

}  // namespace vigil::core
