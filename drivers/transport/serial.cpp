#include <fcntl.h>
#include <libserialport.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/serial_port.hpp>
#include <cstdio>
#include <filesystem>

#include "drivers/transport/asio_stream.hpp"
#include "drivers/transport/serial_ports.hpp"

namespace vigil::drivers {
namespace asio = boost::asio;
namespace {

std::string sp_error_text() {
  char* msg = sp_last_error_message();
  std::string text = msg ? msg : "unknown error";
  sp_free_error_message(msg);
  return text;
}

bool is_pseudo_terminal(const std::string& path) {
  std::error_code ec;
  auto real = std::filesystem::canonical(path, ec);
  const std::string p = ec ? path : real.string();
  return p.starts_with("/dev/pts/") || p == "/dev/ptmx";
}

core::Result<std::unique_ptr<ByteStream>> open_with_asio(asio::io_context& io, const std::string& path,
                                                         SerialSettings settings) {
  asio::serial_port port{io};
  boost::system::error_code ec;
  port.open(path, ec);
  if (ec) return core::Error{"cannot open " + path + ": " + ec.message()};
  port.set_option(asio::serial_port_base::baud_rate(settings.baud), ec);
  // A pty accepts any speed; a tty that refuses this one is misconfigured.
  if (ec && !is_pseudo_terminal(path))
    return core::Error{"cannot set " + std::to_string(settings.baud) + " baud on " + path + ": " +
                       ec.message()};
  using base = asio::serial_port_base;
  port.set_option(base::character_size(8), ec);
  port.set_option(base::parity(settings.parity == 'E'   ? base::parity::even
                               : settings.parity == 'O' ? base::parity::odd
                                                        : base::parity::none),
                  ec);
  port.set_option(base::stop_bits(base::stop_bits::one), ec);
  port.set_option(
      base::flow_control(settings.rts_cts ? base::flow_control::hardware : base::flow_control::none), ec);
  // Read as a descriptor, as a libserialport port is, so that a paced line
  // can leave the reactor (asio_stream.hpp).
  const int dup_fd = fcntl(port.native_handle(), F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) return core::Error{"cannot duplicate the descriptor of " + path};
  return make_byte_stream(asio::posix::stream_descriptor{io, dup_fd}, path);
}

// libserialport configures the port; Asio then reads a duplicate of its file
// descriptor, so both worlds agree on one event loop.
core::Result<std::unique_ptr<ByteStream>> open_with_libserialport(asio::io_context& io,
                                                                  const std::string& path,
                                                                  SerialSettings settings) {
  sp_port* port = nullptr;
  if (sp_get_port_by_name(path.c_str(), &port) != SP_OK)
    return core::Error{"no serial port " + path + ": " + sp_error_text()};
  auto release = [&] {
    sp_close(port);
    sp_free_port(port);
  };
  if (sp_open(port, SP_MODE_READ_WRITE) != SP_OK) {
    auto err = core::Error{"cannot open " + path + ": " + sp_error_text()};
    sp_free_port(port);
    return err;
  }
  const sp_parity parity = settings.parity == 'E'   ? SP_PARITY_EVEN
                           : settings.parity == 'O' ? SP_PARITY_ODD
                                                    : SP_PARITY_NONE;
  if (sp_set_baudrate(port, static_cast<int>(settings.baud)) != SP_OK || sp_set_bits(port, 8) != SP_OK ||
      sp_set_parity(port, parity) != SP_OK || sp_set_stopbits(port, 1) != SP_OK ||
      sp_set_flowcontrol(port, settings.rts_cts ? SP_FLOWCONTROL_RTSCTS : SP_FLOWCONTROL_NONE) != SP_OK) {
    auto err =
        core::Error{"cannot configure " + path + " for " + std::to_string(settings.baud) + " 8" +
                    settings.parity + "1" + (settings.rts_cts ? " RTS/CTS" : "") + ": " + sp_error_text()};
    release();
    return err;
  }
  int fd = -1;
  sp_get_port_handle(port, &fd);
  const int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  release();
  if (dup_fd < 0) return core::Error{"cannot duplicate the descriptor of " + path};
  return make_byte_stream(asio::posix::stream_descriptor{io, dup_fd}, path);
}

}  // namespace

core::Result<std::unique_ptr<ByteStream>> open_serial(asio::io_context& io, const std::string& path,
                                                      SerialSettings settings) {
  std::error_code exists_ec;
  if (!std::filesystem::exists(path, exists_ec))
    return core::Error{path + " does not exist (device unplugged, or its adapter not yet created)"};
  if (is_pseudo_terminal(path)) return open_with_asio(io, path, settings);
  auto r = open_with_libserialport(io, path, settings);
  if (r) return r;
  // Not every tty is a port libserialport knows (virtual consoles, some
  // adapters); Asio opens any tty.
  auto fallback = open_with_asio(io, path, settings);
  if (fallback) return fallback;
  return core::Error{r.error()};
}

std::unique_ptr<ByteStream> make_byte_stream_from_fd(asio::io_context& io, int fd, std::string description) {
  return make_byte_stream(asio::posix::stream_descriptor{io, fd}, std::move(description));
}

core::Result<std::unique_ptr<ByteStream>> open_usb_serial(asio::io_context& io, const std::string& usb_serial,
                                                          SerialSettings settings) {
  for (const auto& p : list_serial_ports())
    if (p.usb_serial == usb_serial) return open_serial(io, p.path, settings);
  return core::Error{"no USB serial port with serial number '" + usb_serial + "' is plugged in"};
}

core::Result<std::pair<int, int>> parse_vid_pid(const std::string& text) {
  unsigned vid = 0, pid = 0;
  char tail = 0;
  if (text.size() != 9 || std::sscanf(text.c_str(), "%4x:%4x%c", &vid, &pid, &tail) != 2)
    return core::Error{"'" + text + "' is not a USB vendor:product id like 10c4:ea60"};
  return std::pair{static_cast<int>(vid), static_cast<int>(pid)};
}

core::Result<std::unique_ptr<ByteStream>> open_usb_vid_pid(asio::io_context& io, const std::string& vid_pid,
                                                           SerialSettings settings) {
  auto ids = parse_vid_pid(vid_pid);
  if (!ids) return core::Error{ids.error()};
  for (const auto& p : list_serial_ports())
    if (p.usb_vid == ids->first && p.usb_pid == ids->second) return open_serial(io, p.path, settings);
  return core::Error{"no USB serial port with id " + vid_pid + " is plugged in"};
}

}  // namespace vigil::drivers
