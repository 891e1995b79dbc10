#pragma once
// How a bus message reads as one line for people (vigil-tail, the demo's
// alarm feed) or as one JSON object for scripts.
#include <string>

#include "vigil/v1/bus.pb.h"

namespace vigil::display {

std::string format_line(const vigil::v1::BusMessage& m);
std::string format_json(const std::string& topic, const vigil::v1::BusMessage& m);

}  // namespace vigil::display
