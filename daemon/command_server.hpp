#pragma once
// The command channel's socket: a ZeroMQ ROUTER served on the core's Asio
// loop (through the socket's notification descriptor), so commands run on
// the same thread as the rules and never race them. Each request gets
// exactly one reply, whatever it contains.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <zmq.hpp>

#include "daemon/zmq_watcher.hpp"

namespace vigil::daemon {

class CommandServer {
 public:
  // Takes the request bytes and the authenticated key name (empty without
  // CURVE), returns the reply bytes.
  using Handler = std::function<std::string(const std::string& request, const std::string& identity)>;

  // Binds; throws std::runtime_error naming the endpoint. With curve_secret,
  // the socket is a CURVE server and every client passes the ZAP handler.
  CommandServer(boost::asio::io_context& io, zmq::context_t& ctx, const std::string& endpoint,
                Handler handler, const std::string& curve_secret = {});
  CommandServer(const CommandServer&) = delete;
  CommandServer& operator=(const CommandServer&) = delete;

  static constexpr std::size_t kMaxRequest = 64 * 1024;

 private:
  void serve_one();

  zmq::socket_t socket_;
  Handler handler_;
  std::unique_ptr<ZmqWatcher> watcher_;
};

}  // namespace vigil::daemon
