#include "alerts/rr_af_detector.hpp"

namespace vigil::alerts {

// Fitted on the 13 MIT-BIH AF database records in ../shared/data/afdb-rr and
// the 21 MIT-BIH Arrhythmia Database records in ../shared/data/mitdb (those
// through the ECG path: vigil's QRS detector and beat classifier on the
// signal) by
//   vigil-validate af --fit mitdb/100 ... mitdb/230 afdb-rr/00735 ... afdb-rr/08405
// (class-balanced logistic regression; docs/rhythm.md), which ends by saying
// whether its weights are these. Leave-one-record-out
// cross-validation of this procedure is what docs/rhythm.md reports.
// Order: pattern, residual, unexplained, bias, entropy.
AfModel default_af_model() {
  return {0.496176, 0.233625, 5.372453, -2.264042, 2.948907};
}

}  // namespace vigil::alerts
