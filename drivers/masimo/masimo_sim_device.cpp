// Masimo Radical-family ASCII 1 as vigil-sim plays it: one line per second.
#include "drivers/masimo/masimo_codec.hpp"
#include "drivers/simulated_device.hpp"

namespace vigil::drivers {
namespace {

class MasimoDevice final : public SimulatedDevice {
 public:
  core::Duration interval() const override { return std::chrono::seconds{1}; }
  std::string frame(const DeviceState& s) override {
    MasimoFrame f;
    f.serial = "0000012345";
    f.device_time = s.wall;
    namespace exc = masimo_exc;
    f.exceptions = exc::masimo_set;
    if (s.sensor_off) f.exceptions |= exc::sensor_off;
    if (s.motion) f.exceptions |= exc::interference | exc::low_signal_iq;
    if (!s.sensor_off && !s.booting) {
      f.spo2 = s.vitals.spo2;
      f.pulse = s.vitals.pulse_rate;
      f.pi = s.vitals.perfusion_index;
    }
    return encode_masimo(f);
  }
};

}  // namespace

std::unique_ptr<SimulatedDevice> make_masimo_sim_device() {
  return std::make_unique<MasimoDevice>();
}

}  // namespace vigil::drivers
