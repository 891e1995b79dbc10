#pragma once
// One bed on the core thread: stamps readings into observations, runs the
// bed's rules, feeds the alarm engine and publishes everything in order on the
// bed's stream.
#include <map>
#include <string>
#include <vector>

#include "alerts/alarm_engine.hpp"
#include "alerts/limit_rules.hpp"
#include "core/device_condition.hpp"
#include "core/observation.hpp"
#include "daemon/bus_publisher.hpp"
#include "daemon/device_link.hpp"
#include "vigil/v1/config.pb.h"

namespace vigil::daemon {

std::vector<alerts::LimitRule> limit_rules_from_config(const vigil::v1::config::Limits& limits);

class BedMonitor {
 public:
  BedMonitor(const vigil::v1::config::Bed& config, bool drill, BusPublisher& bus);

  void on_reading(const std::string& device, const core::Reading& r, core::TimePoint now);
  void on_device_conditions(const std::string& device, core::DeviceConditions c, core::TimePoint now);
  void on_link_state(const DeviceLink& link, core::TimePoint now);
  void tick(core::TimePoint now);

  const std::string& id() const { return id_; }
  alerts::AlarmEngine& engine() { return engine_; }
  const std::map<core::Metric, core::Observation>& latest() const { return latest_; }

 private:
  void publish(std::vector<alerts::AlarmEvent>& events);

  std::string id_;
  bool drill_;
  BusPublisher& bus_;
  alerts::LimitRules rules_;
  alerts::AlarmEngine engine_;
  std::map<core::Metric, core::Observation> latest_;
  std::map<std::string, core::DeviceConditions> device_conditions_;
  std::vector<alerts::AlarmEvent> events_;
};

}  // namespace vigil::daemon
