#include "daemon/zmq_watcher.hpp"

#include <boost/asio/post.hpp>

namespace vigil::daemon {

ZmqWatcher::ZmqWatcher(boost::asio::io_context& io, zmq::socket_t& socket, std::function<void()> on_readable)
    : socket_{socket}, notify_{io}, on_readable_{std::move(on_readable)} {
  notify_.assign(socket_.get(zmq::sockopt::fd));
  wait();
  // Messages that arrived before the watch began raise no new edge.
  drain_soon();
}

void ZmqWatcher::sent() {
  drain_soon();
}

void ZmqWatcher::drain_soon() {
  // Posted: the caller may be in the middle of its own work on the core thread.
  boost::asio::post(notify_.get_executor(), [this, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.expired()) drain();
  });
}

void ZmqWatcher::drain() {
  while (!stopped_ && (socket_.get(zmq::sockopt::events) & ZMQ_POLLIN)) on_readable_();
}

ZmqWatcher::~ZmqWatcher() {
  stopped_ = true;
  alive_.reset();
  boost::system::error_code ignored;
  notify_.cancel(ignored);
  notify_.release();  // the descriptor belongs to ZeroMQ
}

void ZmqWatcher::wait() {
  notify_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    drain();
    if (!stopped_) wait();
  });
}

}  // namespace vigil::daemon
