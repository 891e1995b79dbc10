#pragma once
// A fast drill's time, carried from the simulator to vigild and the drill
// runner through a small shared file (mapped into each process's memory):
// vigil-sim writes the simulated time as it advances, the others read it,
// and vigild writes back how far it has caught up. The simulator runs at
// most a little ahead of vigild. So on a busy machine, when either falls
// behind, time waits for it: nobody takes a held-up process for a silent
// device, as a clock that only ran faster than the wall clock would.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "core/time.hpp"

namespace vigil::drill {

class DrillClockWriter {
 public:
  // Creates (or replaces) the file, holding `start`. Throws std::runtime_error.
  DrillClockWriter(const std::string& path, core::TimePoint start);
  ~DrillClockWriter();
  DrillClockWriter(const DrillClockWriter&) = delete;
  DrillClockWriter& operator=(const DrillClockWriter&) = delete;
  void set(core::TimePoint t);
  // How far vigild has caught up; nothing until it has said.
  std::optional<core::TimePoint> daemon_time() const;

 private:
  std::int64_t* ns_ = nullptr;
};

class DrillClock final : public core::Clock {
 public:
  // `rate`: how fast the drill is meant to run, for timers that wait in real time.
  static core::Result<std::unique_ptr<DrillClock>> open(const std::string& path, double rate);
  ~DrillClock() override;
  DrillClock(const DrillClock&) = delete;
  DrillClock& operator=(const DrillClock&) = delete;
  core::TimePoint now() const override;
  double rate() const override { return rate_; }
  void caught_up(core::TimePoint t) const override;

 private:
  DrillClock(std::int64_t* ns, double rate) : ns_{ns}, rate_{rate} {}
  std::int64_t* ns_;
  double rate_;
};

}  // namespace vigil::drill
