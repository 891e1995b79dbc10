// Nonin serial data formats 2 and 7 (25-frame packets, 75 frames a second,
// pleth and beat flags) and format 8 (one 4-byte packet a second).
#include <cmath>

#include "drivers/nonin_codec.hpp"
#include "sim/emitters.hpp"
#include "sim/pleth_wave.hpp"

namespace vigil::sim {
namespace {
using drivers::NoninFormat;

std::uint8_t spo2_byte(const DeviceState& s, bool no_value) {
  return no_value ? drivers::kNoninMissingSpo2 : static_cast<std::uint8_t>(std::lround(s.vitals.spo2));
}
std::uint16_t hr_word(const DeviceState& s, bool no_value) {
  return no_value ? drivers::kNoninMissingHr : static_cast<std::uint16_t>(std::lround(s.vitals.heart_rate));
}

class NoninStreamEmitter final : public DeviceEmitter {
 public:
  explicit NoninStreamEmitter(NoninFormat f) : format_{f}, encoder_{f} {}
  // One packet of 25 frames every 1/3 s.
  core::Duration interval() const override { return std::chrono::milliseconds{333}; }

  std::string frame(const DeviceState& s) override {
    const bool no_value = s.sensor_off || s.booting;
    drivers::NoninPacketValues v;
    v.spo2 = v.spo2_d = v.spo2_fast = v.spo2_beat = v.e_spo2 = v.e_spo2_d = spo2_byte(s, no_value);
    v.hr = v.hr_d = v.e_hr = v.e_hr_d = hr_word(s, no_value);
    v.timer = static_cast<std::uint16_t>(++packets_ & 0x3FFF);
    std::string bytes;
    const int max_pleth = format_ == NoninFormat::df2 ? 255 : 65535;
    for (std::size_t i = 0; i < drivers::kNoninFramesPerPacket; ++i) {
      const auto w = wave_.step(std::chrono::microseconds{13333}, s.vitals.heart_rate);
      if (w.beat) pulse_frames_ = 12;  // the device holds the perfusion flag for the pulse
      drivers::NoninFrameSample sample;
      sample.pleth = no_value ? 0 : static_cast<std::uint16_t>(w.value * max_pleth * 0.8);
      sample.status.sensor_disconnect = s.sensor_off;
      sample.status.artifact = s.motion;
      sample.status.out_of_track = s.booting;
      if (pulse_frames_ > 0 && !no_value) {
        sample.status.perfusion = drivers::NoninPerfusion::green;
        --pulse_frames_;
      }
      const auto frame = encoder_.next(v, sample);
      bytes.append(frame.begin(), frame.end());
    }
    return bytes;
  }

 private:
  NoninFormat format_;
  drivers::NoninFrameEncoder encoder_;
  PlethWave wave_;
  int pulse_frames_ = 0;
  unsigned packets_ = 0;
};

class NoninFormat8Emitter final : public DeviceEmitter {
 public:
  core::Duration interval() const override { return std::chrono::seconds{1}; }
  std::string frame(const DeviceState& s) override {
    const bool no_value = s.sensor_off || s.booting;
    drivers::NoninDf8Packet p;
    p.spo2_d = spo2_byte(s, no_value);
    p.hr_d = hr_word(s, no_value);
    p.sensor_disconnect = s.sensor_off;
    p.artifact = s.motion;
    p.out_of_track = s.booting;
    const auto bytes = drivers::encode_nonin_df8(p);
    return std::string(bytes.begin(), bytes.end());
  }
};

}  // namespace

std::unique_ptr<DeviceEmitter> make_nonin2_emitter() { return std::make_unique<NoninStreamEmitter>(NoninFormat::df2); }
std::unique_ptr<DeviceEmitter> make_nonin7_emitter() { return std::make_unique<NoninStreamEmitter>(NoninFormat::df7); }
std::unique_ptr<DeviceEmitter> make_nonin8_emitter() { return std::make_unique<NoninFormat8Emitter>(); }

}  // namespace vigil::sim
