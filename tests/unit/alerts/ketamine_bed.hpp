#pragma once
// A bed under the adult IV ketamine profile on a fake clock, with a nurse to
// act on it: what the alarm tests of a whole bed start from. MeasurementBed
// feeds it device reads as vigild does: each read split into measurements
// (measurement_end), so a cuff's systolic, diastolic and mean are judged
// together (the cuff tests of the alarm rules and of the HL7 path into them).
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "alerts/bed_alarms.hpp"
#include "alerts/cuff_measurement.hpp"

namespace vigil::alerts::test {

struct KetamineBed {
  core::ManualClock clock;
  BedAlarms bed{"bed-1", ketamine_iv_adult_profile()};
  BedOutput out;
  Actor nurse{"nurse Ana", "station-1"};

  // `d` passing, the bed ticked once a second as the daemon ticks it.
  void wait(core::Duration d) {
    for (auto t = core::Duration{}; t < d; t += std::chrono::seconds{1}) {
      bed.tick(clock.now(), out);
      clock.advance(std::chrono::seconds{1});
    }
  }
};

struct MeasurementBed : KetamineBed {
  // One device read, split into measurements the way the daemon splits it.
  void read(const std::vector<core::Reading>& rs) {
    for (std::size_t first = 0; first < rs.size();) {
      const std::size_t end = measurement_end(rs, first);
      bed.on_measurement("monitor", std::span{rs}.subspan(first, end - first), clock.now(), out);
      first = end;
    }
  }
  int count(const std::string& condition, Transition t) const {
    int n = 0;
    for (const auto& a : out.alarms) n += a.condition == condition && a.transition == t;
    return n;
  }
  std::optional<AlarmEvent> hypertension() const {
    for (const auto& a : bed.engine().current(clock.now()))
      if (a.condition == "hypertension") return a;
    return std::nullopt;
  }
};

}  // namespace vigil::alerts::test
