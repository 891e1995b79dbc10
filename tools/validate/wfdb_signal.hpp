#pragma once
// Reader for WFDB signal files in format 212, the MIT-BIH databases' format.
//
// Sources, read and restated in our own words:
//  - PhysioNet WFDB Programmer's Guide, signal(5), "Format 212": two 12-bit
//    two's-complement samples in three bytes; the first sample is the low 12
//    bits of the first little-endian byte pair, the second takes its high 4
//    bits from the upper nibble of the second byte and its low 8 bits from the
//    third byte. Samples of all signals of a frame are interleaved.
//  - MIT-LCP wfdb-python, wfdb/io/_signal.py (the 212 unpacking): the same
//    layout, and a trailing pair of bytes holds one last sample.
// The header's checksum is the 16-bit sum of a signal's samples; reading
// checks it, so a corrupted copy is refused rather than scored.
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "tools/validate/wfdb_header.hpp"

namespace vigil::validate {

// Samples in file order (frame after frame, signals interleaved).
std::vector<std::int16_t> decode_format212(std::span<const std::uint8_t> bytes);

struct WfdbSignals {
  double sampling_frequency = 0;
  std::vector<std::vector<std::int16_t>> adu;  // one vector per signal, in header order
};

// Reads every signal of a single-file, one-sample-per-frame format-212 record
// (the MIT-BIH layout); the data file is looked up beside the header. Throws
// FormatError on another layout, a short file or a checksum mismatch.
WfdbSignals read_wfdb_signals(const WfdbHeader& header, const std::filesystem::path& directory);

// 16-bit wrap-around sum of the samples, as the header stores it.
int wfdb_checksum(std::span<const std::int16_t> samples);

// Physical value (e.g. mV) of an adu sample.
inline double to_physical(std::int16_t adu, const WfdbSignalSpec& spec) {
  return (adu - spec.baseline) / spec.adc_gain;
}

}  // namespace vigil::validate
