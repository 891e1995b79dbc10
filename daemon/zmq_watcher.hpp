#pragma once
// Serves a ZeroMQ socket on the core's Asio loop through the socket's
// notification descriptor: on_readable runs (on the core thread) whenever the
// socket has a message, until it has none. The descriptor is edge-triggered,
// so the watcher drains completely each time; and since any call on the
// socket (a send too) may take the edge of a message that came meanwhile, a
// send made outside on_readable is followed by sent().
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <zmq.hpp>

namespace vigil::daemon {

class ZmqWatcher {
 public:
  ZmqWatcher(boost::asio::io_context& io, zmq::socket_t& socket, std::function<void()> on_readable);
  ~ZmqWatcher();
  ZmqWatcher(const ZmqWatcher&) = delete;
  ZmqWatcher& operator=(const ZmqWatcher&) = delete;

  // Call after sending on the socket from outside on_readable (a reply that
  // was answered later): what arrived during the send is then read too,
  // rather than waiting for the next message's edge.
  void sent();

 private:
  void drain_soon();
  void drain();
  void wait();
  zmq::socket_t& socket_;
  boost::asio::posix::stream_descriptor notify_;
  std::function<void()> on_readable_;
  bool stopped_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace vigil::daemon
