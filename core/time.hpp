#pragma once
// Time in vigil is wall-clock time (events carry it to other machines), read
// only through an injected Clock so that every time-based rule is testable
// without sleeping.
#include <chrono>

namespace vigil::core {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::system_clock::duration;
using std::chrono::milliseconds;
using std::chrono::seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // How many seconds of this clock pass per real second. Code that waits on
  // real timers (the core's tick, reconnect backoff) divides by it, so a fast
  // clock keeps condition delays exact.
  virtual double rate() const { return 1.0; }
  // The core has handled everything that arrived up to `t` (called after each
  // tick). A drill clock driven by a simulator uses it to let the simulator
  // run only as far ahead as the core keeps up; other clocks ignore it.
  virtual void caught_up(TimePoint) const {}
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// The system clock running `rate` times faster from `anchor` on, and at
// real pace before it: for drills and tests only (vigild --clock-rate), never
// for a patient. Two processes given the same anchor and rate read the same
// time, so a simulator and the daemon agree on when a device measured; and a
// daemon started a moment before the anchor does not see the wait for the
// first data as a long silence.
class ScaledClock final : public Clock {
 public:
  ScaledClock(double rate, TimePoint anchor) : rate_{rate}, anchor_{anchor} {}
  TimePoint now() const override {
    const auto real = std::chrono::system_clock::now();
    if (real <= anchor_) return real;
    return anchor_ + std::chrono::duration_cast<Duration>(std::chrono::duration<double, Duration::period>(
                         static_cast<double>((real - anchor_).count()) * rate_));
  }
  double rate() const override { return rate_; }
  TimePoint anchor() const { return anchor_; }

 private:
  double rate_;
  TimePoint anchor_;
};

// A clock that only moves when a test (or a replay) moves it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{std::chrono::hours{24 * 365 * 50}}) : now_{start} {}
  TimePoint now() const override { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

inline double to_seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}

// A time in seconds as a number (a beat's interval, a sample's offset at a
// sampling rate, a scenario's "at 12.5 s") as a Duration, cut to whole
// clock ticks (nanoseconds) toward zero.
inline Duration from_seconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

// How long a real timer must wait for `d` to pass on `clock`.
inline std::chrono::nanoseconds real_wait(Duration d, const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double, Duration::period>(static_cast<double>(d.count()) / clock.rate()));
}

}  // namespace vigil::core
