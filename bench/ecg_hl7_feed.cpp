#include "bench/ecg_hl7_feed.hpp"

#include <cmath>
#include <numbers>
#include <random>

#include "drivers/hl7/hl7_oru_r01.hpp"
#include "drivers/hl7/mllp_codec.hpp"

namespace vigil::bench {
namespace {

constexpr int kSamplesPerSecond = 250;
constexpr std::uint32_t kLeadII = 131330;  // MDC_ECG_ELEC_POTL_II

double gauss(double x, double width) {
  return std::exp(-0.5 * (x / width) * (x / width));
}

// R-wave times in seconds: sinus rhythm at 0.8 s with a little variation.
std::vector<double> beat_times(double seconds) {
  std::vector<double> beats;
  for (double t = 0.4; t < seconds + 2; t += 0.8 + 0.01 * std::sin(static_cast<double>(beats.size()) / 2.0))
    beats.push_back(t);
  return beats;
}

// One second of lead II in mV, as the integration test draws it.
std::vector<float> ecg_second(int second, const std::vector<double>& beats, std::mt19937& rng) {
  std::normal_distribution<double> noise{0, 0.015};
  std::vector<float> out;
  out.reserve(kSamplesPerSecond);
  for (int i = 0; i < kSamplesPerSecond; ++i) {
    const double t = second + static_cast<double>(i) / kSamplesPerSecond;
    double v = 0.1 * std::sin(2 * std::numbers::pi * 0.25 * t) + noise(rng);
    for (const double b : beats) {
      const double dt = t - b;
      if (dt < -0.3) break;
      if (dt > 0.6) continue;
      v += 0.12 * gauss(dt + 0.16, 0.02) - 0.12 * gauss(dt + 0.025, 0.008) + 1.1 * gauss(dt, 0.01) -
           0.25 * gauss(dt - 0.03, 0.01) + 0.3 * gauss(dt - 0.26, 0.045);
    }
    out.push_back(static_cast<float>(v));
  }
  return out;
}

}  // namespace

Recording record_ecg_hl7(core::Duration length) {
  Recording rec;
  rec.protocol = "hl7-mllp";
  rec.name = "hl7-ecg";
  rec.length = length;
  const int seconds = static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(length).count());
  const auto beats = beat_times(seconds);
  std::mt19937 rng{7};
  for (int k = 0; k < seconds; ++k) {
    const auto start = kFeedWallStart + std::chrono::seconds{k};
    drivers::OruR01 msg;
    msg.sending_application = "ECGGW";
    msg.control_id = "E" + std::to_string(k);
    msg.patient_id = "P7";
    msg.location = "bed-1";
    // Sent when its last sample has been taken.
    msg.message_time = start + std::chrono::seconds{1};
    msg.observations.push_back({core::Metric::heart_rate, 75, msg.message_time});
    msg.observations.push_back({core::Metric::spo2, 98, msg.message_time});
    drivers::WaveformSegment w;
    w.mdc_code = kLeadII;
    w.label = "ECG II";
    w.sampling_hz = kSamplesPerSecond;
    w.samples = ecg_second(k, beats, rng);
    w.first_sample_time = start;
    msg.waveforms.push_back(std::move(w));
    std::string bytes = drivers::mllp_frame(drivers::encode_oru_r01(msg));
    rec.bytes += bytes.size();
    rec.chunks.push_back({std::chrono::seconds{k + 1}, std::move(bytes)});
  }
  return rec;
}

}  // namespace vigil::bench
