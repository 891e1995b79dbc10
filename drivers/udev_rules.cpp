#include "drivers/udev_rules.hpp"

#include <cstdio>

#include "drivers/device_session.hpp"

namespace vigil::drivers {

std::string udev_rules() {
  std::string out =
      "# Stable names for bedside monitors under /dev/vigil/, so a vigild config can\n"
      "# name a device that keeps its name across replugging and reboots.\n"
      "# Installed to /usr/lib/udev/rules.d by `cmake --install`; reload with\n"
      "#   udevadm control --reload && udevadm trigger --subsystem-match=tty\n"
      "# Written by `vigild --udev-rules` from the USB hints of the protocol\n"
      "# registry (drivers/protocol_table.cpp); a unit test checks that this file\n"
      "# is what it writes.\n";
  // A bridge only one supported device ships with: named for its protocol.
  for (const auto& p : protocols()) {
    if (!p.usb) continue;
    char ids[96];
    std::snprintf(ids, sizeof ids, "ATTRS{idVendor}==\"%04x\", ATTRS{idProduct}==\"%04x\"", p.usb->vid,
                  p.usb->pid);
    out += "\n# " + std::string{p.name} + ": " + std::string{p.usb->note} + ".\n";
    out += "SUBSYSTEM==\"tty\", ENV{ID_BUS}==\"usb\", " + std::string{ids} + ", \\\n";
    out += "  SYMLINK+=\"vigil/" + std::string{p.name} +
           "-$env{ID_SERIAL_SHORT}\", GROUP=\"dialout\", MODE=\"0660\"\n";
  }
  out +=
      "\n"
      "# Every other USB-serial adapter (the cables of the other protocols usually\n"
      "# sit behind FTDI, Prolific or CH34x bridges): named by vendor, model and\n"
      "# serial number.\n"
      "SUBSYSTEM==\"tty\", ENV{ID_BUS}==\"usb\", ENV{ID_SERIAL_SHORT}==\"?*\", \\\n"
      "  SYMLINK+=\"vigil/usb-$env{ID_VENDOR_ID}-$env{ID_MODEL_ID}-$env{ID_SERIAL_SHORT}\", "
      "GROUP=\"dialout\", "
      "MODE=\"0660\"\n";
  return out;
}

}  // namespace vigil::drivers
