#pragma once
// Beat-detection scoring in the manner of ANSI/AAMI EC57: a detection
// matches a reference beat within 150 ms, each used once; sensitivity =
// matched / reference beats, positive predictivity = matched / detections.
// (EC57 also leaves out the first 5 minutes as a learning period; we score
// the whole record, which is stricter.)
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace vigil::validate {

struct DetectionScore {
  std::size_t true_positive = 0;
  std::size_t false_positive = 0;
  std::size_t false_negative = 0;
  double sensitivity() const;
  double positive_predictivity() const;
  DetectionScore& operator+=(const DetectionScore& o);
};

// Both sequences ascending; window in samples.
DetectionScore match_beats(const std::vector<std::int64_t>& reference,
                           const std::vector<std::int64_t>& detected, std::int64_t window);

struct QrsRecordResult {
  std::string record;
  double sampling_frequency = 0;
  DetectionScore score;
  double mean_quality = 0;     // mean signal-quality index of the detections
  double timing_error_ms = 0;  // mean |detection - reference| of matched beats
  // Motion or electrode artefact (alerts/ecg_artefact.hpp): detections found
  // while the detector judged the ECG artefact, how many of them match no
  // reference beat, and the signal time judged artefact.
  std::size_t artefact_beats = 0;
  std::size_t artefact_unmatched = 0;
  double artefact_seconds = 0;
};

inline constexpr std::chrono::milliseconds kMatchWindow{150};

// Runs the streaming QRS detector on signal `channel` of the WFDB record at
// `stem` (DIR/RECORD: .hea, .dat, .atr), fed in 0.25 s chunks as a monitor
// would stream it, and scores it against the reference beats of RECORD.atr.
// `noise_mv` adds white Gaussian noise of that standard deviation (fixed
// seed), to see the signal-quality index fall as detection degrades.
QrsRecordResult validate_qrs(const std::filesystem::path& stem, std::size_t channel = 0, double noise_mv = 0);

}  // namespace vigil::validate
