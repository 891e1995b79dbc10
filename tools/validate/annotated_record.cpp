#include "tools/validate/annotated_record.hpp"

#include <algorithm>

#include "tools/validate/file_input.hpp"
#include "tools/validate/wfdb_annotation.hpp"
#include "tools/validate/wfdb_header.hpp"

namespace vigil::validate {

namespace {

std::filesystem::path with_suffix(const std::filesystem::path& stem, const char* suffix) {
  return std::filesystem::path(stem.string() + suffix);
}

AnnotatedRecord load_text_dumps(const std::filesystem::path& stem) {
  AnnotatedRecord r;
  r.name = stem.filename().string();
  RhythmDump dump = read_rhythm_dump(with_suffix(stem, ".rhythm.txt"));
  if (dump.sampling_frequency <= 0)
    throw FormatError(stem.string() +
                      ".rhythm.txt: cannot derive the sampling rate (no annotation after time 0)");
  r.sampling_frequency = dump.sampling_frequency;
  r.rhythm = std::move(dump.changes);
  r.beats = read_rr_dump(with_suffix(stem, ".rr.txt"));
  r.beat_source = "rr.txt";
  return r;
}

AnnotatedRecord load_wfdb(const std::filesystem::path& stem) {
  AnnotatedRecord r;
  r.name = stem.filename().string();
  r.sampling_frequency = read_wfdb_header(with_suffix(stem, ".hea")).sampling_frequency;
  const auto reference = read_wfdb_annotations(with_suffix(stem, ".atr"));
  for (const auto& a : reference) {
    if (a.code == annotation_code::rhythm_change && !a.aux.empty()) r.rhythm.push_back({a.sample, a.aux});
  }
  const auto qrs_path = with_suffix(stem, ".qrs");
  const bool separate_beats = std::filesystem::exists(qrs_path);
  const auto beat_annotations = separate_beats ? read_wfdb_annotations(qrs_path) : reference;
  for (const auto& a : beat_annotations) {
    if (is_beat_annotation(a.code)) r.beats.push_back(a.sample);
  }
  std::sort(r.beats.begin(), r.beats.end());
  r.beats.erase(std::unique(r.beats.begin(), r.beats.end()), r.beats.end());
  r.beat_source = separate_beats ? "qrs" : "atr";
  return r;
}

}  // namespace

AnnotatedRecord load_annotated_record(const std::filesystem::path& stem) {
  if (std::filesystem::exists(with_suffix(stem, ".rr.txt")) &&
      std::filesystem::exists(with_suffix(stem, ".rhythm.txt")))
    return load_text_dumps(stem);
  if (std::filesystem::exists(with_suffix(stem, ".atr")) &&
      std::filesystem::exists(with_suffix(stem, ".hea")))
    return load_wfdb(stem);
  throw FormatError(stem.string() +
                    ": found neither RECORD.rr.txt + RECORD.rhythm.txt nor RECORD.hea + RECORD.atr");
}

const std::string* RhythmLookup::at(std::int64_t sample) {
  while (next_ < changes_.size() && changes_[next_].sample <= sample) ++next_;
  return next_ == 0 ? nullptr : &changes_[next_ - 1].label;
}

}  // namespace vigil::validate
