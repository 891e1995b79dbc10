#pragma once
// One signal of a WFDB record in mV, as a monitor would stream it, and the
// record's own clock: what the live-path scorers (vf, vt) feed vigil's QRS
// detector.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace vigil::validate {

struct EcgRecord {
  std::string name;
  double sampling_frequency = 0;
  std::vector<float> mv;
};

// Signal `channel` of the record at `stem` (DIR/RECORD: .hea, .dat); throws
// FormatError when the record has no such signal or its files are malformed.
EcgRecord read_ecg_record(const std::filesystem::path& stem, std::size_t channel);

// The time of sample `n` on the record's clock (its start at the epoch).
core::TimePoint at_sample(std::int64_t n, double fs);

}  // namespace vigil::validate
