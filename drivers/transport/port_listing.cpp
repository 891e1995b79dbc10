#include "drivers/transport/port_listing.hpp"

#include <cstdio>

#include "drivers/device_session.hpp"

namespace vigil::drivers {
namespace {

bool talks_unasked(const Protocol& p) {
  return !p.needs_request;
}
bool must_be_asked(const Protocol& p) {
  return p.needs_request;
}
bool must_be_asked_on_a_builtin_port(const Protocol& p) {
  return p.needs_request && !p.usb;
}

}  // namespace

std::string protocol_hint(const SerialPortInfo& p) {
  // A bridge that only one supported device ships with names its protocol
  // (the registry row's usb hint).
  for (const auto& protocol : protocols())
    if (protocol.usb && p.usb_vid == protocol.usb->vid && p.usb_pid == protocol.usb->pid)
      return std::string{protocol.name} + " (" + std::string{protocol.usb->note} + ")";
  // Otherwise "auto", with the registry's protocols by how they are found:
  // those that talk unasked by listening, the others only when named. A
  // protocol with a USB hint ships its own bridge, so it is never behind a
  // built-in port.
  if (p.transport == "usb")
    return "auto (a USB-serial adapter: " + protocol_names(&talks_unasked, " or ") +
           " are detected by listening; name " + protocol_names(&must_be_asked, " or ") + " in the config)";
  return "auto (a built-in serial port: name " + protocol_names(&must_be_asked_on_a_builtin_port, " or ") +
         " in the config, others are detected by listening)";
}

std::string describe_ports(const std::vector<SerialPortInfo>& ports) {
  if (ports.empty()) return "no serial ports found\n";
  std::string out;
  for (const auto& p : ports) {
    out += p.path + "  " + p.transport;
    if (p.usb_vid) {
      char ids[16];
      std::snprintf(ids, sizeof ids, "%04x:%04x", *p.usb_vid, p.usb_pid.value_or(0));
      out += std::string{"  usb_vid_pid="} + ids;
    }
    if (!p.manufacturer.empty()) out += "  " + p.manufacturer;
    if (!p.product.empty()) out += "  " + p.product;
    if (!p.usb_serial.empty()) out += "  usb_serial=" + p.usb_serial;
    if (!p.description.empty()) out += "  (" + p.description + ")";
    out += "\n    protocol: " + protocol_hint(p) + "\n";
  }
  return out;
}

}  // namespace vigil::drivers
