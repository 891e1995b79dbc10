#pragma once
// Readers for the text dumps of the MIT-BIH Atrial Fibrillation Database
// annotations shared in ../shared/data/afdb-rr (format described in that
// folder's README; the dumps come from the 025georgialynny/afib repository):
//  - RECORD.rhythm.txt: rdann-style lines "elapsed-time sample type sub chan
//    num aux" after one title line; a '+' line starts the rhythm in aux.
//  - RECORD.rr.txt: "first-beat-sample interval-seconds second-beat-sample"
//    per line, from the database's machine-made .qrs beat annotations.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::validate {

struct RhythmChange {
  std::int64_t sample = 0;
  std::string label;  // "(N", "(AFIB", "(AFL", "(J", ...
};

struct RhythmDump {
  std::vector<RhythmChange> changes;  // ascending
  // Derived from the elapsed-time column (the dump has no header); 0 when
  // every annotation sits at time 0 and no rate can be derived.
  double sampling_frequency = 0;
};

// Both throw FormatError naming the line.
RhythmDump parse_rhythm_dump(std::string_view text);
// Beat sample numbers, ascending, each beat once.
std::vector<std::int64_t> parse_rr_dump(std::string_view text);

RhythmDump read_rhythm_dump(const std::filesystem::path& path);
std::vector<std::int64_t> read_rr_dump(const std::filesystem::path& path);

// "1:13:04.980" -> 4384.98 s; throws FormatError on anything else.
double parse_elapsed_time(std::string_view text);

}  // namespace vigil::validate
