#pragma once
// A ward file: one drill across several beds, each running a scenario on
// its own simulated devices, all through one vigild.
//
//   title: Quarterly ketamine drill
//   bed bed-1 runs hypertensive-crisis
//   bed bed-2 runs desaturation for patient DRILL-0002
//     device oximeter <protocol>
//   bed bed-3 runs my-scenarios/af.scn
//     device monitor <protocol>
//     device oximeter <protocol> via tcp
//
// A bed takes its scenario's devices ("device <id> <protocol>" lines);
// "device" lines under the bed add devices or change a protocol. Serial
// devices reach vigild on a pseudo-terminal, or "via tcp" through a serial
// device server; devices that send to vigild themselves (the registry row's
// transport says so) connect to it over TCP.
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "sim/scenario.hpp"

namespace vigil::sim {

struct WardDevice {
  enum class Via { pty, tcp };
  std::string id;
  std::string protocol;
  Via via = Via::pty;
  int line = 0;
};

struct WardBed {
  std::string id;
  std::string scenario_ref;  // as vigil-sim takes it: a built-in name or a resolved path
  Scenario scenario;
  std::vector<WardDevice> devices;
  std::string patient_id;
  int line = 0;
};

struct Ward {
  std::string title;
  std::string description;
  std::optional<double> speed;
  std::vector<WardBed> beds;
  std::string file;

  core::Duration duration() const;
};

// Scenarios are found relative to base_dir. Errors are "file:line:column: message".
core::Result<Ward> parse_ward(const std::string& text, const std::string& file, const std::string& base_dir);
// A built-in ward by name, or a ward file.
core::Result<Ward> load_ward(const std::string& ref);
// One bed running one scenario (a built-in name or a file), with the scenario's devices.
core::Result<Ward> single_bed_ward(const std::string& scenario_ref, const std::string& bed = "bed-1");

}  // namespace vigil::sim
