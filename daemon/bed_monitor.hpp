#pragma once
// One bed on the core thread: the bus side of alerts::BedAlarms. Stamps
// readings into observations, feeds the bed's alarm logic, and publishes
// readings, alarm transitions and context changes in order on the bed's stream.
#include <map>
#include <string>
#include <vector>

#include "alerts/bed_alarms.hpp"
#include "core/device_condition.hpp"
#include "core/observation.hpp"
#include "daemon/bus_publisher.hpp"
#include "daemon/device_link.hpp"
#include "daemon/profile_config.hpp"
#include "vigil/v1/command.pb.h"
#include "vigil/v1/config.pb.h"

namespace vigil::daemon {

class BedMonitor {
 public:
  BedMonitor(const vigil::v1::config::Bed& config, alerts::AlarmProfile profile, core::Duration baseline_window,
             bool drill, BusPublisher& bus);

  void on_reading(const std::string& device, core::Reading r, core::TimePoint now);
  void on_device_conditions(const std::string& device, core::DeviceConditions c, core::TimePoint now);
  // Beats the device flagged in one read, timed on its frame clock when it has one.
  void on_beats(const drivers::DecodeOutput& out, core::TimePoint now);
  void on_link_state(const DeviceLink& link, core::TimePoint now);
  void on_link_garbled(const DeviceLink& link, core::TimePoint now);
  void tick(core::TimePoint now);

  // Runs a command against the bed; publishes what it caused. The reply
  // carries the alarm transitions too.
  template <class F>
  auto command(F&& f, core::TimePoint now, vigil::v1::CommandReply& reply) {
    auto result = f(alarms_, out_);
    for (const auto& a : out_.alarms) *reply.add_alarms() = to_proto_alarm(a);
    publish(now);
    return result;
  }

  bool reconfigure(alerts::AlarmProfile profile) { return alarms_.reconfigure(std::move(profile)); }
  vigil::v1::BedStatus status(core::TimePoint now, const std::vector<const DeviceLink*>& links) const;
  const std::string& id() const { return id_; }
  bool drill() const { return drill_; }

 private:
  void publish(core::TimePoint now);
  vigil::v1::AlarmEvent to_proto_alarm(const alerts::AlarmEvent& e) const;

  std::string id_;
  bool drill_;
  BusPublisher& bus_;
  alerts::BedAlarms alarms_;
  alerts::BedOutput out_;
  std::map<core::Metric, core::Observation> latest_;
};

}  // namespace vigil::daemon
