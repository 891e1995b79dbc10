#pragma once
// Reader for WFDB header files (.hea) of single-segment records.
//
// Sources, read and restated in our own words:
//  - PhysioNet WFDB Programmer's Guide, header(5): a record line
//    "name[/segments] nsig [fs[/counterfreq[(base)]] [nsamples [time [date]]]]"
//    (fs defaults to 250 Hz), then one line per signal
//    "file format[xspf][:skew][+offset] [gain[(baseline)][/units] [adcres
//    [adczero [initval [checksum [blocksize [description]]]]]]]"
//    (a gain of 0 means 200 adu per unit; baseline defaults to adczero);
//    '#' starts a comment line.
//  - MIT-LCP wfdb-python, wfdb/io/_header.py: the same fields, parsed with
//    regular expressions; blank lines and comment lines may appear anywhere.
// Tolerated on purpose (seen in the shared copy of MIT-BIH 100): CRLF line
// ends, blank lines between signal lines, comments before the record line.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::validate {

struct WfdbSignalSpec {
  std::string file_name;
  int format = 0;  // 212, 16, ...
  int samples_per_frame = 1;
  int skew = 0;
  std::int64_t byte_offset = 0;
  double adc_gain = 200;  // adu per physical unit
  int baseline = 0;       // adu value of physical zero
  std::string units = "mV";
  int adc_resolution = 12;  // bits
  int adc_zero = 0;
  int initial_value = 0;
  int checksum = 0;  // 16-bit sum of all samples, when has_checksum
  bool has_checksum = false;
  int block_size = 0;
  std::string description;
};

struct WfdbHeader {
  std::string record;
  double sampling_frequency = 250;
  std::int64_t num_samples = 0;  // per signal; 0 when the header does not say
  std::vector<WfdbSignalSpec> signals;
  std::vector<std::string> comments;  // comment lines without the '#'
};

// Throws FormatError (naming the line) on a malformed or multi-segment header.
WfdbHeader parse_wfdb_header(std::string_view text);
WfdbHeader read_wfdb_header(const std::filesystem::path& path);

}  // namespace vigil::validate
