#pragma once
// Transports give bytes and connection state, nothing else. Every link a
// device can sit behind (a real serial port, a pty or tty, a TCP connection to
// a serial device server or from an HL7 sender) ends as one ByteStream.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace vigil::drivers {

class ByteStream {
 public:
  using DataHandler = std::function<void(std::span<const std::uint8_t>)>;
  using ClosedHandler = std::function<void(const std::string& reason)>;

  virtual ~ByteStream() = default;
  // Starts reading. on_closed is called once, with a reason a person can act
  // on, when the peer goes away or an error ends the stream; close() calls it
  // not.
  virtual void start(DataHandler on_data, ClosedHandler on_closed) = 0;
  // The bytes are copied: a link that writes (an HL7 link acknowledges every
  // message) keeps its buffer, where handing a vector over was an
  // allocation per write.
  virtual void write(std::span<const std::uint8_t> bytes) = 0;
  virtual void close() = 0;
  virtual std::string describe() const = 0;
};

struct SerialSettings {
  unsigned baud = 9600;
  char parity = 'N';     // N, E or O; always 8 data bits and 1 stop bit
  bool rts_cts = false;  // hardware flow control
};

// A serial line by path. Real ports are opened and configured through
// libserialport; pseudo-terminals (which libserialport 0.1.1 cannot open) and
// plain tty paths fall back to Asio's serial_port.
core::Result<std::unique_ptr<ByteStream>> open_serial(boost::asio::io_context& io, const std::string& path,
                                                      SerialSettings settings);

// The same, with the port found by its USB serial number (so a replugged
// device that came back as another /dev/ttyUSBn is found again).
core::Result<std::unique_ptr<ByteStream>> open_usb_serial(boost::asio::io_context& io,
                                                          const std::string& usb_serial,
                                                          SerialSettings settings);

// Wraps an open file descriptor (a pty master, say); the stream owns it.
std::unique_ptr<ByteStream> make_byte_stream_from_fd(boost::asio::io_context& io, int fd,
                                                     std::string description);

// The first USB serial port with this "vvvv:pppp" vendor:product id (hex).
core::Result<std::unique_ptr<ByteStream>> open_usb_vid_pid(boost::asio::io_context& io,
                                                           const std::string& vid_pid,
                                                           SerialSettings settings);
core::Result<std::pair<int, int>> parse_vid_pid(const std::string& vid_pid);

// A TCP connection to host:port (a serial device server).
void connect_tcp(boost::asio::io_context& io, const std::string& host_port,
                 std::function<void(core::Result<std::unique_ptr<ByteStream>>)> done);

// Accepts TCP senders on host:port (HL7 gateways). Each accepted connection
// is a stream of its own.
class TcpListener {
 public:
  virtual ~TcpListener() = default;
  virtual std::string describe() const = 0;
};
using AcceptHandler = std::function<void(std::unique_ptr<ByteStream>)>;
core::Result<std::unique_ptr<TcpListener>> listen_tcp(boost::asio::io_context& io,
                                                      const std::string& host_port, AcceptHandler on_accept);

// Splits "host:port"; the port must be 1-65535.
core::Result<std::pair<std::string, std::uint16_t>> split_host_port(const std::string& host_port);

}  // namespace vigil::drivers
