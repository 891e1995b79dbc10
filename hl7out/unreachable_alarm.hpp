#pragma once
// When a destination's trouble becomes the low-priority technical alarm
// hl7_unreachable:<destination> on every bed: raised once the destination
// has been failing (not reachable, no ACK, AE replies, dead letters, or the
// outbox could not be written) for longer than `after`; cleared only when
// deliveries succeed again and its queue has drained, so nobody is told
// "fine" while an hour of messages is still on its way. No clock of its own.
#include <cstddef>
#include <functional>
#include <optional>

#include "core/time.hpp"

namespace vigil::hl7out {

class UnreachableAlarm {
 public:
  explicit UnreachableAlarm(core::Duration after) : after_{after} {}
  // The destination as it is now; true when the alarm's state changed (or
  // became known). `depth` is only read when the alarm may clear.
  bool update(std::optional<core::TimePoint> failing_since, const std::function<std::size_t()>& depth,
              core::TimePoint now);
  bool raised() const { return raised_.value_or(false); }
  // Not known until the first update that can tell: an alarm restored
  // after a restart stays until it is seen to end (or is raised again).
  bool known() const { return raised_.has_value(); }
  core::Duration after() const { return after_; }

 private:
  core::Duration after_;
  std::optional<bool> raised_;
};

}  // namespace vigil::hl7out
