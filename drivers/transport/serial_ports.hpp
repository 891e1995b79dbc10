#pragma once
// Serial port discovery through libserialport: what is plugged in, with the
// USB identity a config can name a device by.
#include <optional>
#include <string>
#include <vector>

namespace vigil::drivers {

struct SerialPortInfo {
  std::string path;
  std::string description;
  std::string transport;  // usb, native, bluetooth
  std::optional<int> usb_vid;
  std::optional<int> usb_pid;
  std::string manufacturer;
  std::string product;
  std::string usb_serial;
};

std::vector<SerialPortInfo> list_serial_ports();

}  // namespace vigil::drivers
