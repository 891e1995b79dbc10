#pragma once
// ZeroMQ's authentication protocol (ZAP, RFC 27) for vigild's CURVE sockets:
// a client whose public key is on the allow-list gets in, with the key's name
// as its User-Id; any other key, or a client without CURVE, is refused and
// logged. Served on the core thread like the command channel.
#include <map>
#include <memory>
#include <string>
#include <zmq.hpp>

#include "daemon/zmq_watcher.hpp"
#include "vigil/v1/config.pb.h"

namespace vigil::daemon {

class ZapAuthenticator {
 public:
  // Binds inproc://zeromq.zap.01 in ctx; must exist before the CURVE sockets bind.
  ZapAuthenticator(boost::asio::io_context& io, zmq::context_t& ctx,
                   const vigil::v1::config::Security& security);

  // The role of a key name a ZAP reply gave as User-Id.
  vigil::v1::config::Role role_of(const std::string& identity) const;
  // A reloaded allow-list: keys added, removed or given other roles.
  void update(const vigil::v1::config::Security& security);

 private:
  void answer_one();

  zmq::socket_t socket_;
  std::map<std::string, const vigil::v1::config::AuthorizedKey*> by_public_key_;  // binary key -> entry
  std::map<std::string, vigil::v1::config::Role> roles_;                          // name -> role
  vigil::v1::config::Security security_;
  std::unique_ptr<ZmqWatcher> watcher_;
};

}  // namespace vigil::daemon
