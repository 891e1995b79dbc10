#include "daemon/bus_publisher.hpp"

#include <stdexcept>

#include "daemon/bus_messages.hpp"

namespace vigil::daemon {

BusPublisher::BusPublisher(zmq::context_t& ctx, const std::string& endpoint, std::string daemon_id,
                           bool drill, const std::string& curve_secret)
    : socket_{ctx, zmq::socket_type::pub},
      endpoint_{endpoint},
      daemon_id_{std::move(daemon_id)},
      drill_{drill} {
  if (!curve_secret.empty()) {
    socket_.set(zmq::sockopt::curve_server, true);
    socket_.set(zmq::sockopt::curve_secretkey, curve_secret);
    socket_.set(zmq::sockopt::zap_domain, "vigil");
  }
  // A slow subscriber loses messages at its high-water mark instead of
  // slowing the core; it recovers through snapshot and sequence gaps.
  socket_.set(zmq::sockopt::sndhwm, 10000);
  socket_.set(zmq::sockopt::linger, 500);
  try {
    socket_.bind(endpoint);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error("cannot bind the bus publisher to " + endpoint + ": " + e.what());
  }
}

std::uint64_t BusPublisher::publish(vigil::v1::BusMessage& m, const std::string& bed) {
  const std::uint64_t seq = ++seq_[bed];
  switch (m.body_case()) {
    case vigil::v1::BusMessage::kObservation: m.mutable_observation()->set_seq(seq); break;
    case vigil::v1::BusMessage::kAlarm: m.mutable_alarm()->set_seq(seq); break;
    case vigil::v1::BusMessage::kLink: m.mutable_link()->set_seq(seq); break;
    case vigil::v1::BusMessage::kContext: m.mutable_context()->set_seq(seq); break;
    default: break;
  }
  send(topic(topic_kind(m), bed), m);
  return seq;
}

void BusPublisher::heartbeat(const std::string& bed, core::TimePoint now, std::uint32_t interval_ms) {
  vigil::v1::BusMessage m;
  auto* hb = m.mutable_heartbeat();
  hb->set_bed(bed);
  hb->set_last_seq(last_seq(bed));
  set_time(hb->mutable_time(), now);
  hb->set_daemon_id(daemon_id_);
  hb->set_interval_ms(interval_ms);
  hb->set_drill(drill_);
  send(topic("hb", bed), m);
}

std::uint64_t BusPublisher::last_seq(const std::string& bed) const {
  auto it = seq_.find(bed);
  return it == seq_.end() ? 0 : it->second;
}

void BusPublisher::send(const std::string& t, const vigil::v1::BusMessage& m) {
  m.SerializeToString(&buffer_);
  socket_.send(zmq::buffer(t), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(buffer_), zmq::send_flags::none);
}

}  // namespace vigil::daemon
