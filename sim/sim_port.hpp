#pragma once
// Where a simulated monitor's bytes go: a pseudo-terminal (with an optional
// stable symlink, so a vigild config can name it), a TCP server (a serial
// device server) or a TCP client (an HL7 gateway sending to vigild).
// "Unplugging" closes the port; "replugging" opens a fresh one.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <span>
#include <string>

namespace vigil::sim {

struct PortSpec {
  enum class Kind { pty, tcp_listen, tcp_connect } kind = Kind::pty;
  std::string target;  // pty: symlink path (may be empty); tcp: host:port
};

class SimPort {
 public:
  using DataHandler = std::function<void(std::span<const std::uint8_t>)>;
  virtual ~SimPort() = default;
  virtual void plug() = 0;    // open (or reopen) the port
  virtual void unplug() = 0;  // as if the cable were pulled
  // Sends when somebody listens; a serial line with nobody at the other end
  // loses what is sent, and so does this.
  virtual void send(const std::string& bytes) = 0;
  virtual bool listening() const = 0;
  // A connection on its way (a TCP client's connect not yet answered).
  virtual bool connecting() const { return false; }
  // Reads whatever the receiver sent, for ports without an event loop of their own.
  virtual void service() {}
  virtual std::string describe() const = 0;
  void on_data(DataHandler h) { on_data_ = std::move(h); }

 protected:
  DataHandler on_data_;
};

std::unique_ptr<SimPort> make_port(boost::asio::io_context& io, const PortSpec& spec);

}  // namespace vigil::sim
