// A GE Datex-Ohmeda monitor as vigil-sim plays it: silent until a
// displayed-values request, then records at the asked interval. It wraps the
// codec's own simulated monitor, keeps it fed with the patient's current
// values and sends its records.
#include <vector>

#include "drivers/datex/datex_monitor_sim.hpp"
#include "drivers/datex/datex_session.hpp"
#include "drivers/simulated_device.hpp"

namespace vigil::drivers {
namespace {

// Answers go out at the next frame after the request arrived.
constexpr auto kAnswerInterval = std::chrono::milliseconds{50};

class DatexDevice final : public SimulatedDevice {
 public:
  core::Duration interval() const override { return kAnswerInterval; }
  void received(std::span<const std::uint8_t> bytes) override {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  }

  std::string frame(const DeviceState& s) override {
    const auto m = monitor_numerics<DatexMonitorState>(s, last_cuff_);
    if (!pending_.empty()) {
      monitor_.receive(pending_, m);
      pending_.clear();
    }
    const auto bytes = monitor_.tick(m);
    return std::string(bytes.begin(), bytes.end());
  }
  bool measures_nibp() const override { return true; }

 private:
  DatexMonitorSim monitor_;
  std::vector<std::uint8_t> pending_;
  std::optional<CuffReading> last_cuff_;
};

}  // namespace

std::unique_ptr<SimulatedDevice> make_datex_sim_device() {
  return std::make_unique<DatexDevice>();
}

}  // namespace vigil::drivers
