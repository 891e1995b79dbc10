#include "alerts/rr_af_detector.hpp"

namespace vigil::alerts {

// Fitted on the 13 MIT-BIH AF database records in ../shared/data/afdb-rr by
//   vigil-validate af --fit DIR/00735 DIR/04015 ... DIR/08405
// (class-balanced logistic regression; docs/rhythm.md). Leave-one-record-out
// cross-validation of this fit is what docs/rhythm.md reports.
AfModel default_af_model() {
  return {1.998908, 0.815751, 6.093856, 8.319949};
}

}  // namespace vigil::alerts
