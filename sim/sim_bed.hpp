#pragma once
// One simulated bed: a patient following a scenario, and the monitors
// attached to them, each speaking its protocol on its own port.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "drivers/simulated_device.hpp"
#include "sim/scenario.hpp"
#include "sim/sim_port.hpp"

namespace vigil::sim {

struct SimDeviceSpec {
  std::string bed = "bed-1";
  std::string id;
  std::string protocol;
  PortSpec port;
  std::string scenario;  // name or file; empty: the simulator's default
  double garbage = 0;    // chance per frame of a burst of line noise
};

class SimBed {
 public:
  using Say = std::function<void(const std::string&)>;
  SimBed(boost::asio::io_context& io, std::string bed, Scenario scenario, core::TimePoint wall_start,
         Say say);

  // Throws std::runtime_error with a readable reason.
  void add_device(const SimDeviceSpec& spec);
  void start();
  // Pulls every device's cable at `at` for `span` (vigil-sim --disconnect-at).
  void unplug_all(core::Duration at, core::Duration span);
  // Moves the bed to simulated time t: scenario events, heartbeats, cuff
  // cycle, frames due.
  void advance(core::Duration t);
  // The next simulated time something is due after the last advance: a
  // frame, an event or the end of a cuff measurement.
  core::Duration next_due() const;
  const Scenario& scenario() const { return scenario_; }
  const std::string& id() const { return bed_; }
  std::vector<std::string> describe_ports() const;
  // A device's connection to vigild is on its way: its frames would be lost.
  bool connecting() const;

 private:
  struct Device {
    SimDeviceSpec spec;
    std::unique_ptr<SimPort> port;
    std::unique_ptr<drivers::SimulatedDevice> emitter;
    core::Duration next_frame{};
    core::Duration unplugged_until{-1}, silent_until{-1}, sensor_off_until{-1}, garble_until{-1},
        noisy_until{-1}, motion_until{-1}, booting_until{-1};
    bool plugged = true;
    std::optional<drivers::CuffReading> pending_cuff;
    std::mt19937 rng;  // per device, so devices interleaving differently cannot change each other's noise
  };

  void apply(const ScenarioEvent& e);
  void run_cuff(core::Duration t);
  void emit(Device& d, core::Duration t);
  Device* device(const std::string& id);

  boost::asio::io_context& io_;
  std::string bed_;
  Scenario scenario_;
  PatientModel model_;
  core::TimePoint wall_start_;
  Say say_;
  std::vector<std::unique_ptr<Device>> devices_;
  std::size_t next_event_ = 0;
  core::Duration next_cuff_start_{std::chrono::seconds{2}};  // a monitor measures when it starts
  std::optional<core::Duration> cuff_running_since_;
  bool cuff_fails_next_ = false;
  std::mt19937 cuff_rng_;
};

}  // namespace vigil::sim
