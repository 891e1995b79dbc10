#pragma once
// What a drill runner saw on vigild's bus, in scenario time (since the
// drill's start), as plain values: the drill's evaluation and reports work
// on these, without ZeroMQ or protobuf, so they are tested with values alone.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace vigil::drill {

struct SeenAlarm {
  core::Duration t{};  // this transition
  std::string bed;
  std::string alarm_id;
  std::string condition;
  std::string priority;    // low, medium, high (after this transition)
  std::string transition;  // RAISED, ESCALATED, ACKNOWLEDGED, CLEARED, ...
  std::string kind;        // physiological, technical
  std::string actor;       // who acknowledged, paused or reset
  std::string message;
  // ESCALATED because nobody acknowledged a medium alarm in time, not
  // because the patient got worse.
  bool unanswered = false;
  bool drill = false;
  // CLEARED with the signal kept until someone acknowledges it: the
  // condition is over but the alarm is not.
  bool latched = false;
};

struct SeenReading {
  core::Duration t{};
  std::string bed;
  std::string device;
  std::string metric;  // spo2, pulse, hr, nibp_sys, ...
  double value = 0;
  bool usable = true;
  bool drill = false;
};

// A change of a bed's context: admitted, infusion started, limit changed...
struct SeenContext {
  core::Duration t{};
  std::string bed;
  std::string what;
  std::string actor;
  std::string message;
  bool drill = false;
};

struct DrillRecord {
  core::TimePoint started{};  // scenario time 0 on vigild's clock
  double speed = 1;
  std::vector<SeenAlarm> alarms;
  std::vector<SeenReading> readings;
  std::vector<SeenContext> context;
  // vigild's time in its latest daemon-wide heartbeat: the bus has carried
  // everything vigild did up to it (the scripted nurse acts by it).
  std::optional<core::Duration> daemon_time;
  std::vector<std::string> conditions;  // what vigild can raise (vigild --list-conditions)
  // Of those, the ones rhythm analysis raises, with the beats it raises each
  // from ("atrial_fibrillation": ecg, reported, pulse; "pause": ecg).
  std::map<std::string, std::vector<std::string>> rhythm_beats;
  std::uint64_t messages = 0;          // everything received, heartbeats included
  std::uint64_t not_marked_drill = 0;  // readings, alarms, links or heartbeats without the drill mark
  std::uint64_t sequence_gaps = 0;     // messages the runner missed
  std::vector<std::string> problems;   // the runner's own troubles, for the report
};

}  // namespace vigil::drill
