#pragma once
// One bed stream's most recent messages, kept for replay (the clone
// pattern's "recent" store), as the bytes that were published. Bytes instead
// of parsed messages: a kept observation takes about a hundred bytes instead
// of the several allocations of a parsed message. A replay parses them back.
//
// Bounded in bytes, not in messages: what a bed costs is what it holds, so
// 128 beds cost a known amount however chatty their devices are. The store
// only has to bridge the time until a message is in the journal (readings
// reach it about a second after they are published); older ones are replayed
// from there.
//
// The bytes live in one buffer of the bound's size, the messages one after
// the other, wrapping to its start when the next one does not fit at its
// end (a ring of variable-length records). One string per message, as
// before, cost 1.7 times the bound: each its own allocation, the slots that
// held them growing by doubling, and the strings of dropped messages kept
// for reuse. Keeping a message costs no allocation once the buffer exists.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/v1/bus.pb.h"

namespace vigil::daemon {

class RecentMessages {
 public:
  // Keeps the newest messages whose cost (their bytes, plus a 16-byte index
  // entry each) adds up to at most max_bytes; always at least the newest one.
  explicit RecentMessages(std::size_t max_bytes) : max_bytes_{max_bytes} {}

  // Serializes m, sequence number `seq` (ascending), into the store and
  // returns its bytes (valid until the next keep), dropping the oldest
  // messages until it fits.
  std::string_view keep(std::uint64_t seq, const vigil::v1::BusMessage& m);
  // Kept messages with seq > after, oldest first, at most max.
  std::vector<vigil::v1::BusMessage> after(std::uint64_t after, std::size_t max) const;
  // The oldest sequence number kept (0: none).
  std::uint64_t oldest() const;
  std::size_t size() const { return index_.size(); }
  // What the kept messages cost, as counted against max_bytes.
  std::size_t bytes() const { return bytes_; }
  // What the store holds in memory: its buffer and its index.
  std::size_t footprint() const { return buffer_.capacity() + index_.size() * sizeof(Entry); }

 private:
  struct Entry {
    std::uint64_t seq;
    std::uint32_t offset;
    std::uint32_t size;
  };
  std::string_view bytes_of(const Entry& e) const { return {buffer_.data() + e.offset, e.size}; }
  void drop_oldest();

  std::size_t max_bytes_;
  std::string buffer_;       // max_bytes, from the first keep
  std::deque<Entry> index_;  // oldest first; offsets wrap round buffer_
  std::size_t bytes_ = 0;    // of the kept messages, index entries included
};

}  // namespace vigil::daemon
