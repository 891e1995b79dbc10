// The port listing's hints come from the registry: a USB bridge that a row
// names suggests that protocol; any other port suggests "auto" and says which
// protocols it finds by listening and which must be named.
#include "drivers/transport/port_listing.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "drivers/device_session.hpp"

using namespace vigil::drivers;

namespace {
SerialPortInfo port(std::string path, std::string transport) {
  SerialPortInfo p;
  p.path = std::move(path);
  p.transport = std::move(transport);
  return p;
}
}  // namespace

TEST_CASE("a bridge named by a registry row's USB hint suggests that protocol") {
  for (const auto& p : protocols()) {
    if (!p.usb) continue;
    CAPTURE(p.name);
    auto bridge = port("/dev/ttyUSB0", "usb");
    bridge.usb_vid = p.usb->vid;
    bridge.usb_pid = p.usb->pid;
    CHECK(protocol_hint(bridge).starts_with(std::string{p.name} + " ("));
  }
}

TEST_CASE("any other port suggests auto and names every protocol, by how it is found") {
  const std::string usb = protocol_hint(port("/dev/ttyUSB0", "usb"));
  const std::string builtin = protocol_hint(port("/dev/ttyS0", "native"));
  CHECK(usb.starts_with("auto (a USB-serial adapter: "));
  CHECK(builtin.starts_with("auto (a built-in serial port: name "));
  const auto listed = usb.find("detected by listening");
  REQUIRE(listed != std::string::npos);
  for (const auto& p : protocols()) {
    if (p.family.empty()) continue;
    CAPTURE(p.name);
    // Formats of one family are folded ("nonin-2/7/8"): look for the family's
    // first row's name or the family.
    const auto at = usb.find(p.name.starts_with(std::string{p.family} + "-") ? p.family : p.name);
    REQUIRE(at != std::string::npos);
    CHECK((at < listed) == !p.needs_request);
    if (p.needs_request && !p.usb) CHECK(builtin.find(p.name) != std::string::npos);
  }
}
