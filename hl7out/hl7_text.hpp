#pragma once
// The pieces of HL7 v2 text every message vigil sends is made of: escaping
// of the delimiters |^~\& in values, and the DTM timestamps.
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace vigil::hl7out {

// A value with the HL7 delimiters escaped (\F\ \S\ \R\ \E\ \T\), and line
// breaks, which would end the segment, as \X0D\ / \X0A\.
std::string escape(std::string_view value);

// DTM in UTC to the millisecond: 20261205001500.123+0000.
std::string timestamp(core::TimePoint t);

// A number as an NM value: no exponent, no trailing zeros ("97", "36.6").
std::string number(double v);

}  // namespace vigil::hl7out
