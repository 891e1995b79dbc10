#pragma once
// Places a device's own running clock (frames so far times the frame period,
// or samples so far over the sampling rate) on our clock, so that what the
// device saw is timed by when it happened, not by when a read woke us.
//
// Bytes reach us late by a varying amount (the serial driver's buffering,
// the scheduler, a loaded machine; in a drill at 40x every millisecond of
// that is 40 ms of patient time), never early. So the anchor (our time of
// device time zero) is first guessed from the first delivery, then moved
// back whenever a later delivery arrives sooner than predicted: it settles on
// the least delayed arrival, and beats keep the device's spacing exactly.
//
// A device clock that falls more than kLag behind ours (frames lost, the link
// stalled, a device crystal slower than ours) or runs backwards (the device
// or its decoder restarted) cannot be placed from the old anchor; the caller
// restarts it.
#include <chrono>
#include <optional>
#include <string>

#include "core/time.hpp"

namespace vigil::daemon {

class DeviceClockAnchor {
 public:
  static constexpr std::chrono::seconds kLag{3};

  // Whether `end`, the device clock at the end of what arrived at `now`,
  // cannot be placed from the current anchor (false when none is set).
  // Asked on every read of a framed device (75 a second from an oximeter),
  // so it makes no text.
  bool needs_restart(core::Duration end, core::TimePoint now) const {
    return anchor_ && (end < last_end_ || now - at(end) > kLag);
  }
  // Why it cannot; empty when it can.
  std::string restart_reason(core::Duration end, core::TimePoint now) const;
  // Takes the delivery into account: sets the anchor when there is none and
  // moves it back when this delivery came sooner than any before.
  void settle(core::Duration end, core::TimePoint now) {
    if (!anchor_ || at(end) > now) anchor_ = now - end;
    last_end_ = end;
  }
  void reset() { anchor_.reset(); }
  bool placed() const { return anchor_.has_value(); }
  // Our time of device time `t`; only once placed().
  core::TimePoint at(core::Duration t) const { return *anchor_ + t; }

 private:
  std::optional<core::TimePoint> anchor_;
  core::Duration last_end_{};
};

}  // namespace vigil::daemon
