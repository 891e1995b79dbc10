// Masimo Radical-family ASCII 1: one line per second.
#include "drivers/masimo/masimo_codec.hpp"
#include "sim/emitters.hpp"

namespace vigil::sim {
namespace {

class MasimoEmitter final : public DeviceEmitter {
 public:
  core::Duration interval() const override { return std::chrono::seconds{1}; }
  std::string frame(const DeviceState& s) override {
    drivers::MasimoFrame f;
    f.serial = "0000012345";
    f.device_time = s.wall;
    namespace exc = drivers::masimo_exc;
    f.exceptions = exc::masimo_set;
    if (s.sensor_off) f.exceptions |= exc::sensor_off;
    if (s.motion) f.exceptions |= exc::interference | exc::low_signal_iq;
    if (!s.sensor_off && !s.booting) {
      f.spo2 = s.vitals.spo2;
      f.pulse = s.vitals.pulse_rate;
      f.pi = s.vitals.perfusion_index;
    }
    return drivers::encode_masimo(f);
  }
};

}  // namespace

std::unique_ptr<DeviceEmitter> make_masimo_emitter() {
  return std::make_unique<MasimoEmitter>();
}

}  // namespace vigil::sim
