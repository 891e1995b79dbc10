#pragma once
// Runs a ward's drill end to end: vigil-sim plays every bed's scenario on
// its devices, vigild (drill: true, its clock at the drill's speed) reads
// them, the runner subscribes to the bus, admits the patients and starts and
// stops infusions when the scenarios say, as a nurse would, and records
// everything until the longest scenario ends. Nurses may act meanwhile
// through vigil-ctl or the station on the same command channel.
#include <functional>
#include <string>

#include "core/result.hpp"
#include "drill/drill_record.hpp"
#include "sim/ward.hpp"

namespace vigil::drill {

struct RunOptions {
  double speed = 1;
  std::string vigild;  // program paths
  std::string vigil_sim;
  std::string work_dir;  // ptys, config, logs
  std::string publish;   // empty: a free port on 127.0.0.1
  std::string command;
  std::string capture;           // vigild --capture, when set
  bool serial_over_tcp = false;  // every serial device through TCP (see plan_drill)
  // CURVE for vigild's bus and command channel (drill/drill_keys.hpp): the
  // keys in `keys_dir` (made there when missing), else in WORK/keys.
  enum class Curve { automatic, on, off } curve = Curve::automatic;  // automatic: on for a network endpoint
  std::string keys_dir;
  // Scenario time recorded after the longest scenario ends.
  core::Duration tail = std::chrono::seconds{3};
};

// A line for the person running the drill (progress, alarms as they come).
using Say = std::function<void(const std::string&)>;

core::Result<DrillRecord> run_drill(const sim::Ward& ward, const RunOptions& options, const Say& say);

}  // namespace vigil::drill
