// An HL7 gateway or multi-parameter monitor sending IHE PCD-01 ORU^R01 over
// MLLP: ECG heart rate, SpO2 and pulse every 5 s, NIBP when the cuff has
// measured, each NIBP row stamped with its measurement time.
#include "drivers/hl7/hl7_message.hpp"
#include "drivers/hl7/hl7_oru_r01.hpp"
#include "drivers/hl7/mllp_codec.hpp"
#include "sim/emitters.hpp"

namespace vigil::sim {
namespace {

class Hl7Emitter final : public DeviceEmitter {
 public:
  core::Duration interval() const override { return std::chrono::seconds{5}; }
  bool measures_nibp() const override { return true; }

  std::string frame(const DeviceState& s) override {
    drivers::OruR01 msg;
    msg.sending_application = "VIGIL-SIM";
    msg.control_id = "SIM" + std::to_string(++sent_);
    msg.patient_id = "SIM-PATIENT";
    msg.location = "SIM-BED";
    msg.message_time = s.wall;
    using core::Metric;
    if (!s.booting) {
      msg.observations.push_back({Metric::heart_rate, s.vitals.heart_rate, s.wall});
      if (!s.sensor_off && !s.motion) {
        msg.observations.push_back({Metric::spo2, s.vitals.spo2, s.wall});
        msg.observations.push_back({Metric::pulse_rate, s.vitals.pulse_rate, s.wall});
      }
      if (s.cuff && !s.cuff->failed) {
        msg.observations.push_back({Metric::nibp_systolic, s.cuff->systolic, s.cuff->measured});
        msg.observations.push_back({Metric::nibp_diastolic, s.cuff->diastolic, s.cuff->measured});
        msg.observations.push_back({Metric::nibp_mean, s.cuff->mean, s.cuff->measured});
      }
    }
    return drivers::mllp_frame(drivers::encode_oru_r01(msg));
  }

  void received(std::span<const std::uint8_t> bytes) override {
    std::vector<std::string> errors;
    deframer_.feed(
        bytes,
        [this](const std::string& f) {
          auto ack = drivers::parse_ack(f);
          if (!ack)
            warning_ = "received a reply that is not an HL7 ACK";
          else if (ack->code != "AA" && ack->code != "CA")
            warning_ = "message " + ack->control_id + " refused (" + ack->code + "): " + ack->text;
        },
        errors);
  }

  std::optional<std::string> take_warning() override {
    auto w = std::move(warning_);
    warning_.reset();
    return w;
  }

 private:
  unsigned sent_ = 0;
  drivers::MllpDeframer deframer_;
  std::optional<std::string> warning_;
};

}  // namespace

std::unique_ptr<DeviceEmitter> make_hl7_emitter() {
  return std::make_unique<Hl7Emitter>();
}

}  // namespace vigil::sim
