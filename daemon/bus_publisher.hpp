#pragma once
// The publishing half of the ZeroMQ clone pattern: every bed is a stream with
// its own sequence number; heartbeats carry the last one so a subscriber
// knows when it missed something and when the publisher is gone.
#include <map>
#include <string>
#include <zmq.hpp>

#include "core/time.hpp"
#include "vigil/v1/bus.pb.h"

namespace vigil::daemon {

class BusPublisher {
 public:
  // Binds the PUB socket; throws std::runtime_error naming the endpoint.
  // `drill` marks every heartbeat: the whole daemon runs a drill. With
  // curve_secret the socket is a CURVE server: subscribers need an allowed
  // key (the ZAP handler decides).
  BusPublisher(zmq::context_t& ctx, const std::string& endpoint, std::string daemon_id, bool drill = false,
               const std::string& curve_secret = {});

  // Stamps the bed's next sequence number into the message and sends it.
  std::uint64_t publish(vigil::v1::BusMessage& m, const std::string& bed);
  void heartbeat(const std::string& bed, core::TimePoint now, std::uint32_t interval_ms);
  std::uint64_t last_seq(const std::string& bed) const;
  const std::string& endpoint() const { return endpoint_; }
  const std::string& daemon_id() const { return daemon_id_; }

 private:
  void send(const std::string& topic, const vigil::v1::BusMessage& m);
  zmq::socket_t socket_;
  std::string endpoint_;
  std::string daemon_id_;
  bool drill_;
  std::map<std::string, std::uint64_t> seq_;
  std::string buffer_;
};

}  // namespace vigil::daemon
