// A Philips IntelliVue as vigil-sim plays it: silent until asked
// (association, then polls answered). It wraps the codec's own simulated
// monitor, keeps it fed with the patient's current values and sends its
// answers.
#include <vector>

#include "drivers/intellivue/intellivue_monitor_sim.hpp"
#include "drivers/intellivue/intellivue_session.hpp"
#include "drivers/simulated_device.hpp"

namespace vigil::drivers {
namespace {

// Answers go out at the next frame after the request arrived.
constexpr auto kAnswerInterval = std::chrono::milliseconds{50};

class IntellivueDevice final : public SimulatedDevice {
 public:
  core::Duration interval() const override { return kAnswerInterval; }

  void received(std::span<const std::uint8_t> bytes) override {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  }

  std::string frame(const DeviceState& s) override {
    auto m = monitor_numerics<IntellivueMonitorState>(s, last_cuff_);
    if (!s.booting) m.resp_rate = s.vitals.resp_rate;
    monitor_.tick(s.wall);
    if (pending_.empty()) return {};
    auto answer = monitor_.receive(pending_, m);
    pending_.clear();
    return std::string(answer.begin(), answer.end());
  }
  bool measures_nibp() const override { return true; }

 private:
  IntellivueMonitorSim monitor_;
  std::vector<std::uint8_t> pending_;
  std::optional<CuffReading> last_cuff_;
};

}  // namespace

std::unique_ptr<SimulatedDevice> make_intellivue_sim_device() {
  return std::make_unique<IntellivueDevice>();
}

}  // namespace vigil::drivers
