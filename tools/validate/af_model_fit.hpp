#pragma once
// Fitting the AF detector's five logistic weights on annotated records, and
// the leave-one-record-out cross-validation that reports how the detector
// does on a record it was not fitted on.
//
// The fit is a class-balanced logistic regression (AF and non-AF beats weigh
// the same in total, so the 0.5 probability sits where both error rates
// balance; the AF database has twice as many non-AF beats) solved by
// Newton's method with a tiny ridge term.
#include <optional>
#include <string>
#include <vector>

#include "alerts/rr_af_detector.hpp"
#include "tools/validate/af_scoring.hpp"
#include "tools/validate/annotated_record.hpp"

namespace vigil::validate {

struct LabelledFeatures {
  // One per scored beat, in order: whether the analysis was available, the
  // detector's features (when it was), the P-wave evidence (ECG beats
  // only), and the reference label.
  std::vector<bool> assessed;
  std::vector<alerts::AfFeatures> features;
  std::vector<std::optional<double>> p_wave_evidence;
  std::vector<bool> af;
};

// The detector's features beat by beat, as the analyzer computes them when
// the record is replayed with `options` (the same replay as the scoring).
LabelledFeatures collect_features(const AnnotatedRecord& record, const AfRunOptions& options);

alerts::AfModel fit_af_model(const std::vector<const LabelledFeatures*>& training);

// The P-wave veto (RhythmConfig::p_wave_veto) fitted for `model`: the
// P-wave evidence (RhythmState::p_wave_evidence) that kAtrialVetoKeeps of
// the training beats that are AF and called AF stay below (rounded up to
// 0.05), i.e. atrial activity more organised than in 95 % of the AF
// windows seen. It is set from the AF beats alone, so a record of a new
// kind of non-AF rhythm left out of the training does not move it, and the
// veto's cost in sensitivity stays known (at most ~5 % of the AF calls on
// the training records). The calls are replayed from the stored features
// with the detector's hysteresis and predictability veto, so no record is
// run again.
inline constexpr double kAtrialVetoKeeps = 0.95;
double fit_p_wave_veto(const std::vector<const LabelledFeatures*>& training, const alerts::AfModel& model,
                       const alerts::RhythmConfig& config);

struct CrossValidation {
  std::vector<std::string> records;
  std::vector<AfScore> scores;          // each record scored by the model fitted without it
  std::vector<alerts::AfModel> models;  // the model used for each record
  std::vector<double> p_wave_vetoes;    // and the P-wave veto threshold
};

CrossValidation cross_validate_af(const std::vector<AnnotatedRecord>& records, const AfRunOptions& options);

}  // namespace vigil::validate
