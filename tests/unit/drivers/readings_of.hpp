#pragma once
// The readings of one metric among what a device session decoded.
#include <algorithm>
#include <iterator>
#include <vector>

#include "core/observation.hpp"

namespace vigil::test {

inline std::vector<core::Reading> readings_of(const std::vector<core::Reading>& rs, core::Metric m) {
  std::vector<core::Reading> found;
  std::copy_if(rs.begin(), rs.end(), std::back_inserter(found),
               [m](const core::Reading& r) { return r.metric == m; });
  return found;
}

}  // namespace vigil::test
