// Fuzz target for the validation readers, from memory buffers: the first
// byte picks the reader (0 WFDB annotation, 1 WFDB header, 2 format-212
// signal, 3 rhythm dump, 4 RR dump), the rest is the file. A reader may only
// answer with data or a FormatError; anything else (another exception, a
// crash, a sanitizer report) is a bug.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "tools/validate/afdb_text.hpp"
#include "tools/validate/file_input.hpp"
#include "tools/validate/wfdb_annotation.hpp"
#include "tools/validate/wfdb_header.hpp"
#include "tools/validate/wfdb_signal.hpp"

using namespace vigil::validate;

namespace {

void check_annotations(std::span<const std::uint8_t> bytes) {
  for (const auto& a : parse_wfdb_annotations(bytes)) {
    if (a.sample < 0 || a.code < 1 || a.code > 58) __builtin_trap();
    (void)annotation_mnemonic(a.code);
  }
}

void check_header(std::string_view text) {
  const WfdbHeader h = parse_wfdb_header(text);
  if (!(h.sampling_frequency > 0) || h.num_samples < 0) __builtin_trap();
  for (const auto& s : h.signals) {
    if (s.samples_per_frame < 1 || s.adc_gain == 0) __builtin_trap();
  }
}

void check_format212(std::span<const std::uint8_t> bytes) {
  const auto samples = decode_format212(bytes);
  if (samples.size() != bytes.size() / 3 * 2 + (bytes.size() % 3 == 2 ? 1 : 0)) __builtin_trap();
  for (const auto s : samples) {
    if (s < -2048 || s > 2047) __builtin_trap();
  }
  (void)wfdb_checksum(samples);
}

void check_dumps(std::string_view text, bool rhythm) {
  if (rhythm) {
    const RhythmDump d = parse_rhythm_dump(text);
    for (std::size_t i = 1; i < d.changes.size(); ++i) {
      if (d.changes[i].sample < d.changes[i - 1].sample) __builtin_trap();
    }
  } else {
    const auto beats = parse_rr_dump(text);
    for (std::size_t i = 1; i < beats.size(); ++i) {
      if (beats[i] <= beats[i - 1]) __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> body(data + 1, size - 1);
  const std::string_view text(reinterpret_cast<const char*>(body.data()), body.size());
  try {
    switch (data[0] % 5) {
      case 0:
        check_annotations(body);
        break;
      case 1:
        check_header(text);
        break;
      case 2:
        check_format212(body);
        break;
      case 3:
        check_dumps(text, true);
        break;
      default:
        check_dumps(text, false);
        break;
    }
  } catch (const FormatError&) {
    // Refusing malformed input is the expected outcome.
  }
  return 0;
}
