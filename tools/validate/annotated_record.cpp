#include "tools/validate/annotated_record.hpp"

#include <algorithm>

#include "alerts/qrs_detector.hpp"
#include "tools/validate/file_input.hpp"
#include "tools/validate/wfdb_annotation.hpp"
#include "tools/validate/wfdb_header.hpp"
#include "tools/validate/wfdb_signal.hpp"

namespace vigil::validate {

namespace {

AnnotatedRecord load_text_dumps(const std::filesystem::path& stem) {
  AnnotatedRecord r;
  r.name = stem.filename().string();
  RhythmDump dump = read_rhythm_dump(record_file(stem, ".rhythm.txt"));
  if (dump.sampling_frequency <= 0)
    throw FormatError(stem.string() +
                      ".rhythm.txt: cannot derive the sampling rate (no annotation after time 0)");
  r.sampling_frequency = dump.sampling_frequency;
  r.rhythm = std::move(dump.changes);
  r.beats = read_rr_dump(record_file(stem, ".rr.txt"));
  r.beat_source = "rr.txt";
  r.path = "interval";
  return r;
}

AnnotatedRecord load_wfdb(const std::filesystem::path& stem) {
  AnnotatedRecord r;
  r.name = stem.filename().string();
  r.sampling_frequency = read_wfdb_header(record_file(stem, ".hea")).sampling_frequency;
  const auto reference = read_wfdb_annotations(record_file(stem, ".atr"));
  for (const auto& a : reference) {
    if (a.code == annotation_code::rhythm_change && !a.aux.empty()) r.rhythm.push_back({a.sample, a.aux});
    if (is_beat_annotation(a.code)) {
      r.reference_beat_samples.push_back(a.sample);
      r.reference_beat_types.push_back(annotation_mnemonic(a.code));
    }
  }
  const auto qrs_path = record_file(stem, ".qrs");
  const bool separate_beats = std::filesystem::exists(qrs_path);
  const auto beat_annotations = separate_beats ? read_wfdb_annotations(qrs_path) : reference;
  for (const auto& a : beat_annotations) {
    if (is_beat_annotation(a.code)) r.beats.push_back(a.sample);
  }
  std::sort(r.beats.begin(), r.beats.end());
  r.beats.erase(std::unique(r.beats.begin(), r.beats.end()), r.beats.end());
  r.beat_source = separate_beats ? "qrs" : "atr";
  r.path = "reference-beats";
  return r;
}

// Beats as vigil finds them on the first signal: the live path.
void detect_beats(const std::filesystem::path& stem, AnnotatedRecord& r) {
  const WfdbHeader header = read_wfdb_header(record_file(stem, ".hea"));
  const WfdbSignals signals = read_wfdb_signals(header, stem.parent_path());
  std::vector<float> mv;
  mv.reserve(signals.adu[0].size());
  for (const auto adu : signals.adu[0]) mv.push_back(static_cast<float>(to_physical(adu, header.signals[0])));
  alerts::QrsDetector detector{header.sampling_frequency};
  std::vector<alerts::QrsDetection> found;
  const auto chunk = static_cast<std::size_t>(std::max(1.0, header.sampling_frequency));  // 1 s blocks
  for (std::size_t at = 0; at < mv.size(); at += chunk)
    detector.add(std::span<const float>(mv).subspan(at, std::min(chunk, mv.size() - at)), found);
  r.beats.clear();
  for (const auto& f : found) {
    r.beats.push_back(f.sample);
    r.quality.push_back(f.quality);
    r.shapes.push_back(f.shape.shape);
    r.p_wave.push_back(f.shape.p_wave);
    r.atrial.push_back(f.shape.atrial);
    r.qrs_correlation.push_back(f.shape.correlation);
    r.qrs_width_ms.push_back(f.shape.width_ms);
  }
  r.beat_source = "dat signal " + header.signals[0].description;
  r.path = "ecg-signal";
}

}  // namespace

AnnotatedRecord load_annotated_record(const std::filesystem::path& stem, WfdbBeats wfdb) {
  if (std::filesystem::exists(record_file(stem, ".rr.txt")) &&
      std::filesystem::exists(record_file(stem, ".rhythm.txt")))
    return load_text_dumps(stem);
  if (std::filesystem::exists(record_file(stem, ".atr")) &&
      std::filesystem::exists(record_file(stem, ".hea"))) {
    AnnotatedRecord r = load_wfdb(stem);
    if (wfdb == WfdbBeats::signal && std::filesystem::exists(record_file(stem, ".dat")))
      detect_beats(stem, r);
    return r;
  }
  throw FormatError(stem.string() +
                    ": found neither RECORD.rr.txt + RECORD.rhythm.txt nor RECORD.hea + RECORD.atr");
}

const std::string* RhythmLookup::at(std::int64_t sample) {
  while (next_ < changes_.size() && changes_[next_].sample <= sample) ++next_;
  return next_ == 0 ? nullptr : &changes_[next_ - 1].label;
}

}  // namespace vigil::validate
