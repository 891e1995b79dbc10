#pragma once
// vigil-ctl status, for people: one block per bed.
#include <string>

#include "core/time.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::tools {

std::string format_status(const vigil::v1::BedStatus& s, core::TimePoint now, bool with_limits);
// One HL7 destination: queue depth, connection, last acknowledgement.
std::string format_hl7_status(const vigil::v1::Hl7DestinationStatus& s, core::TimePoint now);
// One line of `vigil-ctl hl7 dead-letters`.
std::string format_hl7_kept(const vigil::v1::Hl7KeptMessage& m, core::TimePoint now);

}  // namespace vigil::tools
