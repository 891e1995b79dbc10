// Contec CMS50D+/E newer firmware: silent until the host sends "start live
// data", then 60 packets a second; it stops when the host has said nothing
// for 30 s (as some firmware does), so the daemon's keep-alive is exercised.
#include <cmath>
#include <vector>

#include "drivers/cms50_codec.hpp"
#include "sim/emitters.hpp"
#include "sim/pleth_wave.hpp"

namespace vigil::sim {
namespace {

constexpr auto kSilenceStops = std::chrono::seconds{30};
constexpr int kPacketsPerFrame = 15;  // 60 a second, sent 4 times a second

class Cms50Emitter final : public DeviceEmitter {
 public:
  core::Duration interval() const override { return std::chrono::milliseconds{250}; }

  void received(std::span<const std::uint8_t> bytes) override {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    while (pending_.size() >= 9) {
      auto code = drivers::decode_cms50_command(std::span<const std::uint8_t>(pending_.data(), 9));
      if (!code) {  // not aligned on a command: drop a byte and look again
        pending_.erase(pending_.begin());
        continue;
      }
      if (*code == static_cast<std::uint8_t>(drivers::Cms50Command::start_live)) streaming_ = true;
      if (*code == static_cast<std::uint8_t>(drivers::Cms50Command::stop_live)) streaming_ = false;
      heard_ = true;
      pending_.erase(pending_.begin(), pending_.begin() + 9);
    }
  }

  std::string frame(const DeviceState& s) override {
    if (heard_) {
      last_heard_ = s.t;
      heard_ = false;
    }
    if (streaming_ && s.t - last_heard_ > kSilenceStops) streaming_ = false;
    if (!streaming_) return {};
    std::string bytes;
    const bool no_value = s.sensor_off || s.booting;
    for (int i = 0; i < kPacketsPerFrame; ++i) {
      const auto w = wave_.step(std::chrono::microseconds{16667}, s.vitals.heart_rate);
      drivers::Cms50Sample sample;
      sample.probe_error = s.sensor_off;
      sample.searching = s.booting;
      if (!no_value) {
        sample.spo2 = static_cast<std::uint8_t>(std::lround(s.vitals.spo2));
        sample.pulse_rate = static_cast<std::uint8_t>(std::lround(std::min(s.vitals.heart_rate, 254.0)));
        sample.pleth = static_cast<std::uint8_t>(w.value * 100);
        sample.beat = w.beat;
        sample.signal_strength = s.motion ? 1 : 6;
        sample.pi_x100 = static_cast<std::uint16_t>(std::lround(s.vitals.perfusion_index * 100));
      }
      const auto p = drivers::encode_cms50_live(sample);
      bytes.append(p.begin(), p.end());
    }
    return bytes;
  }

 private:
  std::vector<std::uint8_t> pending_;
  bool streaming_ = false;
  bool heard_ = false;
  core::Duration last_heard_{};
  PlethWave wave_;
};

}  // namespace

std::unique_ptr<DeviceEmitter> make_cms50_emitter() { return std::make_unique<Cms50Emitter>(); }

}  // namespace vigil::sim
