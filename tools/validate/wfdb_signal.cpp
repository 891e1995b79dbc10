#include "tools/validate/wfdb_signal.hpp"

#include <string>

#include "tools/validate/file_input.hpp"

namespace vigil::validate {

namespace {

std::int16_t sign_extend_12(unsigned v) {
  return static_cast<std::int16_t>(v & 0x800u ? static_cast<int>(v) - 0x1000 : static_cast<int>(v));
}

void check_layout(const WfdbHeader& header) {
  if (header.signals.empty()) throw FormatError("record " + header.record + " has no signals");
  for (const auto& s : header.signals) {
    if (s.format != 212) throw FormatError("record " + header.record + ": only format 212 is supported");
    if (s.file_name != header.signals.front().file_name)
      throw FormatError("record " + header.record + ": signals in several files are not supported");
    if (s.samples_per_frame != 1 || s.skew != 0 || s.byte_offset != 0)
      throw FormatError("record " + header.record +
                        ": multi-frequency, skewed or offset signals are not supported");
  }
}

}  // namespace

std::vector<std::int16_t> decode_format212(std::span<const std::uint8_t> bytes) {
  std::vector<std::int16_t> out;
  out.reserve(bytes.size() / 3 * 2 + 1);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    out.push_back(sign_extend_12(bytes[i] | ((bytes[i + 1] & 0x0fu) << 8)));
    out.push_back(sign_extend_12(bytes[i + 2] | ((bytes[i + 1] & 0xf0u) << 4)));
  }
  if (i + 2 <= bytes.size()) out.push_back(sign_extend_12(bytes[i] | ((bytes[i + 1] & 0x0fu) << 8)));
  return out;
}

int wfdb_checksum(std::span<const std::int16_t> samples) {
  std::uint16_t sum = 0;
  for (const auto s : samples) sum = static_cast<std::uint16_t>(sum + static_cast<std::uint16_t>(s));
  return static_cast<std::int16_t>(sum);
}

WfdbSignals read_wfdb_signals(const WfdbHeader& header, const std::filesystem::path& directory) {
  check_layout(header);
  const auto path = directory / header.signals.front().file_name;
  const auto interleaved = decode_format212(read_file_bytes(path));
  const std::size_t nsig = header.signals.size();
  std::size_t frames = interleaved.size() / nsig;
  if (header.num_samples > 0) {
    if (frames < static_cast<std::size_t>(header.num_samples))
      throw FormatError(path.string() + ": shorter than the " + std::to_string(header.num_samples) +
                        " samples the header announces");
    frames = static_cast<std::size_t>(header.num_samples);
  }
  WfdbSignals out;
  out.sampling_frequency = header.sampling_frequency;
  out.adu.assign(nsig, {});
  for (std::size_t s = 0; s < nsig; ++s) {
    auto& channel = out.adu[s];
    channel.resize(frames);
    for (std::size_t f = 0; f < frames; ++f) channel[f] = interleaved[f * nsig + s];
    const auto& spec = header.signals[s];
    if (spec.has_checksum && wfdb_checksum(channel) != spec.checksum)
      throw FormatError(path.string() + ": checksum of signal " + std::to_string(s) + " (" +
                        std::to_string(wfdb_checksum(channel)) + ") differs from the header's " +
                        std::to_string(spec.checksum));
  }
  return out;
}

}  // namespace vigil::validate
