#pragma once
// What `vigild --list-ports` and `vigil-ctl ports` print: each serial port with
// its USB identity and the protocol it probably speaks. The hint is never a
// decision: the config names the protocol (or "auto" for listen-only ones).
#include <string>
#include <vector>

#include "drivers/transport/serial_ports.hpp"

namespace vigil::drivers {

std::string protocol_hint(const SerialPortInfo& port);
std::string describe_ports(const std::vector<SerialPortInfo>& ports);

}  // namespace vigil::drivers
