#pragma once
// A score's rate (sensitivity, specificity, positive predictivity) as the
// scores themselves hold it: 0 when there was nothing to count (a record
// without AF has no AF to find). The reports print such a rate as "-" or
// null instead (validation_report.cpp), from the counts.
#include <cstddef>

namespace vigil::validate {

inline double score_ratio(std::size_t num, std::size_t den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace vigil::validate
