#pragma once
// One bed stream's most recent messages, kept for replay (the clone
// pattern's "recent" store), as the bytes that were published. Bytes instead
// of parsed messages: a slot's string is overwritten in place when the ring
// comes round, so keeping a message costs no allocation once the ring is
// full, and a kept observation takes about a hundred bytes instead of the
// several allocations of a parsed message. A replay parses them back.
#include <cstdint>
#include <string>
#include <vector>

#include "vigil/v1/bus.pb.h"

namespace vigil::daemon {

class RecentMessages {
 public:
  explicit RecentMessages(std::size_t capacity) : capacity_{capacity > 0 ? capacity : 1} {}

  // The slot for the next message, sequence number `seq` (ascending): the
  // caller writes the message's bytes into it. Overwrites the oldest when full.
  std::string& next(std::uint64_t seq);
  // Kept messages with seq > after, oldest first, at most max.
  std::vector<vigil::v1::BusMessage> after(std::uint64_t after, std::size_t max) const;
  // The oldest sequence number kept (0: none).
  std::uint64_t oldest() const;
  std::size_t size() const { return slots_.size(); }

 private:
  struct Slot {
    std::uint64_t seq = 0;
    std::string bytes;
  };
  const Slot& at(std::size_t i) const { return slots_[(head_ + i) % slots_.size()]; }

  std::size_t capacity_;
  std::vector<Slot> slots_;  // grows to capacity_, then a ring
  std::size_t head_ = 0;     // the oldest slot once the ring is full
};

}  // namespace vigil::daemon
