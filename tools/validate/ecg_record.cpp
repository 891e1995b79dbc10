#include "tools/validate/ecg_record.hpp"

#include <chrono>

#include "tools/validate/file_input.hpp"
#include "tools/validate/wfdb_header.hpp"
#include "tools/validate/wfdb_signal.hpp"

namespace vigil::validate {

EcgRecord read_ecg_record(const std::filesystem::path& stem, std::size_t channel) {
  const WfdbHeader header = read_wfdb_header(record_file(stem, ".hea"));
  if (channel >= header.signals.size())
    throw FormatError(stem.string() + ": no signal " + std::to_string(channel));
  const WfdbSignals signals = read_wfdb_signals(header, stem.parent_path());
  EcgRecord r;
  r.name = stem.filename().string();
  r.sampling_frequency = header.sampling_frequency;
  r.mv.reserve(signals.adu[channel].size());
  for (const auto adu : signals.adu[channel])
    r.mv.push_back(static_cast<float>(to_physical(adu, header.signals[channel])));
  return r;
}

core::TimePoint at_sample(std::int64_t n, double fs) {
  return core::TimePoint{} + std::chrono::duration_cast<core::Duration>(
                                 std::chrono::duration<double>(static_cast<double>(n) / fs));
}

}  // namespace vigil::validate
