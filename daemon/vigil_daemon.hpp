#pragma once
// vigild's wiring: config in, device links, bed monitors and the bus, all on
// one event loop thread with an injected clock.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <zmq.hpp>

#include "core/time.hpp"
#include "daemon/bed_monitor.hpp"
#include "daemon/bus_publisher.hpp"
#include "daemon/device_link.hpp"
#include "vigil/v1/config.pb.h"

namespace vigil::daemon {

class VigilDaemon {
 public:
  VigilDaemon(boost::asio::io_context& io, const core::Clock& clock, vigil::v1::config::DaemonConfig config);
  ~VigilDaemon();
  // Binds the bus and opens every device; throws with a readable reason.
  void start();
  void stop();
  BedMonitor* bed(const std::string& id);

 private:
  void on_output(DeviceLink& link, drivers::DecodeOutput& out);
  void on_link_state(DeviceLink& link);
  void schedule_tick();
  void tick();

  boost::asio::io_context& io_;
  const core::Clock& clock_;
  vigil::v1::config::DaemonConfig config_;
  zmq::context_t zmq_{1};
  std::unique_ptr<BusPublisher> bus_;
  std::map<std::string, std::unique_ptr<BedMonitor>> beds_;
  std::vector<std::unique_ptr<DeviceLink>> links_;
  boost::asio::steady_timer tick_timer_;
  core::TimePoint last_heartbeat_{};
  bool running_ = false;
};

}  // namespace vigil::daemon
