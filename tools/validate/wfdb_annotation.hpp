#pragma once
// Reader for WFDB annotation files in MIT format (.atr, .qrs, ...).
//
// Sources, read and restated in our own words:
//  - PhysioNet WFDB Programmer's Guide, annot(5) "MIT format": 16-bit
//    little-endian words, top 6 bits the annotation code, low 10 bits the
//    sample-time increment from the previous annotation; code 59 (SKIP) is
//    followed by a 32-bit signed increment stored high 16-bit word first, each
//    word little-endian; 60 NUM, 61 SUB, 62 CHN set a field of the annotation
//    just read from the low byte of the word; 63 AUX is followed by that many
//    bytes of text, padded to an even length; the word 0 ends the file.
//  - MIT-LCP wfdb-python, wfdb/io/annotation.py (proc_core_fields,
//    proc_extra_field): chan and num carry over from the previous annotation
//    when not given, sub and aux do not; a code-0 word with a non-zero
//    increment is not an annotation (it only moves time on).
// Beat codes (ecgcodes.h, via the data README): 1-13, 25, 30, 34, 35, 38, 41.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace vigil::validate {

struct WfdbAnnotation {
  std::int64_t sample = 0;  // from the start of the record
  int code = 0;             // 1 N, 5 V, 8 A, 28 rhythm change, 22 note, ...
  int subtype = 0;
  int channel = 0;
  int num = 0;
  std::string aux;  // e.g. "(AFIB" on a rhythm change; trailing NULs removed
};

namespace annotation_code {
inline constexpr int normal = 1;
inline constexpr int pvc = 5;
inline constexpr int apc = 8;
inline constexpr int note = 22;
inline constexpr int rhythm_change = 28;
}  // namespace annotation_code

// Throws FormatError (naming the byte offset) on a truncated or inconsistent file.
std::vector<WfdbAnnotation> parse_wfdb_annotations(std::span<const std::uint8_t> bytes);
std::vector<WfdbAnnotation> read_wfdb_annotations(const std::filesystem::path& path);

bool is_beat_annotation(int code);
// The one-character mnemonic WFDB tools print ('N', 'V', 'A', '+', ...), '?' if unknown.
char annotation_mnemonic(int code);

}  // namespace vigil::validate
