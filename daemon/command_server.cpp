#include "daemon/command_server.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <vector>

#include "vigil/v1/command.pb.h"

namespace vigil::daemon {

CommandServer::CommandServer(boost::asio::io_context& io, zmq::context_t& ctx, const std::string& endpoint,
                             Handler handler)
    : socket_{ctx, zmq::socket_type::router}, notify_{io}, handler_{std::move(handler)} {
  // Far larger than any command, small enough that a hostile peer cannot
  // make the daemon hold much; requests over kMaxRequest get an error reply.
  socket_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(1024 * 1024));
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::router_mandatory, false);
  try {
    socket_.bind(endpoint);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error("cannot bind the command channel to " + endpoint + ": " + e.what());
  }
  notify_.assign(socket_.get(zmq::sockopt::fd));
  wait();
}

CommandServer::~CommandServer() {
  stopped_ = true;
  boost::system::error_code ignored;
  notify_.cancel(ignored);
  notify_.release();  // the descriptor belongs to ZeroMQ
}

void CommandServer::wait() {
  notify_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    drain();
    wait();
  });
}

void CommandServer::drain() {
  // The descriptor is edge-triggered: read until ZeroMQ says nothing is left.
  while (socket_.get(zmq::sockopt::events) & ZMQ_POLLIN) {
    std::vector<zmq::message_t> frames;
    for (;;) {
      zmq::message_t part;
      if (!socket_.recv(part, zmq::recv_flags::dontwait)) break;
      const bool more = part.more();
      frames.push_back(std::move(part));
      if (!more) break;
    }
    if (frames.size() < 2) continue;  // no routing id: nothing to answer
    const auto& body = frames.back();
    std::string reply;
    if (body.size() > kMaxRequest) {
      vigil::v1::CommandReply r;
      r.set_ok(false);
      r.set_error_field("request");
      r.set_error("request of " + std::to_string(body.size()) + " bytes is larger than the " +
                  std::to_string(kMaxRequest) + " a command may be");
      r.SerializeToString(&reply);
      spdlog::warn("command channel: refused an oversized request ({} bytes)", body.size());
    } else {
      reply = handler_(body.to_string());
    }
    // Everything before the body is the envelope (routing id, and the empty
    // delimiter of a REQ client): it goes back as it came.
    for (std::size_t i = 0; i + 1 < frames.size(); ++i)
      socket_.send(zmq::buffer(frames[i].data(), frames[i].size()), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    socket_.send(zmq::buffer(reply), zmq::send_flags::dontwait);
  }
}

}  // namespace vigil::daemon
