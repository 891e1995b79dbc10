// Nonin oximeters in serial data formats 2 and 7 (75 frames a second with
// the pleth, perfusion bits set for 12 frames at each pulse, values spread
// over 25-frame packets) and 8 (one 4-byte packet a second). Bytes come from
// the codec's own encoders (drivers/nonin/nonin_codec.hpp).
#include <algorithm>
#include <cmath>

#include "drivers/nonin/nonin_codec.hpp"
#include "drivers/simulated_device.hpp"

namespace vigil::drivers {
namespace {

constexpr int kFramesPerSecond = 75;
constexpr int kPulseFrames = 12;  // perfusion bits stay set this many frames per pulse

NoninPerfusion perfusion_class(double pi) {
  if (pi < 0.5) return NoninPerfusion::red;
  if (pi < 1.0) return NoninPerfusion::yellow;
  return NoninPerfusion::green;
}

NoninPacketValues packet_values(const DeviceState& s) {
  NoninPacketValues v;
  v.firmware_revision = 0x41;
  if (s.booting || s.sensor_off) return v;  // missing: 511 / 127
  const auto hr = static_cast<std::uint16_t>(std::clamp(s.vitals.pulse_rate, 0.0, 321.0));
  const auto spo2 = static_cast<std::uint8_t>(std::clamp(s.vitals.spo2, 0.0, 100.0));
  v.hr = v.hr_d = v.e_hr = v.e_hr_d = hr;
  v.spo2 = v.spo2_d = v.spo2_fast = v.spo2_beat = v.e_spo2 = v.e_spo2_d = spo2;
  return v;
}

// One frame per call, at the device's own 75 frames a second, as the real
// oximeter sends them: vigild times a pulse by its frame's place on this
// frame clock, so the beat intervals rhythm analysis reads are the patient's.
class NoninWaveDevice final : public SimulatedDevice {
 public:
  explicit NoninWaveDevice(NoninFormat format) : format_{format}, encoder_{format} {}

  core::Duration interval() const override {
    return std::chrono::duration_cast<core::Duration>(std::chrono::seconds{1}) / kFramesPerSecond;
  }

  std::string frame(const DeviceState& s) override {
    // A packet's values are spread over its 25 frames: they change only
    // between packets, or the receiver would assemble a mixture.
    if (encoder_.frame_index() == 0) {
      values_ = packet_values(s);
      values_.timer = timer_;
      timer_ = static_cast<std::uint16_t>((timer_ + 1) & 0x3FFF);
    }
    const auto f = encoder_.next(values_, sample(s));
    return std::string(f.begin(), f.end());
  }

 private:
  NoninFrameSample sample(const DeviceState& s) {
    NoninFrameSample f;
    const bool wide = format_ == NoninFormat::df7;
    const double mid = wide ? 32768 : 128, gain = wide ? 24000 : 110;
    if (s.sensor_off) {
      f.status.sensor_alarm = true;
      f.pleth = static_cast<std::uint16_t>(mid);
      return f;
    }
    double wave = s.patient ? s.patient->pleth(s.t) : 0;
    if (s.motion && s.rng) wave += std::uniform_real_distribution<double>{-0.8, 0.8}(*s.rng);
    f.pleth =
        static_cast<std::uint16_t>(std::clamp(mid - gain / 2 + gain * wave, 0.0, wide ? 65535.0 : 255.0));
    if (s.booting || !s.patient) return f;
    const auto pulse = s.patient->last_pulse(s.t);
    if (pulse && s.t - *pulse < kPulseFrames * interval()) {
      f.status.perfusion = perfusion_class(s.vitals.perfusion_index);
      f.status.artifact = s.motion;
    }
    return f;
  }

  NoninFormat format_;
  NoninFrameEncoder encoder_;
  NoninPacketValues values_;
  std::uint16_t timer_ = 0;
};

class NoninDf8Device final : public SimulatedDevice {
 public:
  core::Duration interval() const override { return std::chrono::seconds{1}; }
  std::string frame(const DeviceState& s) override {
    const auto v = packet_values(s);
    NoninDf8Packet p;
    p.hr_d = v.hr_d;
    p.spo2_d = v.spo2_d;
    p.sensor_alarm = s.sensor_off;
    p.artifact = s.motion;
    p.low_perfusion = !s.sensor_off && s.vitals.perfusion_index < 0.5;
    p.marginal_perfusion = !s.sensor_off && !p.low_perfusion && s.vitals.perfusion_index < 1.0;
    const auto bytes = encode_nonin_df8(p);
    return std::string(bytes.begin(), bytes.end());
  }
};

}  // namespace

std::unique_ptr<SimulatedDevice> make_nonin2_sim_device() {
  return std::make_unique<NoninWaveDevice>(NoninFormat::df2);
}
std::unique_ptr<SimulatedDevice> make_nonin7_sim_device() {
  return std::make_unique<NoninWaveDevice>(NoninFormat::df7);
}
std::unique_ptr<SimulatedDevice> make_nonin8_sim_device() {
  return std::make_unique<NoninDf8Device>();
}

}  // namespace vigil::drivers
