#pragma once
// Parsing of vigil-ctl's compact arguments into command fields, separate from
// main() so it is tested on its own: "desaturation:medium" levels,
// "sys=128,dia=78,hr=72,spo2=97" baselines.
#include <string>

#include "core/result.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::tools {

core::Result<vigil::v1::Priority> parse_priority(const std::string& text);
core::Result<vigil::v1::Baseline> parse_baseline(const std::string& text);
// "condition:priority[:threshold[:delay_s]]"
core::Result<vigil::v1::LimitOverride> parse_override(const std::string& text);

}  // namespace vigil::tools
