#pragma once
// One annotated recording as the scorers need it: beat times and the
// reference rhythm, in sample numbers, whatever files they came from.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "alerts/beat.hpp"
#include "tools/validate/afdb_text.hpp"

namespace vigil::validate {

struct AnnotatedRecord {
  std::string name;
  double sampling_frequency = 0;
  std::vector<std::int64_t> beats;   // ascending sample numbers
  std::vector<RhythmChange> rhythm;  // reference rhythm changes, ascending
  std::string beat_source;           // which file the beats came from, for reports
  // Which path scores it: "interval" (beat times from annotations, text
  // dumps), "reference-beats" (a WFDB record's annotated beats), or
  // "ecg-signal" (vigil's QRS detector and beat classifier on the record's
  // signal; then each beat also has its quality index and shape).
  std::string path;
  std::vector<double> quality;
  std::vector<alerts::BeatShape> shapes;
  std::vector<std::optional<double>> p_wave;
  std::vector<std::optional<alerts::AtrialWaves>> atrial;
  std::vector<double> qrs_correlation;  // with the normal template (0 while learning)
  std::vector<double> qrs_width_ms;
  // WFDB records: the annotated beats and their mnemonics ('N', 'V', 'A',
  // ...), for per-beat traces (`vigil-validate af --trace`).
  std::vector<std::int64_t> reference_beat_samples;
  std::vector<char> reference_beat_types;
};

enum class WfdbBeats { signal, reference };

// `stem` is DIR/RECORD. Uses the text dumps RECORD.rr.txt + RECORD.rhythm.txt
// when both exist; otherwise the WFDB files: RECORD.hea for the sampling
// rate, RECORD.atr for the rhythm, and the beats from RECORD.qrs when present
// (the AF database's layout) or else from the beat annotations of RECORD.atr.
// Throws FormatError when neither set is there or a file is malformed.
// A WFDB record with a signal file is, by default, scored from its signal:
// the first signal (MLII in the MIT-BIH databases) goes through the QRS
// detector and beat classifier as the daemon would run them.
AnnotatedRecord load_annotated_record(const std::filesystem::path& stem, WfdbBeats wfdb = WfdbBeats::signal);

// The reference rhythm at a sample; empty before the first rhythm annotation.
class RhythmLookup {
 public:
  explicit RhythmLookup(const std::vector<RhythmChange>& changes) : changes_{changes} {}
  // Calls must come with non-decreasing samples (a forward scan).
  const std::string* at(std::int64_t sample);

 private:
  const std::vector<RhythmChange>& changes_;
  std::size_t next_ = 0;
};

}  // namespace vigil::validate
