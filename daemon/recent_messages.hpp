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
// end (a ring of variable-length records), each after a 12-byte header (its
// sequence number and size). One string per message, as before, cost 1.7
// times the bound: each its own allocation, the slots that held them
// growing by doubling, and the strings of dropped messages kept for reuse.
// An index of the records beside the buffer, as after that, cost a deque's
// 1.5-2 kB a bed. Keeping a message costs no allocation once the buffer
// exists, and the store's memory is its bound.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/v1/bus.pb.h"
#include "wire/bus_message_bytes.hpp"

namespace vigil::daemon {

class RecentMessages {
 public:
  // Keeps the newest messages whose cost (their bytes, plus a kHeader-byte
  // header each) adds up to at most max_bytes; always at least the newest one.
  explicit RecentMessages(std::size_t max_bytes) : max_bytes_{max_bytes} {}

  static constexpr std::size_t kHeader = sizeof(std::uint64_t) + sizeof(std::uint32_t);

  // Serializes m, sequence number `seq` (ascending), into the store and
  // returns its bytes (valid until the next keep), dropping the oldest
  // messages until it fits.
  std::string_view keep(std::uint64_t seq, const vigil::v1::BusMessage& m);
  // The same for bytes measured already, or written already (a reading,
  // written from its observation: wire::ReadingBytes).
  std::string_view keep(std::uint64_t seq, const wire::BusMessageBytes& encoded);
  std::string_view keep(std::uint64_t seq, std::string_view bytes);
  // Kept messages with seq > after, oldest first, at most max.
  std::vector<vigil::v1::BusMessage> after(std::uint64_t after, std::size_t max) const;
  // The oldest sequence number kept (0: none).
  std::uint64_t oldest() const;
  std::size_t size() const { return count_; }
  // What the kept messages cost, as counted against max_bytes.
  std::size_t bytes() const { return bytes_; }
  // What the store holds in memory: its buffer.
  std::size_t footprint() const { return buffer_.capacity(); }

 private:
  struct Record {
    std::uint64_t seq;
    std::size_t size;  // of the message, without its header
  };
  Record record_at(std::size_t offset) const;
  // Where the record after the one at `offset` starts.
  std::size_t next_of(std::size_t offset) const;
  void drop_oldest();
  // Makes room for a message of n bytes with sequence number seq, its header
  // written; returns where its bytes go.
  char* make_room(std::uint64_t seq, std::size_t n);

  std::size_t max_bytes_;
  std::string buffer_;  // max_bytes, from the first keep
  // The records run from head_ (the oldest) to tail_ (past the newest); when
  // wrapped_, from head_ to wrap_end_, then from the buffer's start to tail_.
  std::size_t head_ = 0, tail_ = 0, wrap_end_ = 0;
  bool wrapped_ = false;
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;  // of the kept messages, headers included
};

}  // namespace vigil::daemon
