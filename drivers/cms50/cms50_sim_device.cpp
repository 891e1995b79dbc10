// Contec CMS50D+ / CMS50E on the V7.0 protocol: silent until the host asks
// for live data (0xA1), then 60 real-time packets a second with the pleth and
// a beep bit at each pulse; like the firmware MarkMLl describes, it stops
// after 30 s unless asked again. Packets come from the codec's own encoder.
#include <algorithm>
#include <vector>

#include "drivers/cms50/cms50_codec.hpp"
#include "drivers/simulated_device.hpp"

namespace vigil::drivers {
namespace {

constexpr int kPacketsPerSecond = 60;
constexpr auto kBeepLength = std::chrono::milliseconds{50};  // three packets
constexpr auto kLiveFor = std::chrono::seconds{30};

class Cms50Device final : public SimulatedDevice {
 public:
  // One packet per call, at the device's own pace: vigild stamps a pulse
  // with the time its packet arrived.
  core::Duration interval() const override {
    return std::chrono::duration_cast<core::Duration>(std::chrono::seconds{1}) / kPacketsPerSecond;
  }

  std::string frame(const DeviceState& s) override {
    if (asked_) {
      live_since_ = s.t;
      asked_ = false;
    }
    if (stopped_) {
      live_since_.reset();
      stopped_ = false;
    }
    if (!live_since_ || s.t - *live_since_ > kLiveFor) return {};
    const auto packet = encode_cms50_live(sample(s, s.t));
    return std::string(packet.begin(), packet.end());
  }

  void received(std::span<const std::uint8_t> bytes) override {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    while (pending_.size() >= 9) {
      const auto start = std::find(pending_.begin(), pending_.end(), std::uint8_t{0x7D});
      pending_.erase(pending_.begin(), start);
      if (pending_.size() < 9) break;
      const auto code = decode_cms50_command(std::span(pending_.data(), 9));
      pending_.erase(pending_.begin(), pending_.begin() + (code ? 9 : 1));
      if (code == static_cast<std::uint8_t>(Cms50Command::start_live)) asked_ = true;
      if (code == static_cast<std::uint8_t>(Cms50Command::stop_live)) stopped_ = true;
    }
  }

 private:
  Cms50Sample sample(const DeviceState& s, core::Duration t) const {
    Cms50Sample p;
    if (s.sensor_off) {
      p.probe_error = true;
      p.spo2 = 0;
      p.pulse_rate = 0;
      return p;
    }
    double wave = s.patient ? s.patient->pleth(t) : 0;
    if (s.motion && s.rng) wave += std::uniform_real_distribution<double>{-0.8, 0.8}(*s.rng);
    p.pleth = static_cast<std::uint8_t>(std::clamp(14 + 100 * wave, 0.0, 127.0));
    if (s.booting) {
      p.searching = true;
      return p;
    }
    p.spo2 = static_cast<std::uint8_t>(std::clamp(s.vitals.spo2, 1.0, 100.0));
    p.pulse_rate = static_cast<std::uint8_t>(std::clamp(s.vitals.pulse_rate, 1.0, 254.0));
    p.signal_strength = static_cast<std::uint8_t>(std::clamp(s.vitals.perfusion_index * 2, 0.0, 8.0));
    p.bar_graph = static_cast<std::uint8_t>(std::clamp(wave * 15, 0.0, 15.0));
    p.pi_x100 = static_cast<std::uint16_t>(std::clamp(s.vitals.perfusion_index * 100, 0.0, 2200.0));
    const auto pulse = s.patient ? s.patient->last_pulse(t) : std::nullopt;
    p.beat = pulse && t - *pulse < kBeepLength;
    return p;
  }

  std::vector<std::uint8_t> pending_;
  bool asked_ = false, stopped_ = false;
  std::optional<core::Duration> live_since_;
};

}  // namespace

std::unique_ptr<SimulatedDevice> make_cms50_sim_device() {
  return std::make_unique<Cms50Device>();
}

}  // namespace vigil::drivers
