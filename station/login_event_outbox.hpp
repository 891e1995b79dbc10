#pragma once
// The login events on their way to one vigild's journal (station_login,
// docs/station.md): kept in order while that vigild is down or does not
// answer, and sent one at a time, each again after a wait that doubles from
// 1 s to 30 s until it is answered. The buffer holds kCapacity events (a
// day of a busy ward's logins several times over); when it is full the oldest
// waiting event is dropped, and the next one journalled says how many were
// (StationLogin.dropped_before), so the journal shows the gap. The station's
// own log keeps every event. Pure logic on injected times, tested on values.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

#include "core/time.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::station {

class LoginEventOutbox {
 public:
  static constexpr std::size_t kCapacity = 1000;
  static constexpr std::chrono::seconds kFirstRetry{1};
  static constexpr std::chrono::seconds kLongestRetry{30};

  explicit LoginEventOutbox(std::size_t capacity = kCapacity);

  // Queues `e`; false when the buffer was full and the oldest waiting event was dropped for it.
  bool add(vigil::v1::StationLogin e);
  // The event to send at `now`: the oldest waiting, with dropped_before set;
  // nullopt when none waits, one is on its way, or its retry is not yet due.
  std::optional<vigil::v1::StationLogin> due(core::TimePoint now);
  // The event on its way was answered (journalled, or refused for good): the next may go.
  void answered();
  // The event on its way got no answer: it goes again after the wait.
  void unanswered(core::TimePoint now);

  std::size_t waiting() const { return queue_.size(); }
  bool on_its_way() const { return on_its_way_; }
  std::uint32_t dropped() const { return dropped_; }

 private:
  std::deque<vigil::v1::StationLogin> queue_;
  std::size_t capacity_;
  bool on_its_way_ = false;
  core::TimePoint retry_at_{};
  std::chrono::seconds wait_{0};
  std::uint32_t dropped_ = 0;       // dropped and not yet said in the journal
  std::uint32_t dropped_said_ = 0;  // of those, said by the event on its way
};

}  // namespace vigil::station
