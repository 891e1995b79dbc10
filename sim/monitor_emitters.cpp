// Monitors that stay silent until asked: Philips IntelliVue (association, then
// polls answered) and GE Datex-Ohmeda (a displayed-values request, then
// records at the asked interval). Each wraps the codec's own simulated
// monitor; the emitter only keeps it fed with the patient's current values and
// sends its answers.
#include <vector>

#include "drivers/datex_monitor_sim.hpp"
#include "drivers/intellivue_monitor_sim.hpp"
#include "sim/emitters.hpp"

namespace vigil::sim {
namespace {

// Answers go out at the next frame after the request arrived.
constexpr auto kAnswerInterval = std::chrono::milliseconds{50};

std::string as_string(const std::vector<std::uint8_t>& b) { return std::string(b.begin(), b.end()); }

class IntellivueEmitter final : public DeviceEmitter {
 public:
  core::Duration interval() const override { return kAnswerInterval; }

  void received(std::span<const std::uint8_t> bytes) override { pending_.insert(pending_.end(), bytes.begin(), bytes.end()); }

  std::string frame(const DeviceState& s) override {
    drivers::IntellivueMonitorState m;
    m.clock = s.wall;
    if (!s.booting) {
      m.heart_rate = s.vitals.heart_rate;
      if (!s.sensor_off && !s.motion) {
        m.spo2 = s.vitals.spo2;
        m.pulse_rate = s.vitals.heart_rate;
      }
      m.resp_rate = s.vitals.resp_rate;
      if (s.cuff && !s.cuff->failed) last_cuff_ = s.cuff;
      if (last_cuff_) m.nibp = drivers::IntellivueMonitorState::Nibp{last_cuff_->systolic, last_cuff_->diastolic,
                                                                      last_cuff_->mean, last_cuff_->measured};
    }
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
  void received(std::span<const std::uint8_t> bytes) override { pending_.insert(pending_.end(), bytes.begin(), bytes.end()); }

  std::string frame(const DeviceState& s) override {
    drivers::DatexMonitorState m;
    m.clock = s.wall;
    if (!s.booting) {
      m.heart_rate = s.vitals.heart_rate;
      if (!s.sensor_off && !s.motion) {
        m.spo2 = s.vitals.spo2;
        m.pulse_rate = s.vitals.heart_rate;
      }
      if (s.cuff && !s.cuff->failed) last_cuff_ = s.cuff;
      if (last_cuff_) m.nibp = drivers::DatexMonitorState::Nibp{last_cuff_->systolic, last_cuff_->diastolic,
                                                                 last_cuff_->mean, last_cuff_->measured};
    }
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

std::unique_ptr<DeviceEmitter> make_intellivue_emitter() { return std::make_unique<IntellivueEmitter>(); }
std::unique_ptr<DeviceEmitter> make_datex_emitter() { return std::make_unique<DatexEmitter>(); }

}  // namespace vigil::sim
