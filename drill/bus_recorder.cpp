#include "drill/bus_recorder.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <stdexcept>
#include <vector>
#include <zmq_addon.hpp>

#include "wire/quality.hpp"
#include "wire/timestamp.hpp"

namespace vigil::drill {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The alarm engine words an escalation for lack of acknowledgement this way
// (alerts/alarm_engine.cpp); an escalation because the patient got worse
// carries the rule's own message.
bool escalated_unanswered(const vigil::v1::AlarmEvent& a) {
  return a.transition() == vigil::v1::ESCALATED && a.message().starts_with("unacknowledged for ");
}

}  // namespace

BusRecorder::BusRecorder(zmq::context_t& ctx, const std::string& endpoint, core::TimePoint scenario_zero,
                         const client::CurveClientFiles& curve)
    : socket_{ctx, zmq::socket_type::sub}, zero_{scenario_zero} {
  if (auto c = client::apply_curve(socket_, curve); !c) throw std::runtime_error{c.error()};
  // Reconnect quickly: the runner subscribes before vigild binds.
  socket_.set(zmq::sockopt::reconnect_ivl, 10);
  socket_.set(zmq::sockopt::rcvhwm, 0);
  socket_.set(zmq::sockopt::subscribe, "");
  socket_.connect(endpoint);
  record_.started = scenario_zero;
}

core::Duration BusRecorder::since_zero(const google::protobuf::Timestamp& ts) const {
  return wire::from_proto(ts) - zero_;
}

void BusRecorder::follow(const std::string& bed, std::uint64_t seq) {
  auto [it, first] = last_seq_.try_emplace(bed, seq);
  if (first) return;  // what came before we joined was setup, before the drill
  if (seq > it->second + 1) record_.sequence_gaps += seq - it->second - 1;
  it->second = std::max(it->second, seq);
}

std::vector<SeenAlarm> BusRecorder::pump(std::chrono::milliseconds wait) {
  std::vector<SeenAlarm> alarms;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::max(left, std::chrono::milliseconds{0}));
    if (!(item.revents & ZMQ_POLLIN)) break;
    // Drain what is there without waiting again.
    for (;;) {
      std::vector<zmq::message_t> frames;
      if (!zmq::recv_multipart(socket_, std::back_inserter(frames), zmq::recv_flags::dontwait)) break;
      if (frames.size() < 2) continue;  // a bus message is its topic, then its body
      vigil::v1::BusMessage m;
      if (!m.ParseFromArray(frames[1].data(), static_cast<int>(frames[1].size()))) {
        record_.problems.push_back("an undecodable bus message on " + frames[0].to_string());
        continue;
      }
      ++record_.messages;
      add(m, alarms);
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
  }
  return alarms;
}

void BusRecorder::add(const vigil::v1::BusMessage& m, std::vector<SeenAlarm>& alarms) {
  using B = vigil::v1::BusMessage;
  switch (m.body_case()) {
    case B::kObservation: {
      const auto& o = m.observation();
      follow(o.bed(), o.seq());
      record_.not_marked_drill += !o.drill();
      record_.readings.push_back({since_zero(o.received()), o.bed(), o.device(), o.metric(), o.value(),
                                  wire::usable(o.quality()), o.drill()});
      break;
    }
    case B::kAlarm: {
      const auto& a = m.alarm();
      follow(a.bed(), a.seq());
      record_.not_marked_drill += !a.drill();
      SeenAlarm s;
      s.t = since_zero(a.time());
      s.bed = a.bed();
      s.alarm_id = a.alarm_id();
      s.condition = a.condition();
      s.priority = lower(vigil::v1::Priority_Name(a.priority()));
      s.transition = vigil::v1::AlarmTransition_Name(a.transition());
      s.kind = a.kind() == vigil::v1::TECHNICAL ? "technical" : "physiological";
      s.actor = a.actor();
      s.message = a.message();
      s.unanswered = escalated_unanswered(a);
      s.drill = a.drill();
      s.latched = a.latched();
      record_.alarms.push_back(s);
      alarms.push_back(s);
      break;
    }
    case B::kLink:
      follow(m.link().bed(), m.link().seq());
      record_.not_marked_drill += !m.link().drill();
      break;
    case B::kContext: {
      const auto& c = m.context();
      follow(c.bed(), c.seq());
      record_.not_marked_drill += !c.drill();
      record_.context.push_back({since_zero(c.time()), c.bed(), c.what(), c.actor(), c.message(), c.drill()});
      break;
    }
    case B::kHeartbeat: {
      const auto& h = m.heartbeat();
      heard_daemon_ = true;
      record_.not_marked_drill += !h.drill();
      if (h.bed() == "*") {
        record_.daemon_time = since_zero(h.time());
      } else {
        // The clone pattern: a heartbeat names the last sequence number sent.
        auto it = last_seq_.find(h.bed());
        if (it == last_seq_.end())
          last_seq_[h.bed()] = h.last_seq();
        else if (h.last_seq() > it->second) {
          record_.sequence_gaps += h.last_seq() - it->second;
          it->second = h.last_seq();
        }
      }
      break;
    }
    case B::BODY_NOT_SET:
      break;
  }
}

}  // namespace vigil::drill
