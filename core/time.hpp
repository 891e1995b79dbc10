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
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
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

inline double to_seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace vigil::core
