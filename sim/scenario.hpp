#pragma once
// Drill scenarios: a plain text file a nurse educator can read and write.
//
//   title: Hypertensive crisis 220/120
//   duration: 10:00
//   patient: heart rate 76, systolic 128, diastolic 78, spo2 98
//   nibp every 2 min taking 30 s
//   at 3:00 raise systolic to 220 and diastolic to 120 over 90 s and raise heart rate to 120 over 60 s
//   at 6:00 unplug oximeter for 20 s
//   expect high hypertensive_crisis between 4:00 and 5:30
//
// Times are m:ss or h:mm:ss from the start, or "N s" / "N min" for spans.
// Every error names file:line:column.
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "sim/physiology.hpp"

namespace vigil::sim {

enum class FaultKind { unplug, sensor_off, garble, motion, reboot, cuff_failure };
const char* fault_name(FaultKind k);

struct ParamChange {
  Param param;
  double target;
  core::Duration over{};
};

struct ScenarioEvent {
  core::Duration at{};
  int line = 0;
  std::string text;                  // the line as written, for reports
  std::vector<ParamChange> changes;  // vital-sign ramps
  std::optional<FaultKind> fault;    // device faults
  std::string device;                // which device a fault hits
  core::Duration fault_for{};
  bool measure_nibp = false;         // a STAT cuff reading
};

struct Expectation {
  std::string priority;  // low, medium, high
  std::string condition; // condition id, or a prefix ending in ':' for technical ones
  core::Duration from{};
  core::Duration to{};
  int line = 0;
};

struct Scenario {
  std::string title;
  std::string description;
  core::Duration duration = std::chrono::minutes{5};
  unsigned seed = 1;
  Vitals patient;
  core::Duration nibp_cycle = std::chrono::minutes{5};
  core::Duration nibp_takes = std::chrono::seconds{30};  // inflation to result
  double noise = 0;
  std::vector<ScenarioEvent> events;     // in time order
  std::vector<Expectation> expectations;
};

core::Result<Scenario> parse_scenario(const std::string& text, const std::string& file_for_messages);
core::Result<Scenario> load_scenario(const std::string& path);

// "m:ss" of a duration since the start, for reports.
std::string clock_text(core::Duration d);

}  // namespace vigil::sim
