// The one table of device protocols. Adding a protocol means adding its codec
// file pair and one entry here; nothing else in vigil names a device.
#include <array>

#include "drivers/device_session.hpp"

namespace vigil::drivers {
namespace {
const std::vector<Protocol>& table() {
  static const std::vector<Protocol> kProtocols{};
  return kProtocols;
}
}  // namespace

std::span<const Protocol> protocols() { return table(); }

const Protocol* find_protocol(std::string_view name) {
  for (const auto& p : table())
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace vigil::drivers
