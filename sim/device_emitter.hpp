#pragma once
// A simulated monitor's voice: from what the device shows now to the exact
// bytes its protocol would send, through the codec's own encoder. One
// emitter per protocol, found by the protocol's name.
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "sim/physiology.hpp"

namespace vigil::sim {

struct CuffReading {
  double systolic = 0;
  double diastolic = 0;
  double mean = 0;
  core::TimePoint measured{};
  bool failed = false;  // the cuff could not measure
};

// What the device shows at one instant.
struct DeviceState {
  core::Duration t{};      // simulated time since the start
  core::TimePoint wall{};  // the device's clock
  Vitals vitals;           // as measured (rounded, with noise)
  bool sensor_off = false;
  bool motion = false;
  bool booting = false;             // just restarted: no values yet
  std::optional<CuffReading> cuff;  // a cuff reading finished since the last frame
  // For devices that stream a waveform or flag beats over the interval that
  // ends at t: the patient (beats and pleth exist up to t) and the device's
  // own random generator, for motion artefact on the waveform.
  const PatientModel* patient = nullptr;
  std::mt19937* rng = nullptr;
};

class DeviceEmitter {
 public:
  virtual ~DeviceEmitter() = default;
  // How often frame() is called; a streaming device sends the samples of the
  // whole interval in one call.
  virtual core::Duration interval() const = 0;
  virtual std::string frame(const DeviceState& s) = 0;
  // Bytes from the receiver (acknowledgements, start commands).
  virtual void received(std::span<const std::uint8_t>) {}
  virtual bool measures_nibp() const { return false; }
  // A line a person reads in the simulator's output, when something went wrong.
  virtual std::optional<std::string> take_warning() { return std::nullopt; }
};

std::unique_ptr<DeviceEmitter> make_emitter(std::string_view protocol);
// Names of the protocols the simulator can speak, for --help and errors.
std::string emitter_names();

}  // namespace vigil::sim
