// An HL7 gateway or multi-parameter monitor sending IHE PCD-01 ORU^R01 over
// MLLP, as vigil-sim plays it: ECG heart rate, SpO2 and pulse every 5 s,
// NIBP when the cuff has measured, each NIBP row stamped with its
// measurement time; and ECG lead II as a waveform (hl7_waveform.hpp) in
// 1 s segments at 250 /s, one message a second (the numerics ride in every
// fifth). The ECG is drawn kEcgDelay behind the patient's time (as a gateway
// buffers), stops while the monitor restarts, and after a silence resumes
// with the last second rather than the whole gap. While its motion fault
// lasts the ECG carries the patient's motion artefact, faded in and out over
// half a second (electrodes do not start moving at a segment's edge).
#include <algorithm>

#include "drivers/hl7/hl7_message.hpp"
#include "drivers/hl7/hl7_oru_r01.hpp"
#include "drivers/hl7/mllp_codec.hpp"
#include "drivers/simulated_device.hpp"

namespace vigil::drivers {
namespace {

constexpr int kNumericsEvery = 5;  // frames: numerics every 5 s
constexpr double kEcgRateHz = 250;
constexpr core::Duration kSamplePeriod = std::chrono::milliseconds{4};  // 1 / 250 Hz
constexpr core::Duration kSegment = std::chrono::seconds{1};
constexpr std::uint32_t kEcgLeadII = 131330;  // MDC_ECG_ELEC_POTL_II
constexpr double kMotionFadePerSample = 1 / (0.5 * kEcgRateHz);

class Hl7Device final : public SimulatedDevice {
 public:
  core::Duration interval() const override { return kSegment; }
  bool measures_nibp() const override { return true; }

  std::string frame(const DeviceState& s) override {
    const bool numerics = frames_++ % kNumericsEvery == 0 && s.numerics;
    if (s.cuff) cuff_ = s.cuff;  // goes out with the next numerics
    auto ecg = ecg_segment(s);
    if (!numerics && !ecg) return {};
    OruR01 msg;
    msg.sending_application = "VIGIL-SIM";
    msg.control_id = "SIM" + std::to_string(++sent_);
    msg.patient_id = "SIM-PATIENT";
    msg.location = "SIM-BED";
    msg.message_time = s.wall;
    if (ecg) msg.waveforms.push_back(std::move(*ecg));
    using core::Metric;
    if (numerics && !s.booting) {
      msg.observations.push_back({Metric::heart_rate, s.vitals.heart_rate, s.wall});
      if (!s.sensor_off && !s.motion) {
        msg.observations.push_back({Metric::spo2, s.vitals.spo2, s.wall});
        msg.observations.push_back({Metric::pulse_rate, s.vitals.pulse_rate, s.wall});
      }
      if (cuff_ && !cuff_->failed) {
        msg.observations.push_back({Metric::nibp_systolic, cuff_->systolic, cuff_->measured});
        msg.observations.push_back({Metric::nibp_diastolic, cuff_->diastolic, cuff_->measured});
        msg.observations.push_back({Metric::nibp_mean, cuff_->mean, cuff_->measured});
      }
      cuff_.reset();
    }
    return mllp_frame(encode_oru_r01(msg));
  }

  // The samples from where the last segment ended to kEcgDelay before s.t.
  std::optional<WaveformSegment> ecg_segment(const DeviceState& s) {
    const core::Duration until = s.t - kEcgDelay;
    if (s.booting || !s.waveforms || !s.patient || until <= core::Duration{}) {
      next_sample_ = std::max(next_sample_, until);
      return std::nullopt;
    }
    next_sample_ = std::max(next_sample_, until - kSegment);
    WaveformSegment w;
    w.mdc_code = kEcgLeadII;
    w.label = "ECG II";
    w.sampling_hz = kEcgRateHz;
    w.first_sample_time = s.wall - s.t + next_sample_;
    const double motion_target = s.motion ? 1 : 0;
    for (; next_sample_ < until; next_sample_ += kSamplePeriod) {
      motion_ += std::clamp(motion_target - motion_, -kMotionFadePerSample, kMotionFadePerSample);
      double mv = s.patient->ecg_lead_ii(next_sample_);
      if (motion_ > 0) mv += motion_ * s.patient->ecg_motion_artefact(next_sample_);
      w.samples.push_back(static_cast<float>(mv));
    }
    if (w.samples.empty()) return std::nullopt;
    return w;
  }

  void received(std::span<const std::uint8_t> bytes) override {
    std::vector<std::string> errors;
    deframer_.feed(
        bytes,
        [this](const std::string& f) {
          auto ack = parse_ack(f);
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
  unsigned frames_ = 0;
  std::optional<CuffReading> cuff_;
  core::Duration next_sample_{};  // patient time of the next ECG sample
  double motion_ = 0;             // how much of the motion artefact the ECG carries, 0-1
  MllpDeframer deframer_;
  std::optional<std::string> warning_;
};

}  // namespace

std::unique_ptr<SimulatedDevice> make_hl7_sim_device() {
  return std::make_unique<Hl7Device>();
}

}  // namespace vigil::drivers
