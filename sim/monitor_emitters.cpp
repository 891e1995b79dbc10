// Monitors that stay silent until asked: Philips IntelliVue (association, then
// polls answered) and GE Datex-Ohmeda (a displayed-values request, then
// records at the asked interval). Each wraps the codec's own simulated
// monitor; the emitter only keeps it fed with the patient's current values and
// sends its answers.
#include <vector>

#include "drivers/datex/datex_monitor_sim.hpp"
#include "drivers/intellivue/intellivue_monitor_sim.hpp"
#include "sim/emitters.hpp"

namespace vigil::sim {
namespace {

// Answers go out at the next frame after the request arrived.
constexpr auto kAnswerInterval = std::chrono::milliseconds{50};

std::string as_string(const std::vector<std::uint8_t>& b) {
  return std::string(b.begin(), b.end());
}

// Both monitors' states carry the same numerics under the same names.
template <class MonitorState>
MonitorState monitor_state(const DeviceState& s, std::optional<CuffReading>& last_cuff) {
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

class IntellivueEmitter final : public DeviceEmitter {
 public:
  core::Duration interval() const override { return kAnswerInterval; }

  void received(std::span<const std::uint8_t> bytes) override {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  }

  std::string frame(const DeviceState& s) override {
    auto m = monitor_state<drivers::IntellivueMonitorState>(s, last_cuff_);
    if (!s.booting) m.resp_rate = s.vitals.resp_rate;
    monitor_.tick(s.wall);
    if (pending_.empty()) return {};
    auto answer = monitor_.receive(pending_, m);
    pending_.clear();
    return as_string(answer);
  }
  bool measures_nibp() const override { return true; }

 private:
  drivers::IntellivueMonitorSim monitor_;
  std::vector<std::uint8_t> pending_;
  std::optional<CuffReading> last_cuff_;
};

class DatexEmitter final : public DeviceEmitter {
 public:
  core::Duration interval() const override { return kAnswerInterval; }
  void received(std::span<const std::uint8_t> bytes) override {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  }

  std::string frame(const DeviceState& s) override {
    const auto m = monitor_state<drivers::DatexMonitorState>(s, last_cuff_);
    if (!pending_.empty()) {
      monitor_.receive(pending_, m);
      pending_.clear();
    }
    return as_string(monitor_.tick(m));
  }
  bool measures_nibp() const override { return true; }

 private:
  drivers::DatexMonitorSim monitor_;
  std::vector<std::uint8_t> pending_;
  std::optional<CuffReading> last_cuff_;
};

}  // namespace

std::unique_ptr<DeviceEmitter> make_intellivue_emitter() {
  return std::make_unique<IntellivueEmitter>();
}
std::unique_ptr<DeviceEmitter> make_datex_emitter() {
  return std::make_unique<DatexEmitter>();
}

}  // namespace vigil::sim
