#include "daemon/bus_publisher.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "journal/bus_messages.hpp"
#include "wire/observation.hpp"

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

BusPublisher::~BusPublisher() {
  try {
    flush();
  } catch (const zmq::error_t&) {
    // The context is being torn down: nothing can be sent any more.
  }
}

BusPublisher::Stream& BusPublisher::stream(const std::string& bed) {
  auto it = streams_.find(bed);
  if (it == streams_.end()) {
    it = streams_.try_emplace(bed).first;
    it->second.reading_topic = wire::topic(wire::kObservationKind, bed);
  }
  return it->second;
}

const BusPublisher::Stream* BusPublisher::find(const std::string& bed) const {
  auto it = streams_.find(bed);
  return it == streams_.end() ? nullptr : &it->second;
}

void BusPublisher::continue_after(const std::string& bed, std::uint64_t seq) {
  auto& s = stream(bed);
  s.seq = std::max(s.seq, seq);
  s.reserved = std::max(s.reserved, seq);
}

std::uint64_t BusPublisher::stamp(vigil::v1::BusMessage& m, const std::string& bed) {
  return stamp(m, bed, stream(bed));
}

std::uint64_t BusPublisher::next_seq(const std::string& bed, Stream& s) {
  const std::uint64_t seq = ++s.seq;
  if (seq > s.reserved) {
    s.reserved = seq + kReserveBlock - 1;
    if (reserve_) reserve_(bed, s.reserved);
  }
  return seq;
}

std::uint64_t BusPublisher::stamp(vigil::v1::BusMessage& m, const std::string& bed, Stream& s) {
  const std::uint64_t seq = next_seq(bed, s);
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
  send(m, bed, stream(bed));
}

void BusPublisher::send(const vigil::v1::BusMessage& m, const std::string& bed, Stream& s) {
  flush(s);
  // Serialized straight into the replay store, and sent from there.
  send_frames(wire::topic_kind(m), bed, s.recent.keep(wire::seq_of(m), m));
  if (tap_) tap_(m, bed);
}

std::uint64_t BusPublisher::publish(vigil::v1::BusMessage& m, const std::string& bed) {
  // The bed's stream found once for both halves: every reading comes here.
  auto& s = stream(bed);
  const auto seq = stamp(m, bed, s);
  send(m, bed, s);
  return seq;
}

std::uint64_t BusPublisher::publish(core::Observation& o, bool drill) {
  return publish(stream(o.bed), o, drill);
}

std::uint64_t BusPublisher::publish(Stream& s, core::Observation& o, bool drill) {
  o.seq = next_seq(o.bed, s);
  const auto body = s.recent.keep(o.seq, reading_bytes_.write(o, drill));
  if (schedule_)
    hold(s, body);
  else
    send_frames(s.reading_topic, body);
  if (tap_) {
    wire::fill(*tapped_.mutable_observation(), o, drill);
    tap_(tapped_, o.bed);
  }
  return o.seq;
}

void BusPublisher::heartbeat(const std::string& bed, core::TimePoint now, std::uint32_t interval_ms) {
  vigil::v1::BusMessage m;
  auto* hb = m.mutable_heartbeat();
  hb->set_bed(bed);
  const auto it = streams_.find(bed);
  hb->set_last_seq(it == streams_.end() ? 0 : it->second.seq);
  wire::set_time(hb->mutable_time(), now);
  hb->set_daemon_id(daemon_id_);
  hb->set_interval_ms(interval_ms);
  hb->set_drill(drill_);
  m.SerializeToString(&buffer_);
  // After the readings it counts.
  if (bed == "*")
    flush();
  else if (it != streams_.end())
    flush(it->second);
  send_frames("hb", bed, buffer_);
}

std::uint64_t BusPublisher::last_seq(const std::string& bed) const {
  const auto* s = find(bed);
  return s ? s->seq : 0;
}

std::uint64_t BusPublisher::reserved(const std::string& bed) const {
  const auto* s = find(bed);
  return s ? s->reserved : 0;
}

std::vector<std::string> BusPublisher::streams() const {
  std::vector<std::string> v;
  for (const auto& [bed, s] : streams_) v.push_back(bed);
  return v;
}

std::vector<vigil::v1::BusMessage> BusPublisher::recent(const std::string& bed, std::uint64_t after,
                                                        std::size_t max) const {
  const auto* s = find(bed);
  return s ? s->recent.after(after, max) : std::vector<vigil::v1::BusMessage>{};
}

std::uint64_t BusPublisher::oldest_recent(const std::string& bed) const {
  const auto* s = find(bed);
  return s ? s->recent.oldest() : 0;
}

void BusPublisher::hold(Stream& s, std::string_view body) {
  const auto n = static_cast<std::uint32_t>(body.size());
  s.held.append(reinterpret_cast<const char*>(&n), sizeof n).append(body);
  held_bytes_ += sizeof n + body.size();
  if (!s.listed) {
    s.listed = true;
    holding_.push_back(&s);
  }
  if (held_bytes_ > kHeldBytes) return flush();
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  schedule_([this, alive = std::weak_ptr<bool>{alive_}] {
    if (alive.expired()) return;
    flush_scheduled_ = false;
    flush();
  });
}

void BusPublisher::flush(Stream& s) {
  if (s.held.empty()) return;
  std::string_view rest = s.held;
  held_bytes_ -= rest.size();
  while (!rest.empty()) {
    std::uint32_t n;
    std::memcpy(&n, rest.data(), sizeof n);
    send_frames(s.reading_topic, rest.substr(sizeof n, n));
    rest.remove_prefix(sizeof n + n);
  }
  // A beat's readings of one bed take well under a kilobyte; what a flood
  // grew is given back, 128 beds of it would be megabytes.
  if (s.held.capacity() > kKeptHeldCapacity)
    std::string{}.swap(s.held);
  else
    s.held.clear();
}

void BusPublisher::flush() {
  for (auto* s : holding_) {
    flush(*s);
    s->listed = false;
  }
  holding_.clear();
}

void BusPublisher::send_frames(std::string_view kind, const std::string& bed, std::string_view body) {
  // wire::topic()'s "<kind>/<bed>/", built in a string kept for it.
  topic_.assign(kind).append("/").append(bed).append("/");
  send_frames(topic_, body);
}

void BusPublisher::send_frames(std::string_view topic, std::string_view body) {
  socket_.send(zmq::buffer(topic), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(body), zmq::send_flags::none);
}

}  // namespace vigil::daemon
