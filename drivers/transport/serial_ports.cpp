#include "drivers/transport/serial_ports.hpp"

#include <libserialport.h>

namespace vigil::drivers {
namespace {
std::string text(const char* s) {
  return s ? s : "";
}
}  // namespace

std::vector<SerialPortInfo> list_serial_ports() {
  std::vector<SerialPortInfo> found;
  sp_port** ports = nullptr;
  if (sp_list_ports(&ports) != SP_OK) return found;
  for (int i = 0; ports[i] != nullptr; ++i) {
    sp_port* p = ports[i];
    SerialPortInfo info;
    info.path = text(sp_get_port_name(p));
    info.description = text(sp_get_port_description(p));
    switch (sp_get_port_transport(p)) {
      case SP_TRANSPORT_USB: {
        info.transport = "usb";
        int vid = 0, pid = 0;
        if (sp_get_port_usb_vid_pid(p, &vid, &pid) == SP_OK) {
          info.usb_vid = vid;
          info.usb_pid = pid;
        }
        info.manufacturer = text(sp_get_port_usb_manufacturer(p));
        info.product = text(sp_get_port_usb_product(p));
        info.usb_serial = text(sp_get_port_usb_serial(p));
        break;
      }
      case SP_TRANSPORT_BLUETOOTH:
        info.transport = "bluetooth";
        break;
      default:
        info.transport = "native";
        break;
    }
    found.push_back(std::move(info));
  }
  sp_free_port_list(ports);
  return found;
}

}  // namespace vigil::drivers
