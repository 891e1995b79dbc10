#pragma once
// Delivers one destination's queue over MLLP/TCP, in order, one message in
// flight: connect (with a timeout), send the head of the outbox, wait for
// its ACK (with a timeout), judge it (delivery.hpp), go on or back off. All
// on vigild's event loop with asynchronous I/O: a slow or dead receiver
// never holds up the readings or the alarms.
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/time.hpp"
#include "drivers/hl7/mllp_framing.hpp"
#include "hl7out/delivery.hpp"
#include "hl7out/outbox.hpp"
#include "hl7out/tls_stream.hpp"

namespace vigil::hl7out {

struct SenderStatus {
  std::string destination;
  std::string address;
  std::size_t depth = 0;  // messages still queued
  bool connected = false;
  std::string last_ack;  // "AA V42" of the last acknowledgement, empty before the first
  std::optional<core::TimePoint> last_ack_time;
  std::optional<core::TimePoint> unreachable_since;  // since the first failure not yet followed by a delivery
  std::string last_error;
  std::size_t kept = 0;  // dead letters and rejected messages
  bool alarm = false;    // hl7_unreachable raised
};

// How a destination's connection is secured.
struct TlsSetup {
  bool enabled = false;  // else plain TCP
  std::shared_ptr<TlsContext> context;
  std::string server_name;  // empty: the host
  // Why no context could be made (a file gone since --check-config): then
  // nothing is sent, never in plain text instead.
  std::string problem;
};

class MllpSender : public std::enable_shared_from_this<MllpSender> {
 public:
  MllpSender(boost::asio::io_context& io, const core::Clock& clock, Outbox& outbox, std::string name,
             std::string host, std::string port, DeliveryPolicy policy, TlsSetup tls = {});
  void start() { step(); }
  void stop();
  // Something new was queued.
  void poke();
  SenderStatus status();
  // Since the first failure (no connection, no ACK, AE) not yet followed by a delivery.
  std::optional<core::TimePoint> failing_since() const { return status_.unreachable_since; }
  const std::string& last_error() const { return status_.last_error; }

 private:
  void step();
  void connect();
  void send_head();
  void read();
  void on_message(const std::string& text);
  void fail(const std::string& why);
  void refused(core::TimePoint now, const std::string& why);
  void wake_at(core::TimePoint when);
  void close();
  void handshake();
  void connected();
  boost::asio::ip::tcp::socket& socket() { return tls_ ? tls_->socket() : socket_; }

  boost::asio::io_context& io_;
  const core::Clock& clock_;
  Outbox& outbox_;
  std::string name_, host_, port_;
  Delivery delivery_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;  // plain TCP
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer connect_timer_;
  TlsSetup tls_setup_;
  std::string server_name_;
  // A new one per connection; handlers of an old one keep it alive.
  std::shared_ptr<TlsStream> tls_;
  std::optional<QueuedMessage> current_;
  drivers::MllpDeframer deframer_;
  std::array<std::uint8_t, 4096> buffer_{};
  std::string frame_;
  bool connected_ = false;
  bool connecting_ = false;
  bool writing_ = false;
  bool stopped_ = false;
  unsigned generation_ = 0;  // bumped on close: handlers of an older connection do nothing
  SenderStatus status_;
};

}  // namespace vigil::hl7out
