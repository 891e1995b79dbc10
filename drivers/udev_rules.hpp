#pragma once
// The udev rules that give monitors stable names under /dev/vigil/, made from
// the protocol registry's USB hints: systemd/60-vigil-monitors.rules is this
// text (`vigild --udev-rules` writes it; a unit test checks the file).
#include <string>

namespace vigil::drivers {

std::string udev_rules();

}  // namespace vigil::drivers
