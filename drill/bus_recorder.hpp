#pragma once
// The drill runner's subscriber: every message vigild publishes, turned into
// the plain values a drill report is made from (drill/drill_record.hpp), in
// scenario time. It follows each bed's sequence numbers and heartbeats as
// docs/bus-protocol.md says, so a report knows when it missed something.
#include <chrono>
#include <map>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "client/curve_client.hpp"
#include "drill/drill_record.hpp"
#include "vigil/v1/bus.pb.h"

namespace vigil::drill {

class BusRecorder {
 public:
  // Subscribes to everything at `endpoint` (with CURVE when `curve` names
  // keys; throws std::runtime_error when they are wrong); times are taken
  // from `scenario_zero`.
  BusRecorder(zmq::context_t& ctx, const std::string& endpoint, core::TimePoint scenario_zero,
              const client::CurveClientFiles& curve = {});

  // Records what arrives within `wait`; returns the alarm transitions among it.
  std::vector<SeenAlarm> pump(std::chrono::milliseconds wait);
  bool heard_daemon() const { return heard_daemon_; }
  DrillRecord& record() { return record_; }

 private:
  void add(const vigil::v1::BusMessage& m, std::vector<SeenAlarm>& alarms);
  void follow(const std::string& bed, std::uint64_t seq);
  core::Duration since_zero(const google::protobuf::Timestamp& ts) const;

  zmq::socket_t socket_;
  core::TimePoint zero_;
  DrillRecord record_;
  std::map<std::string, std::uint64_t> last_seq_;
  bool heard_daemon_ = false;
};

}  // namespace vigil::drill
