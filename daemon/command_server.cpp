#include "daemon/command_server.hpp"

#include <spdlog/spdlog.h>

#include <iterator>
#include <stdexcept>
#include <vector>
#include <zmq_addon.hpp>

#include "vigil/v1/command.pb.h"

namespace vigil::daemon {

CommandServer::CommandServer(boost::asio::io_context& io, zmq::context_t& ctx, const std::string& endpoint,
                             Handler handler, const std::string& curve_secret)
    : io_{io}, socket_{ctx, zmq::socket_type::router}, handler_{std::move(handler)} {
  // Far larger than any command, small enough that a hostile peer cannot
  // make the daemon hold much; requests over kMaxRequest get an error reply.
  socket_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(1024 * 1024));
  socket_.set(zmq::sockopt::linger, 0);
  if (!curve_secret.empty()) {
    socket_.set(zmq::sockopt::curve_server, true);
    socket_.set(zmq::sockopt::curve_secretkey, curve_secret);
    socket_.set(zmq::sockopt::zap_domain, "vigil");
  }
  try {
    socket_.bind(endpoint);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error("cannot bind the command channel to " + endpoint + ": " + e.what());
  }
}

void CommandServer::serve() {
  if (!watcher_) watcher_ = std::make_unique<ZmqWatcher>(io_, socket_, [this] { serve_one(); });
}

void CommandServer::serve_one() {
  std::vector<zmq::message_t> frames;
  (void)zmq::recv_multipart(socket_, std::back_inserter(frames), zmq::recv_flags::dontwait);
  if (frames.size() < 2) return;  // no routing id: nothing to answer
  auto& body = frames.back();
  std::string identity;
  try {
    identity = body.gets("User-Id");
  } catch (const zmq::error_t&) {
    // No ZAP handler ran (plain loopback socket): no identity.
  }
  std::string reply;
  const bool oversized = body.size() > kMaxRequest;
  if (oversized) {
    vigil::v1::CommandReply r;
    r.set_ok(false);
    r.set_error_field("request");
    r.set_error("request: " + std::to_string(body.size()) + " bytes is larger than the " +
                std::to_string(kMaxRequest) + " a command may be");
    r.SerializeToString(&reply);
    spdlog::warn("command channel: refused an oversized request ({} bytes)", body.size());
  }
  // Everything before the body is the envelope (routing id, and the empty
  // delimiter of a REQ client): it goes back as it came.
  std::vector<std::string> envelope;
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) envelope.push_back(frames[i].to_string());
  if (!oversized && deferred_) {
    std::weak_ptr<CommandServer*> alive = self_;
    auto later = [alive, envelope](const std::string& r) {
      auto server = alive.lock();
      if (!server) return;
      (*server)->send_reply(envelope, r);
      // A query answered later is sent outside the watcher's reading: a
      // request that came meanwhile (a station asks a trend and its alarms
      // together) would otherwise wait unread for the next one's edge.
      if ((*server)->watcher_) (*server)->watcher_->sent();
    };
    if (deferred_(body.to_string(), identity, later)) return;
  }
  if (!oversized) reply = handler_(body.to_string(), identity);
  send_reply(envelope, reply);
}

void CommandServer::send_reply(const std::vector<std::string>& envelope, const std::string& reply) {
  for (const auto& frame : envelope)
    socket_.send(zmq::buffer(frame), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
  socket_.send(zmq::buffer(reply), zmq::send_flags::dontwait);
}

}  // namespace vigil::daemon
