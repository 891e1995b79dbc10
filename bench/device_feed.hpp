#pragma once
// What a real monitor would send, made by the simulated devices (so by the
// codecs' own encoders): a steady patient, frames at the protocol's pace, and
// for devices that wait to be asked (CMS50) the host's request answered first.
// The benchmarks feed these bytes to vigild, to the peer script, or straight
// into a session.
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "drivers/simulated_device.hpp"
#include "sim/physiology.hpp"

namespace vigil::bench {

// The simulated monitors' clock (device_feed.cpp, ecg_hl7_feed.cpp); any
// fixed instant keeps recordings identical run to run.
inline const core::TimePoint kFeedWallStart{std::chrono::hours{24 * 365 * 55}};

// Whether a device that can stream a waveform (the HL7 monitor's ECG lead
// II, one 1 s segment a message) does, as a scenario's "waveforms:" says.
// Off, the HL7 monitor is a vitals-only one: an ORU^R01 every 5 s with its
// numerics alone.
enum class Waveforms { streamed, off };

class DeviceFeed {
 public:
  // Throws std::invalid_argument for a protocol the simulator does not speak.
  DeviceFeed(std::string_view protocol, unsigned seed, Waveforms waveforms = Waveforms::streamed);

  // The bytes of the next frame (one interval later than the last one).
  std::string next();
  // Simulated time of the frame next() returned last.
  core::Duration time() const { return t_ - emitter_->interval(); }
  core::Duration interval() const { return emitter_->interval(); }
  // What the host sent to the device (start commands, acknowledgements).
  void hear(std::span<const std::uint8_t> bytes) { emitter_->received(bytes); }

 private:
  std::unique_ptr<drivers::SimulatedDevice> emitter_;
  sim::PatientModel model_;
  std::mt19937 rng_;  // the device's own: measurement noise and motion artefact
  Waveforms waveforms_;
  core::Duration t_{};
  core::Duration next_cuff_{std::chrono::seconds{2}};
};

// A stretch of a device's output, frame by frame, each with its simulated time.
struct Recording {
  struct Chunk {
    core::Duration t{};
    std::string bytes;
  };
  std::string protocol;
  std::string name;  // what the benchmarks call it: the protocol, or what is special about it
  core::Duration length{};
  std::vector<Chunk> chunks;
  std::size_t bytes = 0;
};

// Records `length` of the device's output; the session's opening request (if
// the protocol has one) is heard by the device first.
Recording record(std::string_view protocol, core::Duration length, unsigned seed = 1,
                 Waveforms waveforms = Waveforms::streamed);

// A Masimo oximeter whose patient swings past the limits on every other
// line: SpO2 98 and 80, pulse 75 and 135. With no condition delay (see
// alarm_swing_profile) every line raises or clears alarms, so what is
// measured is mostly alarm transitions: their messages, the journal's
// commit before each is published, the publication.
Recording record_alarm_swings(core::Duration length);

}  // namespace vigil::bench
