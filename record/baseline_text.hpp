#pragma once
// The baseline's values as the journal states them in its `baseline`
// context event ("NIBP sys 128, NIBP dia 78, HR 76, SpO₂ 97": the display
// label of each metric and its value), read back into numbers. The text
// comes from a file anyone with access could have edited: anything that is
// not a known label followed by a number is left out, never guessed.
#include <map>
#include <string_view>

#include "core/metric.hpp"

namespace vigil::record {

std::map<core::Metric, double> parse_baseline_values(std::string_view text);

}  // namespace vigil::record
