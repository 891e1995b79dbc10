#pragma once
// One bed stream's most recent messages, kept for replay (the clone
// pattern's "recent" store), as the bytes that were published. Bytes instead
// of parsed messages: a slot's string is overwritten in place when its turn
// comes round, so keeping a message costs no allocation once the store is
// full, and a kept observation takes about a hundred bytes instead of the
// several allocations of a parsed message. A replay parses them back.
//
// Bounded in bytes, not in messages: what a bed costs is what it holds, so
// 128 beds cost a known amount however chatty their devices are. The store
// only has to bridge the time until a message is in the journal (readings
// reach it about a second after they are published); older ones are replayed
// from there.
#include <cstdint>
#include <string>
#include <vector>

#include "vigil/v1/bus.pb.h"

namespace vigil::daemon {

class RecentMessages {
 public:
  // Keeps the newest messages whose cost (their bytes as held, plus the
  // slot) adds up to at most max_bytes; always at least the newest one.
  explicit RecentMessages(std::size_t max_bytes) : max_bytes_{max_bytes} {}

  // Serializes m, sequence number `seq` (ascending), into the store and
  // returns its bytes, dropping the oldest messages until it fits.
  const std::string& keep(std::uint64_t seq, const vigil::v1::BusMessage& m);
  // Kept messages with seq > after, oldest first, at most max.
  std::vector<vigil::v1::BusMessage> after(std::uint64_t after, std::size_t max) const;
  // The oldest sequence number kept (0: none).
  std::uint64_t oldest() const;
  std::size_t size() const { return count_; }
  // What the kept messages cost, as counted against max_bytes.
  std::size_t bytes() const { return bytes_; }

 private:
  struct Slot {
    std::uint64_t seq = 0;
    std::string bytes;
  };
  static std::size_t cost(const Slot& s) { return sizeof(Slot) + s.bytes.capacity(); }
  const Slot& at(std::size_t i) const { return slots_[(head_ + i) % slots_.size()]; }
  Slot& spare_slot();

  std::size_t max_bytes_;
  // A ring: count_ kept slots from head_, then spare ones (dropped messages
  // whose strings are reused). It grows only while every slot is kept and the
  // bound is not reached, so its length is bounded too.
  std::vector<Slot> slots_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace vigil::daemon
