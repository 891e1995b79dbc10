#pragma once
// The MLLP port the hospital's ADT system sends admissions to (docs/hl7.md).
// Sockets and framing run on a thread of their own, so a slow or hostile
// sender never holds up readings or alarms; each whole message is handed to
// vigild's core event loop, which applies it as commands are applied and
// returns the ACK text, and the ACK goes back on the listener's thread.
// Messages of one connection are answered in order, one at a time.
//
// A connection from an address that is not on the allow-list is closed at
// once and logged. With `tls` the sender must complete a TLS 1.2+ handshake
// (and show a client certificate that chains to client_ca_file when one is
// named) before a byte of its messages is read; plain TCP otherwise.
//
// At most `max_connections` are open at once (a further one is closed at
// once and logged), and one that sends nothing for `idle_timeout_s` is
// closed and logged: an interface engine reconnects when it next has a
// message, so a lost or stuck sender frees its slot.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "hl7out/tls_stream.hpp"
#include "vigil/v1/config.pb.h"

namespace vigil::daemon {

class AdtListener {
 public:
  // Runs on the core event loop: one HL7 message in, the ACK text out.
  using Handler = std::function<std::string(const std::string& message, const std::string& peer)>;

  // Binds and loads the TLS files at once (throws with a readable reason);
  // accepts after serve().
  AdtListener(boost::asio::io_context& core, const vigil::v1::config::AdtListen& config, Handler handler);
  ~AdtListener();
  AdtListener(const AdtListener&) = delete;
  AdtListener& operator=(const AdtListener&) = delete;

  void serve();
  // Closes every connection and joins the thread; messages not yet answered
  // get no ACK (the sender sends them again).
  void stop();
  unsigned short port() const;

 private:
  void accept();
  bool allowed(const boost::asio::ip::address& a) const;

  boost::asio::io_context& core_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<boost::asio::ip::address> allow_;
  std::shared_ptr<hl7out::TlsContext> tls_;  // null: plain TCP
  std::chrono::seconds idle_timeout_;
  std::size_t max_connections_;
  // Shared with the sessions, which count themselves in and out.
  std::shared_ptr<std::atomic<std::size_t>> open_ = std::make_shared<std::atomic<std::size_t>>(0);
  // Shared with the work posted to the core loop, which skips it once stop()
  // has cleared it.
  std::shared_ptr<Handler> handler_;
  std::thread thread_;
};

}  // namespace vigil::daemon
