#include "daemon/zap_authenticator.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <iterator>
#include <vector>
#include <zmq_addon.hpp>

namespace vigil::daemon {

ZapAuthenticator::ZapAuthenticator(boost::asio::io_context& io, zmq::context_t& ctx,
                                   const vigil::v1::config::Security& security)
    : socket_{ctx, zmq::socket_type::rep} {
  update(security);
  socket_.set(zmq::sockopt::linger, 0);
  socket_.bind("inproc://zeromq.zap.01");
  watcher_ = std::make_unique<ZmqWatcher>(io, socket_, [this] { answer_one(); });
}

void ZapAuthenticator::update(const vigil::v1::config::Security& security) {
  security_ = security;
  by_public_key_.clear();
  roles_.clear();
  for (const auto& k : security_.client()) {
    std::array<std::uint8_t, 32> binary{};
    if (!zmq_z85_decode(binary.data(), k.public_key().c_str())) continue;  // validated at config load
    by_public_key_[std::string(reinterpret_cast<const char*>(binary.data()), binary.size())] = &k;
    roles_[k.name()] = k.role();
  }
}

vigil::v1::config::Role ZapAuthenticator::role_of(const std::string& identity) const {
  auto it = roles_.find(identity);
  return it == roles_.end() ? vigil::v1::config::ROLE_UNSPECIFIED : it->second;
}

void ZapAuthenticator::answer_one() {
  std::vector<zmq::message_t> frames;
  (void)zmq::recv_multipart(socket_, std::back_inserter(frames), zmq::recv_flags::dontwait);
  if (frames.empty()) return;
  // version, request id, domain, address, identity, mechanism, credentials...
  const std::string version = frames.size() > 0 ? frames[0].to_string() : "";
  const std::string request_id = frames.size() > 1 ? frames[1].to_string() : "";
  const std::string address = frames.size() > 3 ? frames[3].to_string() : "?";
  const std::string mechanism = frames.size() > 5 ? frames[5].to_string() : "";
  std::string status = "400", text = "not allowed", user;
  if (version != "1.0") {
    text = "unsupported ZAP version";
  } else if (mechanism != "CURVE" || frames.size() < 7 || frames[6].size() != 32) {
    text = "CURVE required";
    spdlog::warn("refused a {} client from {}: vigild accepts CURVE only",
                 mechanism.empty() ? "plain" : mechanism, address);
  } else {
    auto it = by_public_key_.find(frames[6].to_string());
    if (it == by_public_key_.end()) {
      char z85[41] = {};
      zmq_z85_encode(z85, static_cast<const std::uint8_t*>(frames[6].data()), 32);
      spdlog::warn("refused an unknown client key {} from {}", z85, address);
      text = "unknown key";
    } else {
      status = "200";
      text = "OK";
      user = it->second->name();
    }
  }
  socket_.send(zmq::buffer(version), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(request_id), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(status), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(text), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(user), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(std::string{}), zmq::send_flags::none);
}

}  // namespace vigil::daemon
