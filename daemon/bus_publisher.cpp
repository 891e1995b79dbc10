#include "daemon/bus_publisher.hpp"

#include <algorithm>
#include <stdexcept>

#include "journal/bus_messages.hpp"

namespace vigil::daemon {

BusPublisher::BusPublisher(zmq::context_t& ctx, const std::string& endpoint, std::string daemon_id, int hwm,
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
  // slowing the core; it sees the gap in the sequence and asks for replay.
  socket_.set(zmq::sockopt::sndhwm, hwm);
  // And the kernel holds little beyond it (Linux would grow a subscriber's
  // TCP buffer to megabytes), so the high-water mark is the real bound.
  socket_.set(zmq::sockopt::sndbuf, 16 * 1024);
  socket_.set(zmq::sockopt::linger, 500);
  try {
    socket_.bind(endpoint);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error("cannot bind the bus publisher to " + endpoint + ": " + e.what());
  }
}

void BusPublisher::continue_after(const std::string& bed, std::uint64_t seq) {
  auto& s = seq_[bed];
  s = std::max(s, seq);
  auto& r = reserved_[bed];
  r = std::max(r, seq);
}

std::uint64_t BusPublisher::stamp(vigil::v1::BusMessage& m, const std::string& bed) {
  const std::uint64_t seq = ++seq_[bed];
  auto& reserved = reserved_[bed];
  if (seq > reserved) {
    reserved = seq + kReserveBlock - 1;
    if (reserve_) reserve_(bed, reserved);
  }
  switch (m.body_case()) {
    case vigil::v1::BusMessage::kObservation:
      m.mutable_observation()->set_seq(seq);
      break;
    case vigil::v1::BusMessage::kAlarm:
      m.mutable_alarm()->set_seq(seq);
      break;
    case vigil::v1::BusMessage::kLink:
      m.mutable_link()->set_seq(seq);
      break;
    case vigil::v1::BusMessage::kContext:
      m.mutable_context()->set_seq(seq);
      break;
    default:
      break;
  }
  return seq;
}

void BusPublisher::send(const vigil::v1::BusMessage& m, const std::string& bed) {
  send_frames(topic(topic_kind(m), bed), m);
  auto& kept = recent_[bed];
  kept.push_back(m);
  if (kept.size() > kRecent) kept.pop_front();
  if (tap_) tap_(m, bed);
}

std::uint64_t BusPublisher::publish(vigil::v1::BusMessage& m, const std::string& bed) {
  const auto seq = stamp(m, bed);
  send(m, bed);
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
  send_frames(topic("hb", bed), m);
}

std::uint64_t BusPublisher::last_seq(const std::string& bed) const {
  auto it = seq_.find(bed);
  return it == seq_.end() ? 0 : it->second;
}

std::uint64_t BusPublisher::reserved(const std::string& bed) const {
  auto it = reserved_.find(bed);
  return it == reserved_.end() ? 0 : it->second;
}

std::vector<std::string> BusPublisher::streams() const {
  std::vector<std::string> v;
  for (const auto& [bed, seq] : seq_) v.push_back(bed);
  return v;
}

std::vector<vigil::v1::BusMessage> BusPublisher::recent(const std::string& bed, std::uint64_t after,
                                                        std::size_t max) const {
  std::vector<vigil::v1::BusMessage> v;
  auto it = recent_.find(bed);
  if (it == recent_.end()) return v;
  const auto& kept = it->second;
  auto first =
      std::partition_point(kept.begin(), kept.end(), [&](const auto& m) { return seq_of(m) <= after; });
  for (; first != kept.end() && v.size() < max; ++first) v.push_back(*first);
  return v;
}

std::uint64_t BusPublisher::oldest_recent(const std::string& bed) const {
  auto it = recent_.find(bed);
  return it == recent_.end() || it->second.empty() ? 0 : seq_of(it->second.front());
}

void BusPublisher::send_frames(const std::string& t, const vigil::v1::BusMessage& m) {
  m.SerializeToString(&buffer_);
  socket_.send(zmq::buffer(t), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(buffer_), zmq::send_flags::none);
}

}  // namespace vigil::daemon
