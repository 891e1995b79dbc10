#pragma once
// The hand-off from vigild's core to the outbox writer: the messages the
// core made, in the order their MSH-10 were given, waiting to be written.
// Bounded for readings only: past `max_readings` waiting (a disk that is
// full or stalls; a reading for several destinations counts once), a
// further PCD-01 message is shed and counted, so a flood
// costs a fixed amount of memory; an alarm (PCD-04) is always kept, since
// alarms come a few a minute and a hospital must never miss one. A batch
// that could not be written goes back in front, so order survives a retry.
// No lock of its own: the writer holds one around it.
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "hl7out/outbox.hpp"

namespace vigil::hl7out {

class OutboxQueue {
 public:
  explicit OutboxQueue(std::size_t max_readings) : max_readings_{max_readings} {}
  // False when the row is a reading shed at the bound.
  bool push(OutboxRow row);
  // Up to `limit` rows, oldest first.
  std::vector<OutboxRow> take(std::size_t limit);
  // A batch taken but not written, back in front in its order.
  void put_back(std::vector<OutboxRow> batch);
  bool empty() const { return rows_.empty(); }
  std::size_t size() const { return rows_.size(); }
  std::size_t readings() const { return readings_; }
  // Messages waiting for one destination (a reading's copy for it counts).
  std::size_t waiting(const std::string& destination) const;
  std::uint64_t shed() const { return shed_; }

 private:
  std::deque<OutboxRow> rows_;
  std::size_t max_readings_;
  std::size_t readings_ = 0;
  std::uint64_t shed_ = 0;
};

}  // namespace vigil::hl7out
