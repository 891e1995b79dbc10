#pragma once
// protocol "auto": listen first, decide later. Every byte goes to a session of
// each protocol that talks without being asked; the first to decode three good
// frames with no bad one, while no other has three, is chosen and from then on
// gets the stream alone. Nothing is ever sent while detecting, so a device is
// never sent a command meant for another. Protocols that must be asked first
// (the registry rows with needs_request) are not detected: name them in the
// config.
#include <memory>

#include "drivers/device_session.hpp"

namespace vigil::drivers {

std::unique_ptr<DeviceSession> make_auto_session();

}  // namespace vigil::drivers
