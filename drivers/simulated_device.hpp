#pragma once
// A simulated device: what a monitor of one protocol would send, from what it
// shows now to the exact bytes, through the protocol's own encoder. Each
// protocol's folder holds its simulated device and its registry row names the
// factory, so vigil-sim (sim/) speaks every protocol without naming one.
// The patient is seen through SimulatedPatient, which sim/ implements:
// drivers/ stays free of the simulator.
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace vigil::drivers {

// The patient as a device's sensors see them, for devices that stream a
// waveform or flag beats. Valid up to the time of the frame being made.
class SimulatedPatient {
 public:
  virtual ~SimulatedPatient() = default;
  // The pleth at a fingertip at t: 0 (foot) to about 1 (peak).
  virtual double pleth(core::Duration t) const = 0;
  // The last beat at or before t that reached the finger (a pulse).
  virtual std::optional<core::Duration> last_pulse(core::Duration t) const = 0;
  // ECG lead II at t, in mV. A P wave comes before its beat, so the ECG at t
  // is known only once the patient has lived kEcgDelay past t: devices draw it
  // that far behind their frame's time.
  virtual double ecg_lead_ii(core::Duration t) const = 0;
  // What ECG electrodes pick up at t when the patient moves (baseline
  // wander, electrode jerks, muscle noise), in mV: a device adds it to its
  // ECG while its motion fault lasts.
  virtual double ecg_motion_artefact(core::Duration t) const = 0;
};

constexpr core::Duration kEcgDelay = std::chrono::milliseconds{400};

// The numbers a device shows, as measured (rounded, with noise).
struct ShownVitals {
  double heart_rate = 75;
  // The pulse rate an oximeter counts: the heart rate unless beats fail to
  // reach the finger (a pulse deficit).
  double pulse_rate = 75;
  double spo2 = 98;
  double perfusion_index = 3.0;
  double systolic = 120;
  double diastolic = 80;
  double resp_rate = 14;
  double mean() const { return diastolic + (systolic - diastolic) / 3.0; }
};

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
  ShownVitals vitals;
  bool sensor_off = false;
  bool motion = false;
  bool booting = false;             // just restarted: no values yet
  std::optional<CuffReading> cuff;  // a cuff reading finished since the last frame
  bool waveforms = true;            // stream the waveforms the device can (ECG)
  // Send the numbers the device shows; off, a device that streams a
  // waveform sends it alone (an ECG without the monitor's own heart rate).
  bool numerics = true;
  // For devices that stream a waveform or flag beats over the interval that
  // ends at t: the patient, and the device's own random generator, for
  // motion artefact on the waveform.
  const SimulatedPatient* patient = nullptr;
  std::mt19937* rng = nullptr;
};

class SimulatedDevice {
 public:
  virtual ~SimulatedDevice() = default;
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

// A multi-parameter monitor's numerics as its simulated monitor takes them
// (IntelliVue, Datex: both states carry the same fields under the same
// names). The last good cuff reading stays shown until the next one.
template <class MonitorState>
MonitorState monitor_numerics(const DeviceState& s, std::optional<CuffReading>& last_cuff) {
  MonitorState m;
  m.clock = s.wall;
  if (s.booting) return m;
  m.heart_rate = s.vitals.heart_rate;
  if (!s.sensor_off && !s.motion) {
    m.spo2 = s.vitals.spo2;
    m.pulse_rate = s.vitals.pulse_rate;
  }
  if (s.cuff && !s.cuff->failed) last_cuff = s.cuff;
  if (last_cuff)
    m.nibp = typename decltype(m.nibp)::value_type{last_cuff->systolic, last_cuff->diastolic, last_cuff->mean,
                                                   last_cuff->measured};
  return m;
}

// The simulated device of the protocol named so, or null.
std::unique_ptr<SimulatedDevice> make_simulated_device(std::string_view protocol);
// The protocols that have one, for --help and errors.
std::string simulated_device_names();

}  // namespace vigil::drivers
