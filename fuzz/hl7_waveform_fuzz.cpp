// HL7 ECG waveform rows under arbitrary text: the numeric-array parser and
// the waveform reader never crash, a row they accept holds only finite
// samples within the ECG range at a plausible rate, and the daemon's ECG beat
// source takes whatever they accept. The first byte picks the facets sent
// with the row (rate, resolution, unit); the rest is OBX-5, or, after a
// newline, whole further rows.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "daemon/ecg_beat_source.hpp"
#include "drivers/hl7/hl7_oru_r01.hpp"
#include "drivers/hl7/hl7_waveform.hpp"

namespace {

using namespace vigil;
using namespace vigil::drivers;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

constexpr std::string_view kRates[] = {"250", "500", "360.0", "0", "-5", "99999", "", "1e3"};
constexpr std::string_view kUnits[] = {"266418^MDC_DIM_MILLI_VOLT^MDC", "266419^MDC_DIM_MICRO_VOLT^MDC",
                                       "262656^MDC_DIM_DIMLESS^MDC", ""};

std::string message(std::uint8_t pick, std::string_view rest) {
  const auto rate = kRates[pick % 8];
  const auto unit = kUnits[(pick / 8) % 4];
  const bool resolution = (pick & 0x20) != 0;
  std::string m =
      "MSH|^~\\&|GW|F|||20240305101500+0000||ORU^R01^ORU_R01|F1|P|2.6\rPID|||P\rPV1||I|b\r"
      "OBR|1|F1|F1|W|||20240305101459.250\r";
  const auto newline = rest.find('\n');
  m += "OBX|1|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.1.1.1|" + std::string(rest.substr(0, newline)) + "|" +
       std::string(unit) + "\r";
  m += "OBX|2|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.1.1.1.1|" + std::string(rate) + "|264608^MDC_DIM_PER_SEC^MDC\r";
  if (resolution)
    m += "OBX|3|NM|2327^MDC_ATTR_NU_MSMT_RES^MDC|1.1.1.1.2|0.005|266418^MDC_DIM_MILLI_VOLT^MDC\r";
  if (newline != std::string_view::npos) m += std::string(rest.substr(newline + 1));
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);

  const auto numbers = parse_numeric_array(rest.substr(0, rest.find('\n')));
  if (numbers) {
    check(!numbers.value().empty());
    for (const double v : numbers.value()) check(std::isfinite(v));
  }

  const auto parsed = parse_hl7(message(data[0], rest));
  if (!parsed.message) return 0;
  const auto content = decode_oru_r01(*parsed.message);
  for (const auto& w : content.waveforms) {
    check(w.sampling_hz >= kMinWaveformRateHz && w.sampling_hz <= kMaxWaveformRateHz);
    check(!w.samples.empty() && w.samples.size() <= kMaxWaveformSamples);
    for (const float v : w.samples) check(std::isfinite(v) && std::fabs(v) <= kMaxEcgMillivolts);
  }
  daemon::EcgBeatSource source;
  daemon::EcgOutput out;
  const core::TimePoint now{std::chrono::hours{24 * 365 * 54}};
  source.on_segments("fuzz", content.waveforms, now, out);
  source.on_segments("fuzz", content.waveforms, now + std::chrono::seconds{1}, out);
  for (const auto& b : out.beats) check(b.quality && *b.quality >= 0 && *b.quality <= 1);
  return 0;
}
