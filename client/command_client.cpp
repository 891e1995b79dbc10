#include "client/command_client.hpp"

#include <iterator>
#include <random>
#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

namespace vigil::client {

core::Result<vigil::v1::CommandReply> send_command(const std::string& endpoint,
                                                   vigil::v1::CommandRequest request,
                                                   std::chrono::milliseconds timeout,
                                                   const CurveClientFiles& curve) {
  if (request.request_id().empty()) {
    std::random_device rd;
    request.set_request_id("ctl-" + std::to_string(rd()));
  }
  zmq::context_t ctx{1};
  zmq::socket_t sock{ctx, zmq::socket_type::dealer};
  sock.set(zmq::sockopt::linger, 0);
  if (auto c = apply_curve(sock, curve); !c) return core::Error{c.error()};
  try {
    sock.connect(endpoint);
  } catch (const zmq::error_t& e) {
    return core::Error{"cannot connect to " + endpoint + ": " + e.what()};
  }
  std::string body;
  request.SerializeToString(&body);
  // A REQ-style empty delimiter keeps the envelope the same for every client kind.
  sock.send(zmq::message_t{}, zmq::send_flags::sndmore);
  sock.send(zmq::buffer(body), zmq::send_flags::none);
  zmq::pollitem_t item{sock.handle(), 0, ZMQ_POLLIN, 0};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return core::Error{"no reply from vigild at " + endpoint + " within " +
                         std::to_string(timeout.count()) +
                         " ms (is it running? is this its command endpoint?" +
                         (curve.enabled() ? " is this key allowed?)" : " does it require CURVE keys?)")};
    zmq::poll(&item, 1, left);
    if (!(item.revents & ZMQ_POLLIN)) continue;
    // The envelope (an empty delimiter) comes back first; the reply is the last frame.
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(sock, std::back_inserter(frames)) || frames.empty()) continue;
    vigil::v1::CommandReply reply;
    if (!reply.ParseFromArray(frames.back().data(), static_cast<int>(frames.back().size())))
      return core::Error{"vigild sent a reply that is not a CommandReply"};
    if (reply.request_id() != request.request_id()) continue;  // a late answer to someone else's question
    return reply;
  }
}

}  // namespace vigil::client
