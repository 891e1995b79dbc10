#pragma once
// Fitting the AF detector's five logistic weights on annotated records, and
// the leave-one-record-out cross-validation that reports how the detector
// does on a record it was not fitted on.
//
// The fit is a class-balanced logistic regression (AF and non-AF beats weigh
// the same in total, so the 0.5 probability sits where both error rates
// balance; the AF database has twice as many non-AF beats) solved by
// Newton's method with a tiny ridge term.
#include <string>
#include <vector>

#include "alerts/rr_af_detector.hpp"
#include "tools/validate/af_scoring.hpp"
#include "tools/validate/annotated_record.hpp"

namespace vigil::validate {

struct LabelledFeatures {
  std::vector<alerts::AfFeatures> features;  // one per scored, assessed beat
  std::vector<bool> af;                      // its reference label
};

// The detector's features beat by beat, as the analyzer computes them when
// the record is replayed with `options` (the same replay as the scoring).
LabelledFeatures collect_features(const AnnotatedRecord& record, const AfRunOptions& options);

alerts::AfModel fit_af_model(const std::vector<const LabelledFeatures*>& training);

struct CrossValidation {
  std::vector<std::string> records;
  std::vector<AfScore> scores;          // each record scored by the model fitted without it
  std::vector<alerts::AfModel> models;  // the model used for each record
};

CrossValidation cross_validate_af(const std::vector<AnnotatedRecord>& records, const AfRunOptions& options);

}  // namespace vigil::validate
