#pragma once
// The command channel's socket: a ZeroMQ ROUTER served on the core's Asio
// loop (through the socket's notification descriptor), so commands run on
// the same thread as the rules and never race them. Each request gets
// exactly one reply, whatever it contains.
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <string>
#include <zmq.hpp>

namespace vigil::daemon {

class CommandServer {
 public:
  // Takes the request bytes, returns the reply bytes.
  using Handler = std::function<std::string(const std::string& request)>;

  // Binds; throws std::runtime_error naming the endpoint.
  CommandServer(boost::asio::io_context& io, zmq::context_t& ctx, const std::string& endpoint, Handler handler);
  ~CommandServer();
  CommandServer(const CommandServer&) = delete;
  CommandServer& operator=(const CommandServer&) = delete;

  static constexpr std::size_t kMaxRequest = 64 * 1024;

 private:
  void wait();
  void drain();

  zmq::socket_t socket_;
  boost::asio::posix::stream_descriptor notify_;
  Handler handler_;
  bool stopped_ = false;
};

}  // namespace vigil::daemon
