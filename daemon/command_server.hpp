#pragma once
// The command channel's socket: a ZeroMQ ROUTER served on the core's Asio
// loop (through the socket's notification descriptor), so commands run on
// the same thread as the rules and never race them. Each request gets
// exactly one reply, whatever it contains.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "daemon/zmq_watcher.hpp"

namespace vigil::daemon {

class CommandServer {
 public:
  // Takes the request bytes and the authenticated key name (empty without
  // CURVE), returns the reply bytes.
  using Handler = std::function<std::string(const std::string& request, const std::string& identity)>;
  // Sends one request's reply later, on the core thread; once only.
  using Reply = std::function<void(const std::string& reply)>;
  // Asked first: true when it takes the request to answer later through
  // `reply` (a query served off the core thread); false leaves it to Handler.
  using Deferred = std::function<bool(const std::string& request, const std::string& identity, Reply reply)>;

  // Binds; throws std::runtime_error naming the endpoint. With curve_secret,
  // the socket is a CURVE server and every client passes the ZAP handler.
  CommandServer(boost::asio::io_context& io, zmq::context_t& ctx, const std::string& endpoint,
                Handler handler, const std::string& curve_secret = {});
  CommandServer(const CommandServer&) = delete;
  CommandServer& operator=(const CommandServer&) = delete;

  // Starts answering. Until then requests wait in the socket, in order: a
  // restarted vigild answers nothing before it has published what it restored.
  void serve();
  void defer_with(Deferred deferred) { deferred_ = std::move(deferred); }

  static constexpr std::size_t kMaxRequest = 64 * 1024;

 private:
  void serve_one();
  void send_reply(const std::vector<std::string>& envelope, const std::string& reply);

  boost::asio::io_context& io_;
  zmq::socket_t socket_;
  Handler handler_;
  Deferred deferred_;
  // A reply that comes after this server is gone is dropped, not sent on a dead socket.
  std::shared_ptr<CommandServer*> self_ = std::make_shared<CommandServer*>(this);
  std::unique_ptr<ZmqWatcher> watcher_;
};

}  // namespace vigil::daemon
