#pragma once
// Drill scenarios: a plain text file a nurse educator can read and write.
//
//   title: Hypertensive crisis 220/120
//   duration: 10:00
//   patient: heart rate 76, systolic 128, diastolic 78, spo2 98
//   device monitor <protocol>
//   device oximeter <protocol>
//   nibp every 2 min taking 30 s
//   at 2:00 start infusion ketamine 0.5 mg/kg for 72 kg over 40 min
//   at 5:10 acknowledge hypertension
//   at 5:20 intervention oxygen nasal cannula 2 L/min
//   at 3:00 raise systolic to 220 and diastolic to 120 over 90 s and raise heart rate to 120 over 60 s
//   at 6:00 unplug oximeter for 20 s
//   expect high hypertension between 4:00 and 5:30
//
// A device's protocol is a name from the registry (vigild --list-protocols).
// Times are m:ss or h:mm:ss from the start, or "N s" / "N min" for spans.
// Every error names file:line:column. docs/drills.md has the whole grammar.
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "sim/physiology.hpp"

namespace vigil::sim {

enum class FaultKind { unplug, sensor_off, garble, line_noise, motion, reboot, cuff_failure };
const char* fault_name(FaultKind k);

struct ParamChange {
  Param param;
  double target;
  core::Duration over{};
  // "..., hold for 3 min, then return over 2 min": after reaching the target
  // and holding, back to the value before the change.
  std::optional<core::Duration> hold;
  core::Duration return_over{};
};

struct Surge {
  double systolic = 0;
  double diastolic = 0;
  core::Duration over{};
};

enum class InfusionAction { start, stop };

// "start infusion ketamine 0.5 mg/kg for 72 kg over 40 min": the dose the
// runner's StartInfusion carries (without it: ketamine, no dose).
struct ScriptedDose {
  std::string drug = "ketamine";
  double amount = 0;
  std::string unit;  // "mg/kg" or "mg"
  double weight_kg = 0;
  int duration_min = 0;
};

// What a nurse does besides starting and stopping the infusion, sent by the
// drill runner through vigild's command channel as vigil-ctl would.
struct StaffAction {
  enum class Kind {
    admit,  // the ward's patient again, after a discharge
    acknowledge,
    pause_infusion,
    resume_infusion,
    change_rate,
    note,
    intervention,
    adverse_event,
    discharge
  };
  Kind kind;
  std::string what;  // acknowledge: the alarm's condition; intervention, adverse event: the kind
  std::string
      text;  // as written (a note's, an intervention's, an adverse event's; a pause's or rate's reason)
  double rate_mg_per_min = 0;
};

// One "at m:ss ..." line. Most carry one kind of action; ramps may carry several.
struct ScenarioEvent {
  core::Duration at{};
  int line = 0;
  std::string text;                  // the line as written, for reports
  std::vector<ParamChange> changes;  // vital-sign ramps
  std::optional<Surge> surge;
  std::optional<Rhythm> rhythm;            // start atrial fibrillation, flutter or VF, or stop one
  Flutter flutter;                         // with "start atrial flutter"
  std::optional<double> ectopics_per_min;  // 0 stops them
  Ectopy ectopy = Ectopy::ventricular;
  bool pulse_deficit = false;            // the premature ventricular beats give no pulse
  std::optional<core::Duration> pause;   // no heartbeat for this long
  std::optional<core::Duration> apnoea;  // no breathing for this long
  std::optional<FaultKind> fault;        // device faults
  std::string device;                    // which device a fault hits
  int device_column = 0;
  core::Duration fault_for{};
  bool measure_nibp = false;  // a STAT cuff reading
  // Done through vigild's command channel by the drill runner, as a nurse would.
  std::optional<InfusionAction> infusion;
  std::optional<ScriptedDose> dose;  // with "start infusion"
  std::optional<StaffAction> staff;
};

struct Expectation {
  std::string priority;   // low, medium, high
  std::string condition;  // as vigild names it: "desaturation", "device_lost:oximeter"
  core::Duration from{};
  core::Duration to{};
  int line = 0;
};

// A device the scenario is written for: the drill runner connects one of
// each to vigild unless the ward file says otherwise.
struct ScenarioDevice {
  std::string id;
  std::string protocol;
  int line = 0;
};

struct Scenario {
  std::string title;
  std::string description;
  core::Duration duration = std::chrono::minutes{5};
  unsigned seed = 1;
  Vitals patient;
  ModelSettings model;
  core::Duration nibp_cycle = std::chrono::minutes{5};
  core::Duration nibp_takes = std::chrono::seconds{30};  // inflation to result
  double noise = 0;
  // Devices that can stream waveforms (an HL7 monitor's ECG) do so unless a
  // scenario says "waveforms: off".
  bool waveforms = true;
  // "waveforms: only": those devices send the waveform alone, without their
  // numbers, so the heart rate is only what vigild derives from the ECG.
  bool numerics = true;
  std::vector<ScenarioDevice> devices;
  std::vector<ScenarioEvent> events;  // in time order
  std::vector<Expectation> expectations;
};

core::Result<Scenario> parse_scenario(const std::string& text, const std::string& file_for_messages);
// A scenario or ward file is a page or two of text (the largest shipped is
// under 8 kB); a bound keeps /dev/zero or a FIFO from hanging the simulator.
inline constexpr std::size_t kMaxScenarioFileBytes = std::size_t{1} << 20;
core::Result<Scenario> load_scenario(const std::string& path);

// The event as written, without its leading "at m:ss".
std::string event_text(const ScenarioEvent& e);

// "m:ss" of a duration since the start, for reports.
std::string clock_text(core::Duration d);

}  // namespace vigil::sim
