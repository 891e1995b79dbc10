#pragma once
// vigil-ctl status, for people: one block per bed.
#include <string>

#include "core/time.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::tools {

std::string format_status(const vigil::v1::BedStatus& s, core::TimePoint now, bool with_limits);

}  // namespace vigil::tools
