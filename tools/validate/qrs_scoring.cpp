#include "tools/validate/qrs_scoring.hpp"

#include <cmath>
#include <cstdlib>
#include <random>

#include "alerts/qrs_detector.hpp"
#include "tools/validate/file_input.hpp"
#include "tools/validate/score_ratio.hpp"
#include "tools/validate/wfdb_annotation.hpp"
#include "tools/validate/wfdb_header.hpp"
#include "tools/validate/wfdb_signal.hpp"

namespace vigil::validate {

double DetectionScore::sensitivity() const {
  return score_ratio(true_positive, true_positive + false_negative);
}
double DetectionScore::positive_predictivity() const {
  return score_ratio(true_positive, true_positive + false_positive);
}

DetectionScore& DetectionScore::operator+=(const DetectionScore& o) {
  true_positive += o.true_positive;
  false_positive += o.false_positive;
  false_negative += o.false_negative;
  return *this;
}

DetectionScore match_beats(const std::vector<std::int64_t>& reference,
                           const std::vector<std::int64_t>& detected, std::int64_t window) {
  DetectionScore s;
  std::size_t r = 0, d = 0;
  while (r < reference.size() && d < detected.size()) {
    const std::int64_t diff = detected[d] - reference[r];
    if (std::llabs(diff) <= window) {
      ++s.true_positive;
      ++r;
      ++d;
    } else if (diff < 0) {
      ++s.false_positive;
      ++d;
    } else {
      ++s.false_negative;
      ++r;
    }
  }
  s.false_negative += reference.size() - r;
  s.false_positive += detected.size() - d;
  return s;
}

QrsRecordResult validate_qrs(const std::filesystem::path& stem, std::size_t channel, double noise_mv) {
  const WfdbHeader header = read_wfdb_header(record_file(stem, ".hea"));
  if (channel >= header.signals.size())
    throw FormatError(stem.string() + ": no signal " + std::to_string(channel));
  const WfdbSignals signals = read_wfdb_signals(header, stem.parent_path());
  const double fs = header.sampling_frequency;

  std::vector<float> mv;
  mv.reserve(signals.adu[channel].size());
  std::mt19937 random{1};
  std::normal_distribution<double> noise{0.0, noise_mv > 0 ? noise_mv : 1.0};
  for (const auto adu : signals.adu[channel]) {
    const double extra = noise_mv > 0 ? noise(random) : 0.0;
    mv.push_back(static_cast<float>(to_physical(adu, header.signals[channel]) + extra));
  }

  alerts::QrsDetector detector{fs};
  std::vector<alerts::QrsDetection> found;
  const auto chunk = static_cast<std::size_t>(std::max(1.0, 0.25 * fs));
  std::size_t artefact_chunks = 0;
  for (std::size_t at = 0; at < mv.size(); at += chunk) {
    detector.add(std::span<const float>(mv).subspan(at, std::min(chunk, mv.size() - at)), found);
    artefact_chunks += detector.artefact() ? 1 : 0;
  }

  std::vector<std::int64_t> reference;
  for (const auto& a : read_wfdb_annotations(record_file(stem, ".atr"))) {
    if (is_beat_annotation(a.code)) reference.push_back(a.sample);
  }
  std::vector<std::int64_t> detected;
  double quality_sum = 0;
  for (const auto& f : found) {
    detected.push_back(f.sample);
    quality_sum += f.quality;
  }

  QrsRecordResult result;
  result.record = stem.filename().string();
  result.sampling_frequency = fs;
  const auto window =
      static_cast<std::int64_t>(std::llround(std::chrono::duration<double>(kMatchWindow).count() * fs));
  result.score = match_beats(reference, detected, window);
  result.artefact_seconds = static_cast<double>(artefact_chunks * chunk) / fs;
  result.mean_quality = detected.empty() ? 0.0 : quality_sum / static_cast<double>(detected.size());
  // Timing error over matched pairs, by the same forward scan.
  double error_sum = 0;
  std::size_t matched = 0, r = 0;
  for (std::size_t k = 0; k < detected.size(); ++k) {
    const auto d = detected[k];
    const bool artefact = found[k].artefact != alerts::ArtefactReason::none;
    result.artefact_beats += artefact ? 1 : 0;
    while (r < reference.size() && reference[r] < d - window) ++r;
    if (r < reference.size() && std::llabs(reference[r] - d) <= window) {
      error_sum += static_cast<double>(std::llabs(reference[r] - d));
      ++matched;
      ++r;
    } else {
      result.artefact_unmatched += artefact ? 1 : 0;
    }
  }
  result.timing_error_ms = matched == 0 ? 0.0 : 1000.0 * error_sum / static_cast<double>(matched) / fs;
  return result;
}

}  // namespace vigil::validate
